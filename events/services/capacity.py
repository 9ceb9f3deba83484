"""Places: which quotas bind a registration, how many places they have left, and taking a place under a lock.

A place is held by a pending or confirmed registration, or by a waiting-list entry with an open offer. Capacity is
only ever checked and taken inside a transaction holding ``SELECT … FOR UPDATE`` locks on the quotas concerned,
always locked in primary-key order so two requests never deadlock; concurrent requests therefore queue on the quota
row and cannot overbook it.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, F, When
from django.db.models import Value as V
from django.utils import timezone

from ..models import Quota, Registration


def _covers(quota: Quota, ticket_type_id: int) -> bool:
    types = {tt.pk for tt in quota.ticket_types.all()}
    return not types or ticket_type_id in types


def quotas_binding(event, ticket_type_id: int, sub_event_ids=()) -> list[int]:
    """Primary keys of the quotas a registration of this ticket type (and these sub-events) takes a place in."""
    ids = []
    for quota in Quota.objects.filter(event=event).prefetch_related("ticket_types"):
        if not _covers(quota, ticket_type_id):
            continue
        if quota.sub_event_id is None or quota.sub_event_id in set(sub_event_ids):
            ids.append(quota.pk)
    return sorted(ids)


def lock(quota_ids) -> list[Quota]:
    """Lock the quotas (in pk order) for the rest of the transaction."""
    return list(Quota.objects.select_for_update().filter(pk__in=list(quota_ids)).order_by("pk")
                .prefetch_related("ticket_types"))


def used(quota: Quota, *, excluding=None) -> int:
    """Places taken in one quota now (call while holding its lock)."""
    types = [tt.pk for tt in quota.ticket_types.all()]
    qs = Registration.objects.holding().filter(event_id=quota.event_id)
    if types:
        qs = qs.filter(ticket_type_id__in=types)
    if quota.sub_event_id:
        qs = qs.filter(sub_events=quota.sub_event_id)
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return qs.count()


def full(quotas, *, excluding=None) -> list[Quota]:
    """The quotas among these with no place left."""
    return [quota for quota in quotas if used(quota, excluding=excluding) >= quota.size]


@dataclass
class QuotaUsage:
    quota: Quota
    confirmed: int
    pending: int
    offered: int
    waiting: int

    @property
    def taken(self) -> int:
        return self.confirmed + self.pending + self.offered

    @property
    def left(self) -> int:
        return max(self.quota.size - self.taken, 0)


def usage(event) -> list[QuotaUsage]:
    """Every quota of the event with its places by state, in a fixed number of queries (for pages and the admin).

    Counts come from one query: grouped by (ticket type, state, open offer), and by sub-event as well."""
    quotas = list(Quota.objects.filter(event=event).prefetch_related("ticket_types"))
    active = Registration.objects.filter(event=event, state__in=Registration.ACTIVE).annotate(
        offer=Case(When(offer_expires_at__gt=timezone.now(), then=V(True)), default=V(False)))
    # One query: per sub-event counts (a registration with several sub-events is in each of them) UNION ALL the
    # counts per ticket type for the main quotas (sub_event -1), where each registration counts once.
    per_sub = active.filter(sub_events__isnull=False).annotate(sub=F("sub_events")).values(
        "ticket_type_id", "state", "offer", "sub").annotate(n=Count("id")).order_by()
    per_main = active.annotate(sub=V(-1)).values("ticket_type_id", "state", "offer", "sub").annotate(
        n=Count("id")).order_by()
    main: dict[tuple, int] = {}
    sub: dict[tuple, int] = {}
    for tt, state, offer, sub_event, n in per_main.union(per_sub, all=True).values_list(
            "ticket_type_id", "state", "offer", "sub", "n"):
        if sub_event == -1:
            main[(tt, state, bool(offer))] = n
        else:
            sub[(sub_event, tt, state, bool(offer))] = n
    result = []
    for quota in quotas:
        types = {tt.pk for tt in quota.ticket_types.all()}
        counts = {"confirmed": 0, "pending": 0, "offered": 0, "waiting": 0}
        source = main if quota.sub_event_id is None else {
            key[1:]: n for key, n in sub.items() if key[0] == quota.sub_event_id}
        for (tt, state, offer), n in source.items():
            if types and tt not in types:
                continue
            if state == Registration.State.WAITING:
                counts["offered" if offer else "waiting"] += n
            else:
                counts[state] += n
        result.append(QuotaUsage(quota=quota, **counts))
    return result


def places_left(event, ticket_type_id: int, usages: list[QuotaUsage]) -> int | None:
    """Places left for a ticket type on the event (None: no quota limits it)."""
    lefts = [u.left for u in usages if u.quota.sub_event_id is None and _covers(u.quota, ticket_type_id)]
    return min(lefts) if lefts else None

