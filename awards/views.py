"""Public award pages under /awards/: the campaign list, a campaign's page (rules, eligibility, rounds, the 公示 of
the proposed winners with the objection form, the final results), objections and the winners' certificates.

Thin views: parse → one selector or service → render. Drafts are never shown (404). Entrants are never charged.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import DomainError, add_to_form
from core.ratelimit import ratelimit

from . import selectors, services
from .certificates import certificate_docx, certificate_name
from .forms import ObjectionForm

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _campaign(pk):
    campaign = selectors.public_campaign(pk)
    if campaign is None:
        raise Http404
    return campaign


def _render_detail(request, campaign, form=None, status=200):
    context = selectors.detail_context(campaign)
    if form is None and context["window_open"]:
        form = ObjectionForm(winners=context["winners"])
    context.update(form=form, section="awards")
    return render(request, "awards/detail.html", context, status=status)


@require_safe
def index(request):
    return render(request, "awards/index.html", {**selectors.index_context(request.GET), "section": "awards"})


@require_safe
def detail(request, pk: int):
    return _render_detail(request, _campaign(pk))


@ratelimit("objection")
@login_required
@require_POST
def objection(request, pk: int):
    campaign = _campaign(pk)
    form = ObjectionForm(request.POST, request.FILES, winners=selectors.winners(campaign))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.objection_file(actor=request.user, campaign=campaign, name=data["name"],
                                    contact=data["contact"], reason=data["reason"], entry=form.chosen_entry(),
                                    evidence=data.get("evidence"))
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your objection has been received. The organiser will look into it and "
                                        "answer you; the outcome is published with the final results."))
            return redirect(campaign.get_absolute_url())
    return _render_detail(request, campaign, form=form)


@require_http_methods(["GET", "HEAD"])
def certificate(request, pk: int, winner: int):
    campaign = _campaign(pk)
    found = selectors.certificate_winner(campaign, winner)
    if found is None:
        raise Http404
    response = HttpResponse(certificate_docx(found), content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, certificate_name(found))
    return response
