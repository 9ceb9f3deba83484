"""Check-in at the door. A scan carries the ticket token (what the QR code holds, or the ticket page's address);
staff may also type the 8-character ticket code. Entry and exit are recorded per check-in list; a second entry
while inside is refused with the time of the first; every refusal is audited with its reason. A ``nonce`` sent by
the scanning page makes a repeated submission of the same scan harmless."""

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log

from .. import permissions
from ..models import Checkin, CheckinList, Registration

TOKEN_IN_URL = re.compile(r"/events/tickets/([A-Za-z0-9_-]{20,64})/?")


@dataclass
class ScanResult:
    ok: bool
    message: str
    registration: Registration | None = None
    checkin: Checkin | None = None
    answers: list = field(default_factory=list)
    warning: bool = False


def find_registration(payload: str) -> tuple[Registration | None, bool]:
    """(registration, typed) for a scanned token, a ticket address or a typed code."""
    payload = (payload or "").strip()
    match = TOKEN_IN_URL.search(payload)
    qs = Registration.objects.select_related("event", "ticket_type")
    if match:
        return qs.filter(token=match.group(1)).first(), False
    code = re.sub(r"[\s\-]", "", payload).upper()
    if 6 <= len(code) <= 12 and code.isalnum():
        found = qs.filter(code=code).first()
        if found is not None:
            return found, True
    if 20 <= len(payload) <= 64:
        return qs.filter(token=payload).first(), False
    return None, True


def _checkin_answers(registration) -> list:
    return [a for a in registration.answers.select_related("question").order_by("question__position", "question_id")
            if a.question.show_at_checkin]


def _refuse(checkin_list, *, actor, reason: str, payload: str, registration=None, warning=False) -> ScanResult:
    with transaction.atomic():
        audit_log(actor=actor, action="events.checkin.refused", obj=checkin_list,
                  data={"reason": reason, "payload": (payload or "")[:80],
                        "registration": registration.pk if registration else None})
    answers = _checkin_answers(registration) if registration is not None else []
    return ScanResult(ok=False, message=reason, registration=registration, answers=answers, warning=warning)


def covers(checkin_list: CheckinList, registration: Registration) -> bool:
    types = {tt.pk for tt in checkin_list.ticket_types.all()}
    if types and registration.ticket_type_id not in types:
        return False
    if checkin_list.sub_event_id:
        return registration.sub_events.filter(pk=checkin_list.sub_event_id).exists()
    return True


def scan(checkin_list: CheckinList, *, payload: str, actor, kind: str = Checkin.Kind.ENTRY,
         nonce: str = "") -> ScanResult:
    if not permissions.can_manage_event(actor, checkin_list.event):
        return ScanResult(ok=False, message=_("You are not allowed to do this."))
    if kind not in Checkin.Kind.values:
        kind = Checkin.Kind.ENTRY
    nonce = (nonce or "").strip()[:64] or None
    if nonce:
        earlier = Checkin.objects.select_related("registration").filter(nonce=nonce).first()
        if earlier is not None and earlier.checkin_list_id != checkin_list.pk:
            nonce = None  # a nonce from another list's page: not the same scan
        elif earlier is not None:  # the same scan submitted twice (a double tap, a retried request)
            return ScanResult(ok=True, message=_("This scan was already recorded."), registration=earlier.registration,
                              checkin=earlier, answers=_checkin_answers(earlier.registration))
    registration, typed = find_registration(payload)
    if registration is None:
        return _refuse(checkin_list, actor=actor, payload=payload,
                       reason=_("Unknown ticket: no registration has this code. It may be forged or mistyped."))
    if registration.event_id != checkin_list.event_id:
        return _refuse(checkin_list, actor=actor, payload=payload, registration=None,
                       reason=_("This ticket is for another event: %(event)s.") % {"event": registration.event.title})
    if registration.state != Registration.State.CONFIRMED:
        return _refuse(checkin_list, actor=actor, payload=payload, registration=registration,
                       reason=_("This registration is “%(state)s”, not confirmed: no entry.")
                       % {"state": registration.get_state_display()})
    if not covers(checkin_list, registration):
        return _refuse(checkin_list, actor=actor, payload=payload, registration=registration,
                       reason=_("The ticket “%(type)s” does not admit to %(list)s.")
                       % {"type": registration.ticket_type.name, "list": checkin_list.name})
    with transaction.atomic():
        # One door at a time per attendee: lock the registration so two scanners cannot both let them in.
        Registration.objects.select_for_update().filter(pk=registration.pk).first()
        last = (Checkin.objects.filter(checkin_list=checkin_list, registration=registration)
                .order_by("-at", "-id").first())
        inside = last is not None and last.kind == Checkin.Kind.ENTRY
        if kind == Checkin.Kind.ENTRY and inside:
            when = timezone.localtime(last.at).strftime("%H:%M")
            result = _refuse(checkin_list, actor=actor, payload=payload, registration=registration, warning=True,
                             reason=_("Already checked in at %(time)s: second entry refused. (Used ticket — check "
                                      "the person's identity.)") % {"time": when})
            return result
        if kind == Checkin.Kind.ENTRY and last is not None and not checkin_list.allow_entry_after_exit:
            return _refuse(checkin_list, actor=actor, payload=payload, registration=registration, warning=True,
                           reason=_("This list does not allow entry again after exit."))
        if kind == Checkin.Kind.EXIT and not inside:
            return _refuse(checkin_list, actor=actor, payload=payload, registration=registration,
                           reason=_("No entry is recorded for this attendee, so no exit either."))
        try:
            with transaction.atomic():
                checkin = Checkin.objects.create(checkin_list=checkin_list, registration=registration, kind=kind,
                                                 by=actor, nonce=nonce, typed=typed)
        except IntegrityError:
            checkin = Checkin.objects.get(nonce=nonce)
        audit_log(actor=actor, action=f"events.checkin.{kind}", obj=registration,
                  data={"list": checkin_list.pk, "typed": typed})
    message = (_("Welcome, %(name)s: entry recorded.") if kind == Checkin.Kind.ENTRY
               else _("%(name)s: exit recorded.")) % {"name": registration.name}
    return ScanResult(ok=True, message=message, registration=registration, checkin=checkin,
                      answers=_checkin_answers(registration))
