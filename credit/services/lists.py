"""Red and black lists: rules of the scheme applied automatically (with the rule and the counts shown), and
manual listing and delisting with a reason. Delisting keeps the row."""

import calendar
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Firm
from core.audit import audit_log
from core.errors import DomainError

from .. import permissions
from ..models import (
    SEVERITY_RANK,
    Category,
    CreditScheme,
    ListEntry,
    ListKind,
    Rating,
    RatingRound,
    RoundState,
    SchemeState,
    Severity,
)
from ..scoring import LevelTable, family_events
from .common import clean_text, require


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def black_list_counts(*, firm, scheme: CreditScheme, on: date) -> dict:
    """Bad records counting on `on` that happened in the window, by severity."""
    start = months_before(on, scheme.black_window_months)
    events = (family_events(scheme).filter(firm=firm, indicator__category=Category.BAD,
                                           occurred_on__gt=start, occurred_on__lte=on)
              .effective_on(on).values_list("indicator__severity", "approved_at", "effective_from"))
    counts = dict.fromkeys(Severity.values, 0)
    latest = None
    for severity, approved_at, effective_from in events:
        counts[severity or Severity.GENERAL] += 1
        # A record triggers the rule from when it was both approved and in effect.
        moment = max(approved_at, datetime.combine(effective_from, time.min, tzinfo=timezone.get_current_timezone()))
        latest = max(latest, moment) if latest else moment
    return {"counts": counts, "since": start.isoformat(), "latest": latest}


def black_list_rule(scheme: CreditScheme, counts: dict) -> str | None:
    """The rule text when the counts trigger the black list, else None."""
    by_severity = counts["counts"]
    if scheme.black_on_severe and by_severity[Severity.SEVERE]:
        return _("A severe bad-conduct record (%(n)s in the last %(months)s months)") % {
            "n": by_severity[Severity.SEVERE], "months": scheme.black_window_months}
    if scheme.black_bad_count:
        floor = SEVERITY_RANK[scheme.black_min_severity]
        n = sum(v for s, v in by_severity.items() if SEVERITY_RANK[s] >= floor)
        if n >= scheme.black_bad_count:
            return _("%(n)s bad-conduct records of severity %(severity)s or worse in the last %(months)s months "
                     "(the rule: %(threshold)s)") % {
                "n": n, "severity": Severity(scheme.black_min_severity).label,
                "months": scheme.black_window_months, "threshold": scheme.black_bad_count}
    return None


def black_list_check(*, firm, scheme: CreditScheme, actor, on: date | None = None) -> ListEntry | None:
    """List the firm when the scheme's rule is met, unless it is listed or was delisted by hand since."""
    on = on or timezone.localdate()
    Firm.objects.select_for_update().filter(pk=firm.pk).first()  # one listing decision per firm at a time
    counts = black_list_counts(firm=firm, scheme=scheme, on=on)
    rule = black_list_rule(scheme, counts)
    if rule is None:
        return None
    entries = ListEntry.objects.filter(firm=firm, kind=ListKind.BLACK, scheme__family=scheme.family)
    if entries.active().exists():
        return None
    last_delisting = entries.aggregate(m=Max("delisted_at"))["m"]
    if last_delisting and counts["latest"] and last_delisting >= counts["latest"]:
        return None  # delisted by hand after the newest record that triggers the rule
    entry = ListEntry.objects.create(
        firm=firm, kind=ListKind.BLACK, scheme=scheme, automatic=True, rule=rule[:300],
        counts={"by_severity": counts["counts"], "since": counts["since"], "on": on.isoformat()}, listed_on=on)
    audit_log(actor=actor, action="credit.list.auto_listed", obj=entry,
              data={"kind": entry.kind, "firm": firm.uscc, "rule": rule, "counts": entry.counts})
    for red in ListEntry.objects.active().filter(firm=firm, kind=ListKind.RED):
        _delist(red, actor=actor, reason=_("Put on the black list: %(rule)s") % {"rule": rule},
                action="credit.list.auto_delisted")
    return entry


def _delist(entry: ListEntry, *, actor, reason: str, action: str, by=None) -> ListEntry:
    entry.delisted_at, entry.delisted_by, entry.delist_reason = timezone.now(), by, reason
    entry.save(update_fields=["delisted_at", "delisted_by", "delist_reason"])
    audit_log(actor=actor, action=action, obj=entry, data={"kind": entry.kind, "reason": reason})
    return entry


def black_list_review(*, firm, scheme: CreditScheme, actor, on: date | None = None) -> list[ListEntry]:
    """Take the firm off the black list where it was listed by the rule and the rule no longer holds (a record
    revoked, repaired, expired or out of the window). Manual entries stay until delisted by hand."""
    on = on or timezone.localdate()
    active = list(ListEntry.objects.active().filter(firm=firm, kind=ListKind.BLACK, automatic=True,
                                                    scheme__family=scheme.family))
    if not active or black_list_rule(scheme, black_list_counts(firm=firm, scheme=scheme, on=on)):
        return []
    reason = _("The rule no longer holds on %(date)s.") % {"date": on.isoformat()}
    return [_delist(entry, actor=actor, reason=reason, action="credit.list.auto_delisted") for entry in active]


