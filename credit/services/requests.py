"""Objections (异议: the fact is wrong) and repairs (信用修复: the fact is right but put right), filed by firm users
and decided by the committee within a working-day deadline. The firm is emailed the decision either way."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError
from core.mail import send_after_commit
from core.workdays import add_workdays

from .. import permissions
from ..models import Category, CreditEvent, DecisionState, EventState, Objection, Rating, Repair, RoundState
from .common import attach, clean_text, require, save_numbered
from .events import revoke
from .rounds import new_version


def firm_recipients(firm) -> list[str]:
    return [binding.user.email for binding in firm.users.select_related("user")]


def _notify(request, kind: str) -> None:
    send_after_commit(template=f"credit/email/{kind}_decided", recipients=firm_recipients(request.firm),
                      context={"request": request, "firm": request.firm})


def _window_error(first, last):
    return DomainError(_("Objections are accepted from %(first)s to %(last)s.")
                       % {"first": first.isoformat(), "last": last.isoformat()})


def _check_rating_window(rating: Rating, today) -> None:
    rating_round = rating.round
    if rating_round.state != RoundState.PUBLISHED or rating.superseded_at is not None:
        if rating_round.published_at:
            raise _window_error(timezone.localdate(rating_round.published_at), rating_round.objections_close_on)
        raise DomainError(_("This rating is not in public notice."))
    if today > rating_round.objections_close_on:
        raise _window_error(timezone.localdate(rating_round.published_at), rating_round.objections_close_on)


def _check_event_window(event: CreditEvent, today) -> None:
    if event.state != EventState.APPROVED:
        raise DomainError(_("Only a published record can be contested."))
    first, last = timezone.localdate(event.approved_at), event.publication_ends_on
    if today > last:
        raise _window_error(first, last)


def objection_file(*, actor, firm, reason: str, rating: Rating | None = None, event: CreditEvent | None = None,
                   evidence_upload=None) -> Objection:
    require(permissions.acts_for_firm(actor, firm))
    if (rating is None) == (event is None):
        raise DomainError(_("Contest either a rating or a credit record."))
    target = rating or event
    if target.firm_id != firm.pk:
        raise DomainError(_("You can contest only your own firm's records."))
    reason = clean_text(reason, field="reason", label=_("The reason"))
    today = timezone.localdate()
    with transaction.atomic():
        # The contested row is locked: two submissions at once cannot both pass the "already pending" check.
        if rating is not None:
            rating = Rating.objects.select_for_update().select_related("round__scheme").get(pk=rating.pk)
            _check_rating_window(rating, today)
            scheme = rating.round.scheme
        else:
            event = CreditEvent.objects.select_for_update().select_related("indicator__scheme").get(pk=event.pk)
            _check_event_window(event, today)
            scheme = event.indicator.scheme
        pending = Objection.objects.filter(state=DecisionState.PENDING, rating=rating, event=event)
        if pending.exists():
            raise DomainError(_("An objection to this is already pending."))
        objection = Objection(firm=firm, rating=rating, event=event, reason=reason, submitted_by=actor,
                              answer_due=add_workdays(today, scheme.answer_workdays))
        if evidence_upload:
            attach(objection, "evidence_file", "evidence_name", evidence_upload, field="evidence_file")
        save_numbered(objection, prefix="YY")
        audit_log(actor=actor, action="credit.objection.filed", obj=objection,
                  data={"number": objection.number, "rating": rating.pk if rating else None,
                        "event": event.pk if event else None, "answer_due": objection.answer_due.isoformat()})
    return objection


def _pending_request(model, request):
    request = model.objects.select_for_update().select_related("firm").get(pk=request.pk)
    if request.state != DecisionState.PENDING:
        raise DomainError(_("This has already been decided."))
    return request


def objection_decide(*, actor, objection: Objection, upheld: bool, decision: str, revoke_events=()) -> Objection:
    """Upheld: the contested record(s) are revoked and the ratings that counted them get a new version.
    Rejected: the reason is recorded. The firm is emailed either way."""
    require(permissions.can_decide(actor))
    decision = clean_text(decision, field="decision", label=_("The decision"))
    with transaction.atomic():
        objection = _pending_request(Objection, objection)
        events = []
        if upheld:
            if objection.event_id:
                events = [objection.event]
            else:
                counted = {c["event_id"] for c in objection.rating.explanation.get("contributions", ())}
                ids = {getattr(e, "pk", e) for e in revoke_events}
                if not ids <= counted:
                    raise DomainError(_("Choose the records of this rating that the objection shows to be wrong."),
                                      field="revoke_events")
                events = list(CreditEvent.objects.filter(pk__in=ids))
        reason = _("Objection %(number)s upheld: %(decision)s") % {"number": objection.number, "decision": decision}
        for event in events:
            revoke(event, actor=actor, reason=reason, action="credit.event.revoked_on_objection",
                   data={"objection": objection.number})
        if upheld and objection.rating_id and not events and objection.rating.superseded_at is None:
            # Upheld without a wrong record (say a good record was missing and has been recorded since): the
            # rating is recomputed with the records known now.
            new_version(objection.rating, actor=actor, reason=reason)
        objection.state = DecisionState.UPHELD if upheld else DecisionState.REJECTED
        objection.decision, objection.decided_by, objection.decided_at = decision, actor, timezone.now()
        if objection.rating_id:
            objection.new_rating = (Rating.objects.current()
                                    .filter(round_id=objection.rating.round_id, firm_id=objection.firm_id)
                                    .exclude(pk=objection.rating_id).first())
        objection.save(update_fields=["state", "decision", "decided_by", "decided_at", "new_rating"])
        objection.revoked_events.set(events)
        audit_log(actor=actor, action="credit.objection.decided", obj=objection,
                  data={"upheld": upheld, "decision": decision, "revoked": [e.number for e in events]})
        _notify(objection, "objection")
    return objection


def repair_earliest(event: CreditEvent):
    """The first day a repair may end the record's publication: its minimum publication period served."""
    return event.effective_from + timedelta(days=event.indicator.publish_min_days)


