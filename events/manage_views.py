"""The organisers' console at /me/events/manage/: committee staff manage every event, the staff of the organising
association its own events. Setup, quotas and questions, registrations (approve, reject, cancel, waiting-list
priority, staff-only answers) and invitations. Check-in and exports: checkin_views, exports.

Someone who manages no event gets 403; an event (or registration, invitation) the user may not manage is 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError, add_to_form
from core.params import parse_positive_int

from . import manage_selectors as selectors
from . import permissions, services
from .forms import RegistrationForm, initial_answers
from .manage_forms import ITEM_FORMS, InvitationForm, PriorityForm, ReasonForm, SetupForm
from .models import Invitation, Question, Registration, RegistrationSetup, TicketType

MAX_ID = 2**31 - 1


def _require_any(user):
    if not permissions.can_manage_any(user):
        raise PermissionDenied


def _event(request, event_id):
    _require_any(request.user)
    if not 0 < event_id <= MAX_ID:
        raise Http404
    return selectors.managed_event(request.user, event_id)


def _registration(request, pk) -> Registration:
    _require_any(request.user)
    if not 0 < pk <= MAX_ID:
        raise Http404
    registration = get_object_or_404(Registration.objects.select_related("event", "ticket_type", "firm",
                                                                          "invitation"), pk=pk)
    if not permissions.can_manage_event(request.user, registration.event):
        raise Http404
    return registration


@login_required
@require_GET
def index(request):
    _require_any(request.user)
    page = selectors.managed_events(request.user, request.GET.get("page"))
    return render(request, "events/manage/index.html", {"page": page, "states": Registration.State.choices})


@login_required
@require_GET
def event(request, event_id):
    event = _event(request, event_id)
    context = {"event": event, **selectors.event_overview(event), "states": Registration.State.choices}
    return render(request, "events/manage/event.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def setup(request, event_id):
    event = _event(request, event_id)
    instance = RegistrationSetup.objects.filter(event=event).first()
    form = SetupForm(request.POST or None, instance=instance, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.setup_object_save(form, actor=request.user, event=event)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The registration setup is saved."))
            return redirect("events_manage:event", event_id=event.pk)
    heading = _("Set up registration") if instance is None else _("Registration setup")
    return render(request, "events/manage/item_form.html", {"event": event, "form": form, "heading": heading,
                                                             "current": _("Registration setup")})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, event_id, kind, pk=None):
    event = _event(request, event_id)
    if kind not in ITEM_FORMS:
        raise Http404
    form_class, label = ITEM_FORMS[kind]
    model = form_class._meta.model
    instance = None
    if pk is not None:
        if not 0 < pk <= MAX_ID:
            raise Http404
        instance = get_object_or_404(model, pk=pk, event=event)
    form = form_class(request.POST or None, instance=instance, event=event)
    if request.method == "POST" and form.is_valid():
        save = services.quota_save if kind == "quotas" else services.setup_object_save
        try:
            obj = save(form, actor=request.user, event=event)
        except DomainError as exc:
            add_to_form(form, exc)
            if instance is not None:
                instance.refresh_from_db()
        else:
            messages.success(request, _("Saved “%(name)s”.") % {"name": obj})
            return redirect("events_manage:event", event_id=event.pk)
    context = {"event": event, "form": form, "kind": kind, "label": label, "object": instance}
    return render(request, "events/manage/item_form.html", context)


@login_required
@require_GET
def registrations(request, event_id):
    event = _event(request, event_id)
    state = request.GET.get("state", "")
    ticket_types = list(TicketType.objects.filter(event=event))
    wanted_type = parse_positive_int(request.GET.get("ticket_type"))
    ticket_type_id = wanted_type if any(tt.pk == wanted_type for tt in ticket_types) else None
    query = request.GET.get("q", "")[:100]
    listing = selectors.registration_list(event, state=state, ticket_type_id=ticket_type_id, query=query,
                                          page_number=request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    tab_query = filters.copy()
    tab_query.pop("state", None)
    context = {"event": event, **listing, "state": state if state in selectors.STATES else "",
               "states": Registration.State.choices, "ticket_types": ticket_types,
               "ticket_type_id": ticket_type_id, "query": query, "filter_query": filters.urlencode(),
               "tab_query": tab_query.urlencode()}
    return render(request, "events/manage/registrations.html", context)


def _staff_form(registration, data=None):
    event = registration.event
    questions = list(Question.objects.filter(event=event).prefetch_related("ticket_types"))
    initial = {"name": registration.name, "email": registration.email, "company": registration.company,
               "ticket_type": registration.ticket_type_id, **initial_answers(registration)}
    return RegistrationForm(data, event=event, questions=questions, ticket_types=[registration.ticket_type],
                            staff=True, fixed_ticket_type=registration.ticket_type, editing=True, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def registration(request, pk):
    """Details, answers, history and actions; a POST saves the answers (staff-only ones too)."""
    registration = _registration(request, pk)
    form = _staff_form(registration, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit(registration, actor=request.user, name=form.cleaned_data["name"],
                          company=form.cleaned_data.get("company", ""), answers=form.raw_answers())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The registration is saved."))
            return redirect("events_manage:registration", pk=registration.pk)
    context = {"registration": registration, "event": registration.event, "form": form,
               "reason_form": ReasonForm(), "priority_form": PriorityForm(initial={"priority": registration.priority}),
               "editable": registration.state in Registration.ACTIVE, **selectors.registration_detail(registration)}
    return render(request, "events/manage/registration.html", context)


ACTIONS = ("approve", "reject", "cancel", "priority")


@login_required
@require_POST
def registration_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    registration = _registration(request, pk)
    back = reverse("events_manage:registration", args=[registration.pk])
    actor = request.user
    try:
        if action == "approve":
            services.approve(registration, actor=actor)
            done = _("The registration is confirmed; the attendee has been sent the ticket.")
        elif action in ("reject", "cancel"):
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            if action == "reject":
                services.reject(registration, actor=actor, reason=reason)
                done = _("The registration is rejected; the applicant has been told why.")
            else:
                services.cancel(registration, actor=actor, reason=reason)
                done = _("The registration is cancelled.")
        else:
            form = PriorityForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("The priority is a whole number from -100 to 100."))
            services.set_priority(registration, actor=actor, priority=form.cleaned_data["priority"])
            done = _("The waiting-list priority is saved.")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request, event_id):
    event = _event(request, event_id)
    form = InvitationForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_create(
                event=event, actor=request.user, ticket_type=data["ticket_type"], name=data["name"],
                email=data["email"], lock_email=data["lock_email"], valid_until=data["valid_until"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Invitation %(code)s is created.") % {"code": invitation.code})
            return redirect("events_manage:invitations", event_id=event.pk)
    page = selectors.invitation_list(event, request.GET.get("page"))
    return render(request, "events/manage/invitations.html", {"event": event, "form": form, "page": page})


@login_required
@require_POST
def invitation_revoke(request, pk):
    _require_any(request.user)
    if not 0 < pk <= MAX_ID:
        raise Http404
    invitation = get_object_or_404(Invitation.objects.select_related("event"), pk=pk)
    if not permissions.can_manage_event(request.user, invitation.event):
        raise Http404
    try:
        services.invitation_revoke(invitation, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Invitation %(code)s is revoked.") % {"code": invitation.code})
    return redirect("events_manage:invitations", event_id=invitation.event_id)