def lists_refresh(*, actor, on: date | None = None) -> dict:
    """The daily pass: apply the black-list rules of every scheme in force as of `on` (records that took effect,
    expired or left the window since the last pass). Returns counts of listings and delistings."""
    on = on or timezone.localdate()
    listed = delisted = 0
    for scheme in CreditScheme.objects.filter(state=SchemeState.IN_FORCE):
        bad = family_events(scheme).filter(indicator__category=Category.BAD).effective_on(on)
        firm_ids = set(bad.values_list("firm_id", flat=True)) | set(
            ListEntry.objects.active().filter(kind=ListKind.BLACK, automatic=True, scheme__family=scheme.family)
            .values_list("firm_id", flat=True))
        for firm in Firm.objects.filter(pk__in=firm_ids):
            with transaction.atomic():
                delisted += len(black_list_review(firm=firm, scheme=scheme, actor=actor, on=on))
                listed += black_list_check(firm=firm, scheme=scheme, actor=actor, on=on) is not None
    return {"listed": listed, "delisted": delisted}


def red_list_apply(*, rating_round: RatingRound, actor) -> list[ListEntry]:
    """After a round is final: the top level in the last N final rounds of the family and sector → red list.
    Automatic red entries of firms that no longer qualify are delisted."""
    scheme = rating_round.scheme
    n = scheme.red_consecutive_rounds
    if not n:
        return []
    rounds = list(RatingRound.objects.filter(scheme__family=scheme.family, sector=rating_round.sector,
                                             state=RoundState.FINAL).order_by("-finalised_at")
                  .values_list("pk", flat=True)[:n])
    top = LevelTable(scheme.levels.all()).top
    qualified = set()
    if len(rounds) == n:
        per_round = [set(Rating.objects.current().filter(round_id=pk, level=top).values_list("firm_id", flat=True))
                     for pk in rounds]
        qualified = set.intersection(*per_round)
    black = set(ListEntry.objects.active().filter(kind=ListKind.BLACK, firm_id__in=qualified)
                .values_list("firm_id", flat=True))
    qualified -= black
    # Only firms rated in this sector's rounds: a scheme covering several sectors finalises each one separately.
    rated = Rating.objects.filter(round_id__in=rounds).values("firm_id")
    active = {e.firm_id: e for e in ListEntry.objects.active().filter(kind=ListKind.RED, scheme__family=scheme.family,
                                                                      firm_id__in=rated)}
    today = timezone.localdate()
    rule = _("Level %(level)s in %(n)s consecutive rounds") % {"level": top, "n": n}
    created = []
    for firm_id in sorted(qualified - set(active)):
        entry = ListEntry.objects.create(firm_id=firm_id, kind=ListKind.RED, scheme=scheme, automatic=True,
                                         rule=rule, counts={"rounds": rounds, "level": top}, listed_on=today)
        audit_log(actor=actor, action="credit.list.auto_listed", obj=entry,
                  data={"kind": entry.kind, "firm": firm_id, "rule": rule, "rounds": rounds})
        created.append(entry)
    for firm_id, entry in active.items():
        if entry.automatic and firm_id not in qualified:
            _delist(entry, actor=actor, reason=_("No longer meets the rule: %(rule)s") % {"rule": rule},
                    action="credit.list.auto_delisted")
    return created


def list_add(*, actor, firm, kind: str, scheme: CreditScheme, reason: str) -> ListEntry:
    require(permissions.can_decide(actor))
    if kind not in ListKind.values:
        raise DomainError(_("Choose the red or the black list."), field="kind")
    reason = clean_text(reason, field="reason", label=_("The reason"))
    with transaction.atomic():
        Firm.objects.select_for_update().filter(pk=firm.pk).first()
        if ListEntry.objects.active().filter(firm=firm, kind=kind, scheme__family=scheme.family).exists():
            raise DomainError(_("The firm is already on this list."))
        if kind == ListKind.RED and ListEntry.objects.active().filter(firm=firm, kind=ListKind.BLACK).exists():
            raise DomainError(_("A firm on the black list cannot be put on the red list."))
        entry = ListEntry.objects.create(firm=firm, kind=kind, scheme=scheme, reason=reason,
                                         listed_on=timezone.localdate(), listed_by=actor)
        audit_log(actor=actor, action="credit.list.listed", obj=entry,
                  data={"kind": kind, "firm": firm.uscc, "reason": reason})
    return entry


def list_remove(*, actor, entry: ListEntry, reason: str) -> ListEntry:
    require(permissions.can_decide(actor))
    reason = clean_text(reason, field="reason", label=_("The reason"))
    with transaction.atomic():
        entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.delisted_at is not None:
            raise DomainError(_("The firm has already been taken off this list."))
        _delist(entry, actor=actor, reason=reason, action="credit.list.delisted", by=actor)
    return entry