def repair_apply(*, actor, event: CreditEvent, statement: str, pledge_upload, evidence_upload) -> Repair:
    require(permissions.acts_for_firm(actor, event.firm))
    if event.indicator.category != Category.BAD:
        raise DomainError(_("Only bad-conduct records can be repaired."))
    today = timezone.localdate()
    if event.state != EventState.APPROVED or (event.repaired_on and event.repaired_on <= today):
        raise DomainError(_("This record is not published, so there is nothing to repair."))
    if event.expires_on < today:
        raise DomainError(_("This record has expired, so there is nothing to repair."))
    earliest = repair_earliest(event)
    if today < earliest:
        raise DomainError(_("This record must stay published for at least %(days)s days: apply from %(date)s.")
                          % {"days": event.indicator.publish_min_days, "date": earliest.isoformat()})
    statement = clean_text(statement, field="statement", label=_("The rectification"))
    if not pledge_upload:
        raise DomainError(_("Attach the signed credit pledge."), field="pledge_file")
    if not evidence_upload:
        raise DomainError(_("Attach the evidence of rectification."), field="evidence_file")
    with transaction.atomic():
        CreditEvent.objects.select_for_update().filter(pk=event.pk).first()  # one pending application per record
        if Repair.objects.filter(event=event, state=DecisionState.PENDING).exists():
            raise DomainError(_("A repair application for this record is already pending."))
        repair = Repair(firm=event.firm, event=event, statement=statement, submitted_by=actor,
                        answer_due=add_workdays(today, event.indicator.scheme.answer_workdays))
        attach(repair, "pledge_file", "pledge_name", pledge_upload, field="pledge_file")
        attach(repair, "evidence_file", "evidence_name", evidence_upload, field="evidence_file")
        save_numbered(repair, prefix="XF")
        audit_log(actor=actor, action="credit.repair.applied", obj=repair,
                  data={"number": repair.number, "event": event.number})
    return repair


def repair_decide(*, actor, repair: Repair, approve: bool, decision: str) -> Repair:
    """Approval ends the record's publication today, never before its minimum period."""
    require(permissions.can_decide(actor))
    decision = clean_text(decision, field="decision", label=_("The decision"))
    with transaction.atomic():
        repair = _pending_request(Repair, repair)
        now = timezone.now()
        if approve:
            event = CreditEvent.objects.select_for_update().select_related("indicator").get(pk=repair.event_id)
            if event.state != EventState.APPROVED:
                raise DomainError(_("The record is no longer published; reject the application instead."))
            ends_on = max(timezone.localdate(now), repair_earliest(event))
            event.repaired_on, event.repaired_at = ends_on, now
            event.save(update_fields=["repaired_on", "repaired_at"])
            repair.ends_on = ends_on
            audit_log(actor=actor, action="credit.event.repaired", obj=event,
                      data={"repair": repair.number, "repaired_on": ends_on.isoformat()})
        repair.state = DecisionState.UPHELD if approve else DecisionState.REJECTED
        repair.decision, repair.decided_by, repair.decided_at = decision, actor, now
        repair.save(update_fields=["state", "decision", "decided_by", "decided_at", "ends_on"])
        audit_log(actor=actor, action="credit.repair.decided", obj=repair,
                  data={"approved": approve, "decision": decision})
        _notify(repair, "repair")
    return repair
