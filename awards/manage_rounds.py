"""The rounds part of the organisers' console (/me/awards/manage/): judging rounds and their score criteria
(changed only before the round starts), a round's results with every judge's total and the judges' progress,
opening and closing a round, and the campaign's results workbook (XLSX).

Someone who manages no campaign gets 403; a campaign or round the user may not manage is 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_log
from core.errors import DomainError, add_to_form
from core.exports import XLSX_TYPE, export_response

from . import exports, permissions, services
from . import rounds_selectors as selectors
from .models import Round
from .rounds_forms import EDITABLE_CAMPAIGN_STATES, CriterionForm, RoundForm, criterion_save, round_save


def _require_any(user):
    if not permissions.can_manage_any(user):
        raise PermissionDenied


def _round(request, round_id) -> Round:
    _require_any(request.user)
    return selectors.managed_round(request.user, round_id)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk=None, round_id=None):
    """Add a round to a campaign (pk), or edit one (round_id) while it has not started."""
    if round_id is not None:
        rnd = _round(request, round_id)
        campaign = rnd.campaign
        if rnd.state != Round.State.PENDING:
            messages.error(request, _("This round has started; its settings can no longer be changed."))
            return redirect("awards_manage:round", round_id=rnd.pk)
    else:
        _require_any(request.user)
        campaign, rnd = selectors.managed_campaign(request.user, pk), None
    if campaign.state not in EDITABLE_CAMPAIGN_STATES:
        messages.error(request, _("Rounds cannot be changed once the public notice has started."))
        return redirect("awards_manage:campaign", pk=campaign.pk)
    form = RoundForm(request.POST or None, instance=rnd, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            saved = round_save(form, actor=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The round is saved."))
            return redirect("awards_manage:round", round_id=saved.pk)
    current = _("Edit the round") if rnd else _("New round")
    return render(request, "awards/manage/round_form.html",
                  {"campaign": campaign, "round": rnd, "form": form, "current": current})


@login_required
@require_GET
def round_detail(request, round_id):
    rnd = _round(request, round_id)
    criteria = list(rnd.criteria.all())
    results = selectors.round_results(rnd)
    context = {"campaign": rnd.campaign, "round": rnd, "criteria": criteria, "results": results,
               "pending": rnd.state == Round.State.PENDING, "open": rnd.state == Round.State.OPEN,
               "closed": rnd.state == Round.State.CLOSED, "current": rnd.get_kind_display()}
    return render(request, "awards/manage/round.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, round_id, criterion_id=None):
    rnd = _round(request, round_id)
    criterion = selectors.managed_criterion(rnd, criterion_id) if criterion_id is not None else None
    if rnd.state != Round.State.PENDING:
        messages.error(request, _("This round has started; its criteria can no longer be changed."))
        return redirect("awards_manage:round", round_id=rnd.pk)
    form = CriterionForm(request.POST or None, instance=criterion, round=rnd)
    if request.method == "POST" and form.is_valid():
        try:
            criterion_save(form, actor=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The criterion is saved."))
            return redirect("awards_manage:round", round_id=rnd.pk)
    current = _("Edit the criterion") if criterion else _("New criterion")
    return render(request, "awards/manage/criterion_form.html",
                  {"campaign": rnd.campaign, "round": rnd, "criterion": criterion, "form": form, "current": current})


ACTIONS = {"open": services.round_open, "close": services.round_close}


@login_required
@require_POST
def round_action(request, round_id, action):
    if action not in ACTIONS:
        raise Http404
    rnd = _round(request, round_id)
    try:
        ACTIONS[action](actor=request.user, round=rnd)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if action == "open":
            messages.success(request, _("The round is open: the judges can score its entries."))
        else:
            messages.success(request, _("The round is closed: the entries are scored, ranked and advanced."))
    return redirect("awards_manage:round", round_id=rnd.pk)


@login_required
@require_GET
def results_xlsx(request, pk):
    _require_any(request.user)
    campaign = selectors.managed_campaign(request.user, pk)
    content, summary = exports.results_workbook(campaign)
    audit_log(actor=request.user, action="awards.export.results", obj=campaign, data=summary)
    return export_response(content, exports.results_filename(campaign), XLSX_TYPE)
