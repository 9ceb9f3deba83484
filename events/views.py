"""Public event views: registration, the invitation landing page, the ticket page and the calendar files.

Thin views: parse → one selector or service → render. The event pages themselves are Wagtail pages (models.py).
The ticket page needs no login: the token in its link is the credential (like a paper ticket), so it is sent with
``Referrer-Policy: same-origin`` and never cached.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from associations.models import Firm
from core.errors import DomainError, add_to_form
from core.ratelimit import ratelimit

from . import permissions, selectors, services
from .forms import RegistrationForm
from .models import EventPage, Question, Registration, SubEvent, TicketType
from .services.tickets import ICS_TYPE, ics, qr_svg


def _live_event(event_id: int) -> EventPage:
    event = EventPage.objects.live().public().filter(pk=event_id).select_related("setup", "organiser").first()
    if event is None:
        raise Http404
    return event


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


def _ics_response(event, registration=None) -> HttpResponse:
    response = HttpResponse(ics(event, registration), content_type=f"{ICS_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def _invitation(request, event):
    """The invitation of ?invitation=<token> or ?code=<code> (or the hidden field of a POST); (invitation, error)."""
    token = request.POST.get("invitation") or request.GET.get("invitation") or ""
    code = request.GET.get("code") or ""
    if not token and not code:
        return None, ""
    try:
        return services.invitation_for(event=event, token=token, code=code), ""
    except DomainError as exc:
        return None, exc.message


STATE_MESSAGES = {
    Registration.State.CONFIRMED: gettext_lazy("Your registration is confirmed. Your ticket is below and has been "
                                               "sent to %(email)s."),
    Registration.State.PENDING: gettext_lazy("Your registration has been received and is awaiting approval by the "
                                             "organisers. You will be told by email."),
    Registration.State.WAITING: gettext_lazy("The event is full: you are on the waiting list. If a place becomes "
                                             "free, we will offer it to you by email."),
}


@never_cache
@ratelimit("registration")
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register(request, event_id: int):
    event = _live_event(event_id)
    context = selectors.event_detail_context(event, user=request.user)
    context["event"] = context["page"] = event
    invitation, invitation_error = _invitation(request, event)
    context.update(invitation=invitation, invitation_error=invitation_error)
    status = context["status"]
    if not status.is_open or (status.code == selectors.Status.FULL and not status.waiting_list):
        return render(request, "events/register.html", {**context, "form": None})
    if status.audience == "invited" and invitation is None:
        return render(request, "events/register.html", {**context, "form": None, "needs_invitation": True})

    firm_ids = sorted(permissions.member_firm_ids(request.user))
    firms = list(Firm.objects.filter(pk__in=firm_ids).order_by("name"))
    user = request.user
    initial = {"name": getattr(user, "full_name", "") or user.get_full_name() or "", "email": user.email,
               "company": firms[0].name if len(firms) == 1 else ""}
    if invitation is not None:
        initial["name"] = invitation.name or initial["name"]
        if invitation.lock_email:
            initial["email"] = invitation.email
    form = RegistrationForm(
        request.POST if request.method == "POST" else None, event=event,
        questions=Question.objects.filter(event=event).prefetch_related("ticket_types"),
        ticket_types=list(TicketType.objects.filter(event=event, invitation_only=False)),
        sub_events=list(SubEvent.objects.filter(event=event)),
        fixed_ticket_type=invitation.ticket_type if invitation else None,
        lock_email=bool(invitation and invitation.lock_email), initial=initial)
    if len(firms) > 1:
        form.fields["firm"] = forms.ModelChoiceField(
            label=_("Register for"), queryset=Firm.objects.filter(pk__in=firm_ids).order_by("name"), required=False,
            empty_label=_("Myself (no member firm)"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        firm = data.get("firm") if len(firms) > 1 else (firms[0] if len(firms) == 1 else None)
        try:
            registration = services.register(
                event=event, actor=user, ticket_type=data["ticket_type"], name=data["name"],
                email=data["email"], company=data.get("company", ""), firm=firm, answers=form.raw_answers(),
                sub_events=data.get("sub_events") or (), invitation=invitation)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            level = messages.SUCCESS if registration.state == Registration.State.CONFIRMED else messages.INFO
            messages.add_message(request, level, STATE_MESSAGES[registration.state] % {"email": registration.email})
            if registration.state == Registration.State.CONFIRMED:
                return redirect(registration.get_ticket_url())
            return redirect("events_workspace:index")
    return render(request, "events/register.html", {**context, "form": form})


@never_cache
@require_safe
def invitation(request, token: str):
    try:
        found = services.invitation_for(token=token)
        error = ""
    except DomainError as exc:
        found, error = None, exc.message
        from .models import Invitation

        if not Invitation.objects.filter(token=token).exists():
            raise Http404 from exc
    if found is not None and not found.event.live:
        raise Http404
    return _private(render(request, "events/invitation.html", {"invitation": found, "error": error}))


def _registration(token: str) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("event", "ticket_type", "firm").filter(event__live=True), token=token)


@never_cache
@require_safe
def ticket(request, token: str):
    registration = _registration(token)
    confirmed = registration.state == Registration.State.CONFIRMED
    return _private(render(request, "events/ticket.html", {
        "registration": registration, "event": registration.event,
        "sub_events": list(registration.sub_events.all()),
        "qr": mark_safe(qr_svg(registration)) if confirmed else "",  # segno output of our own token
        "confirmed": confirmed,
    }))


@never_cache
@require_safe
def ticket_qr(request, token: str):
    registration = _registration(token)
    if registration.state != Registration.State.CONFIRMED:
        raise Http404
    return _private(HttpResponse(qr_svg(registration), content_type="image/svg+xml"))


@never_cache
@require_safe
def ticket_ics(request, token: str):
    registration = _registration(token)
    if registration.state != Registration.State.CONFIRMED:
        raise Http404
    return _private(_ics_response(registration.event, registration))


@require_safe
def event_ics(request, event_id: int):
    return _ics_response(_live_event(event_id))
