"""The attendee's workspace at /me/events/: a user's registrations (their own and those made for colleagues) with
cancel, accept a waiting-list offer and edit; association staff register colleagues of their member firms.

Only registrations the user made or attends are shown here (others: 404); organisers use the console under
/me/events/manage/. A refused action is a message and a redirect, never a 500.
"""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError, add_to_form

from . import services
from . import workspace_selectors as selectors
from .forms import RegistrationForm, initial_answers
from .models import Registration
from .services.registrations import event_questions, needs_approval


@login_required
@require_http_methods(["GET", "HEAD"])
def index(request):
    context = selectors.registrations_page(request.user, request.GET.get("page"))
    context["section"] = "events"
    return render(request, "events/workspace/index.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def registration(request, pk):
    reg = selectors.with_answers(selectors.own_registration(request.user, pk))
    event = reg.event
    editable = reg.state in Registration.ACTIVE and event.starts_at > timezone.now()
    form = None
    if editable:
        initial = {**initial_answers(reg), "name": reg.name, "email": reg.email, "company": reg.company}
        form = RegistrationForm(request.POST if request.method == "POST" else None, event=event,
                                questions=event_questions(event), ticket_types=[reg.ticket_type],
                                fixed_ticket_type=reg.ticket_type, editing=True, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                updated = services.edit(reg, actor=request.user, name=form.cleaned_data["name"],
                                        company=form.cleaned_data.get("company", ""), answers=form.raw_answers())
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("Your registration has been saved."))
                if updated.state == Registration.State.PENDING and reg.state == Registration.State.CONFIRMED:
                    messages.info(request, _("The registration is awaiting approval again."))
                return redirect("events_workspace:registration", pk=reg.pk)
    elif request.method == "POST":
        messages.error(request, _("This registration can no longer be changed."))
        return redirect("events_workspace:registration", pk=reg.pk)
    setup = getattr(event, "setup", None)
    context = {
        "registration": reg, "event": event, "form": form, "answers": selectors.visible_answers(reg),
        "resets_to_pending": (reg.state == Registration.State.CONFIRMED and setup is not None
                              and needs_approval(setup, reg.ticket_type, reg.invitation)),
        "can_cancel": editable, "section": "events",
    }
    return render(request, "events/workspace/registration.html", context)


def _back(request, reg):
    """Back to the page the button was on (the list or the registration)."""
    if request.POST.get("next") == "registration":
        return redirect("events_workspace:registration", pk=reg.pk)
    return redirect("events_workspace:index")


@login_required
@require_POST
def cancel(request, pk):
    reg = selectors.own_registration(request.user, pk)
    if reg.event.starts_at <= timezone.now():
        messages.error(request, _("The event has started; registrations can no longer be cancelled."))
        return _back(request, reg)
    try:
        services.cancel(reg, actor=request.user, reason=request.POST.get("reason", "").strip()[:200])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The registration for “%(event)s” is cancelled.") % {"event": reg.event.title})
    return _back(request, reg)


@login_required
@require_POST
def accept_offer(request, pk):
    reg = selectors.own_registration(request.user, pk)
    try:
        updated = services.accept_offer(reg, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if updated.state == Registration.State.PENDING:
            messages.success(request, _("You accepted the place. The registration is awaiting approval."))
        else:
            messages.success(request, _("You accepted the place. Your registration is confirmed."))
    return _back(request, reg)


def _staff_associations(user) -> list[int]:
    ids = selectors.staff_association_ids(user)
    if not ids:
        raise PermissionDenied
    return ids


@login_required
@require_http_methods(["GET", "HEAD"])
def colleague_events(request):
    _staff_associations(request.user)
    return render(request, "events/workspace/colleague_events.html",
                  {"events": list(selectors.open_events()[:100]), "section": "events"})


class FirmChoiceForm(django_forms.Form):
    firm = django_forms.ModelChoiceField(label=gettext_lazy("Member firm"), queryset=None,
                                         empty_label=gettext_lazy("Choose the colleague's member firm"))

    def __init__(self, data=None, *, firms):
        super().__init__(data, prefix="colleague")
        self.fields["firm"].queryset = firms


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register_colleague(request, event_id):
    association_ids = _staff_associations(request.user)
    event = selectors.open_event_or_404(event_id)
    data = request.POST if request.method == "POST" else None
    ticket_types = [t for t in event.ticket_types.all() if not t.invitation_only]
    firm_form = FirmChoiceForm(data, firms=selectors.colleague_firms(association_ids))
    form = RegistrationForm(data, event=event, questions=event_questions(event), ticket_types=ticket_types,
                            sub_events=list(event.sub_events.all()))
    if data is not None and firm_form.is_valid() & form.is_valid():
        try:
            reg = services.register(
                event=event, actor=request.user, ticket_type=form.cleaned_data["ticket_type"],
                name=form.cleaned_data["name"], email=form.cleaned_data["email"],
                company=form.cleaned_data.get("company", ""), firm=firm_form.cleaned_data["firm"],
                answers=form.raw_answers(), sub_events=form.cleaned_data.get("sub_events") or (),
                for_colleague=True)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("%(name)s is registered: %(state)s.")
                             % {"name": reg.name, "state": reg.get_state_display()})
            return redirect("events_workspace:registration", pk=reg.pk)
    return render(request, "events/workspace/register_colleague.html",
                  {"event": event, "form": form, "firm_form": firm_form, "section": "events"})
