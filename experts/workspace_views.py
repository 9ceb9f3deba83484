"""The expert workspace at /me/expert/: an expert edits their own profile (title and employer changes go to review),
sees their engagements (with the invitation link while an answer is awaited) and their record; a signed-in user
without an expert record applies to join a pool.

Only the expert's own record is ever shown here. Alternates not (yet) invited are left out: a draw's result is
confidential until it is published, and an uninvited alternate learns of it from the invitation only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError, add_to_form

from . import services
from .models import Application, Expert, Selection
from .workspace_forms import ApplyForm, ProfileForm

ENGAGEMENTS_PAGE = 20


def _own_expert(user) -> Expert | None:
    return Expert.objects.select_related("employer_firm").filter(user=user).first()


def _engagements(request, expert: Expert) -> dict:
    """The expert's invitations (newest draw first), each with its invitation link while an answer is awaited."""
    selections = (Selection.objects.filter(expert=expert).exclude(response=Selection.Response.STANDBY)
                  .select_related("draw").order_by("-draw__starts_on", "-draw_id"))
    page = Paginator(selections, ENGAGEMENTS_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = []
    for selection in page:
        open_ = (selection.response == Selection.Response.WAITING and selection.answer_by is not None
                 and now <= selection.answer_by)
        rows.append({"selection": selection, "draw": selection.draw,
                     "token": services.invitation_token(selection) if open_ else ""})
    return {"page": page, "engagements": rows}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    expert = _own_expert(request.user)
    if expert is None:
        return render(request, "experts/workspace/no_expert.html", {"section": "experts"})
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(expert))
    if request.method == "POST" and form.is_valid():
        try:
            review = services.profile_update(actor=request.user, expert=expert, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your profile has been saved."))
            if review is not None:
                messages.info(request, _("The change of professional title or employer goes to the committee "
                                         "for review."))
            return redirect("experts_workspace:profile")
    applications = list(expert.applications.filter(state=Application.State.PENDING).select_related("pool"))
    context = {
        "expert": expert, "form": form, "record": services.expert_record(expert),
        "changes_pending": [a for a in applications if a.changes],
        "joining": [a for a in applications if not a.changes],
        "section": "experts", **_engagements(request, expert),
    }
    return render(request, "experts/workspace/profile.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request):
    if Expert.objects.filter(user=request.user).exists():
        return redirect("experts_workspace:profile")
    form = ApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(actor=request.user, pool=form.cleaned_data["pool"], profile=form.profile(),
                                        document=form.cleaned_data["document"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your application has been submitted. The admission checks are shown "
                                        "below; the committee reviews it."))
            return redirect("experts_workspace:profile")
    return render(request, "experts/workspace/apply.html", {"form": form, "section": "experts"})
