"""Credit events (信用记录): recorded by the committee, submitted by associations or declared by firms for
approval, approved or rejected, revoked or corrected. Never edited in place."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError

from .. import permissions
from ..models import Category, CreditEvent, EventState, Indicator, SchemeState, Source
from .common import attach, clean_text, require, require_committee, save_numbered

PREFIX = "XY"


def _as_decimal(value, *, field: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Enter the points as a number."), field=field) from exc


def build_event(*, firm, indicator: Indicator, summary: str, occurred_on: date, points=None,
                effective_from: date | None = None, expires_on: date | None = None, source: str,
                evidence_doc_no: str = "", evidence_issuer: str = "", evidence_upload=None,
                evidence_from: CreditEvent | None = None) -> CreditEvent:
    """A checked, unsaved event. Every rule of the indicator is enforced here."""
    if indicator.scheme.state != SchemeState.IN_FORCE:
        raise DomainError(_("The indicator belongs to a scheme that is not in force."), field="indicator")
    if source not in Source.values:
        raise DomainError(_("Choose a source."), field="source")
    points = indicator.points if points in (None, "") else _as_decimal(points, field="points")
    if not indicator.points_min <= points <= indicator.points_max:
        raise DomainError(_("Points must be between %(low)s and %(high)s for indicator %(code)s.")
                          % {"low": indicator.points_min, "high": indicator.points_max, "code": indicator.code},
                          field="points")
    if occurred_on is None:
        raise DomainError(_("Enter the date it happened."), field="occurred_on")
    effective_from = effective_from or occurred_on
    if effective_from < occurred_on:
        raise DomainError(_("A record cannot take effect before it happened."), field="effective_from")
    if expires_on is None:
        expires_on = effective_from + timedelta(days=indicator.publish_max_days - 1)
    if expires_on < effective_from:
        raise DomainError(_("The expiry date cannot be before the start (%(start)s).")
                          % {"start": effective_from.isoformat()}, field="expires_on")
    days = (expires_on - effective_from).days + 1
    if not indicator.publish_min_days <= days <= indicator.publish_max_days:
        earliest = effective_from + timedelta(days=indicator.publish_min_days - 1)
        latest = effective_from + timedelta(days=indicator.publish_max_days - 1)
        raise DomainError(_("Indicator %(code)s is published for %(low)s to %(high)s days: the expiry must be "
                            "between %(earliest)s and %(latest)s.")
                          % {"code": indicator.code, "low": indicator.publish_min_days,
                             "high": indicator.publish_max_days, "earliest": earliest.isoformat(),
                             "latest": latest.isoformat()}, field="expires_on")
    event = CreditEvent(
        firm=firm, indicator=indicator, points=points, occurred_on=occurred_on, effective_from=effective_from,
        expires_on=expires_on, source=source,
        summary=clean_text(summary, field="summary", label=_("The fact"), limit=300),
        evidence_doc_no=clean_text(evidence_doc_no, field="evidence_doc_no", label=_("The document number"),
                                   required=False, limit=100),
        evidence_issuer=clean_text(evidence_issuer, field="evidence_issuer", label=_("The issuer"),
                                   required=False, limit=100))
    has_file = bool(evidence_upload) or bool(evidence_from is not None and evidence_from.evidence_file)
    if indicator.evidence_required and not (event.evidence_doc_no and event.evidence_issuer and has_file):
        raise DomainError(_("Indicator %(code)s requires evidence: the document number, its issuer and the "
                            "document file.") % {"code": indicator.code}, field="evidence_file")
    # The file is stored last, once every other rule has passed.
    if evidence_upload:
        attach(event, "evidence_file", "evidence_name", evidence_upload, field="evidence_file")
    elif evidence_from is not None and evidence_from.evidence_file:
        event.evidence_file, event.evidence_name = evidence_from.evidence_file.name, evidence_from.evidence_name
    return event


def _save(event: CreditEvent, *, actor, action: str, data=None) -> CreditEvent:
    event.recorded_by = actor
    save_numbered(event, prefix=PREFIX)
    audit_log(actor=actor, action=action, obj=event,
              data={"number": event.number, "firm": event.firm.uscc, "indicator": event.indicator.code,
                    "points": str(event.points), "state": event.state, **(data or {})})
    return event


def _after_approval(event: CreditEvent, *, actor) -> None:
    from .lists import black_list_check

    if event.indicator.category == Category.BAD:
        black_list_check(firm=event.firm, scheme=event.indicator.scheme, actor=actor)


def event_record(*, actor, firm, indicator: Indicator, source: str = Source.AUTHORITY, **fields) -> CreditEvent:
    """The committee records an event; it is approved at once (公示中 until its effective date)."""
    require_committee(actor)
    event = build_event(firm=firm, indicator=indicator, source=source, **fields)
    with transaction.atomic():
        event.state, event.approved_at, event.approved_by = EventState.APPROVED, timezone.now(), actor
        _save(event, actor=actor, action="credit.event.recorded")
        _after_approval(event, actor=actor)
    return event


def event_submit(*, actor, association, firm, indicator: Indicator, **fields) -> CreditEvent:
    """Association staff submit an association-sourced record (awards, 自律公约 violations) for approval."""
    require(permissions.can_submit_for(actor, association, firm),
            _("You can submit records only for current members of your association."))
    event = build_event(firm=firm, indicator=indicator, source=Source.ASSOCIATION, **fields)
    event.association = association
    with transaction.atomic():
        return _save(event, actor=actor, action="credit.event.submitted", data={"association": association.pk})


def event_declare(*, actor, firm, indicator: Indicator, **fields) -> CreditEvent:
    """A firm declares its own good conduct or basic information (企业自报), for approval."""
    require(permissions.acts_for_firm(actor, firm))
    if indicator.category == Category.BAD:
        raise DomainError(_("Firms declare good conduct and basic information only."), field="indicator")
    event = build_event(firm=firm, indicator=indicator, source=Source.SELF, **fields)
    with transaction.atomic():
        return _save(event, actor=actor, action="credit.event.declared")


def _pending(event: CreditEvent) -> CreditEvent:
    event = CreditEvent.objects.select_for_update().select_related("indicator__scheme", "firm").get(pk=event.pk)
    if event.state != EventState.PENDING:
        raise DomainError(_("Only a record pending review can be approved or rejected."))
    return event


def event_approve(*, actor, event: CreditEvent) -> CreditEvent:
    require_committee(actor)
    with transaction.atomic():
        event = _pending(event)
        if event.indicator.scheme.state != SchemeState.IN_FORCE:
            raise DomainError(_("The indicator belongs to a scheme that is not in force."))
        event.state, event.approved_at, event.approved_by = EventState.APPROVED, timezone.now(), actor
        event.save(update_fields=["state", "approved_at", "approved_by"])
        audit_log(actor=actor, action="credit.event.approved", obj=event, data={"number": event.number})
        _after_approval(event, actor=actor)
    return event


def event_reject(*, actor, event: CreditEvent, reason: str) -> CreditEvent:
    require_committee(actor)
    reason = clean_text(reason, field="reason", label=_("The reason"))
    with transaction.atomic():
        event = _pending(event)
        event.state, event.decision_reason = EventState.REJECTED, reason
        event.save(update_fields=["state", "decision_reason"])
        audit_log(actor=actor, action="credit.event.rejected", obj=event,
                  data={"number": event.number, "reason": reason})
    return event


def revoke(event: CreditEvent, *, actor, reason: str, action: str, data=None) -> CreditEvent:
    """Revoke an approved event (inside the caller's transaction) and recompute the ratings it was part of."""
    from .rounds import recompute_for_events

    event = CreditEvent.objects.select_for_update().select_related("indicator__scheme", "firm").get(pk=event.pk)
    if event.state != EventState.APPROVED:
        raise DomainError(_("Only an approved record can be revoked."))
    event.state, event.revoked_at, event.revoked_by = EventState.REVOKED, timezone.now(), actor
    event.decision_reason = reason
    event.save(update_fields=["state", "revoked_at", "revoked_by", "decision_reason"])
    audit_log(actor=actor, action=action, obj=event, data={"number": event.number, "reason": reason, **(data or {})})
    recompute_for_events([event], actor=actor, reason=_("Record %(number)s revoked: %(reason)s")
                         % {"number": event.number, "reason": reason})
    if event.indicator.category == Category.BAD:
        from .lists import black_list_review

        black_list_review(firm=event.firm, scheme=event.indicator.scheme, actor=actor)
    return event


def event_revoke(*, actor, event: CreditEvent, reason: str) -> CreditEvent:
    require(permissions.can_decide(actor))
    reason = clean_text(reason, field="reason", label=_("The reason"))
    with transaction.atomic():
        return revoke(event, actor=actor, reason=reason, action="credit.event.revoked")


def event_correct(*, actor, event: CreditEvent, reason: str, **fields) -> CreditEvent:
    """A correction: a new approved event that revokes `event`; both stay readable."""
    require(permissions.can_decide(actor))
    reason = clean_text(reason, field="reason", label=_("The reason"))
    values = {"indicator": event.indicator, "summary": event.summary, "occurred_on": event.occurred_on,
              "points": event.points, "effective_from": event.effective_from, "expires_on": event.expires_on,
              "source": event.source, "evidence_doc_no": event.evidence_doc_no,
              "evidence_issuer": event.evidence_issuer}
    values.update({k: v for k, v in fields.items() if v is not None})
    if "effective_from" in fields and "expires_on" not in fields:
        values["expires_on"] = None  # recomputed from the new start
    upload = values.pop("evidence_upload", None)
    fresh = build_event(firm=event.firm, evidence_upload=upload, evidence_from=event, **values)
    fresh.corrects, fresh.association = event, event.association
    with transaction.atomic():
        fresh.state, fresh.approved_at, fresh.approved_by = EventState.APPROVED, timezone.now(), actor
        _save(fresh, actor=actor, action="credit.event.correction_recorded", data={"corrects": event.number})
        revoke(event, actor=actor, reason=reason, action="credit.event.corrected",
               data={"corrected_by": fresh.number})
        _after_approval(fresh, actor=actor)
    return fresh
