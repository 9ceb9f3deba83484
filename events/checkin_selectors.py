"""Read side of check-in and the exports: the live counts of check-in lists and the rows of the exports.

Every function runs a fixed number of queries whatever the number of registrations and scans:
- expected: confirmed registrations the list covers (its ticket types — none = every type — and its sub-event),
  counted for every list in one aggregate query;
- checked in: registrations with at least one entry on the list;
- inside: registrations whose last scan on the list is an entry (one grouped query for every list).
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from pypinyin import lazy_pinyin

from .models import Answer, Checkin, CheckinList, Question, Registration


@dataclass
class ListCounts:
    expected: int = 0
    checked_in: int = 0
    inside: int = 0

    def as_dict(self) -> dict:
        return {"expected": self.expected, "checked_in": self.checked_in, "inside": self.inside}


def checkin_lists(event) -> list[CheckinList]:
    return list(CheckinList.objects.filter(event=event).select_related("sub_event").prefetch_related("ticket_types"))


def checkin_list(list_id: int) -> CheckinList | None:
    return (CheckinList.objects.select_related("event", "sub_event").prefetch_related("ticket_types")
            .filter(pk=list_id).first())


def covered_filter(checkin_list: CheckinList) -> Q:
    """A filter on Registration for those the list admits (state not included). Needs ticket_types prefetched."""
    q = Q()
    types = [tt.pk for tt in checkin_list.ticket_types.all()]
    if types:
        q &= Q(ticket_type_id__in=types)
    if checkin_list.sub_event_id:
        through = Registration.sub_events.through
        q &= Q(Exists(through.objects.filter(registration_id=OuterRef("pk"), subevent_id=checkin_list.sub_event_id)))
    return q


def _later_scan():
    return Checkin.objects.filter(
        checkin_list_id=OuterRef("checkin_list_id"), registration_id=OuterRef("registration_id"),
    ).filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id")))


def counts(lists: list[CheckinList]) -> dict[int, ListCounts]:
    """{list pk: ListCounts} in two queries for any number of lists (ticket types prefetched)."""
    if not lists:
        return {}
    result = {cl.pk: ListCounts() for cl in lists}
    event_ids = {cl.event_id for cl in lists}
    expected = (Registration.objects.filter(event_id__in=event_ids, state=Registration.State.CONFIRMED)
                .aggregate(**{f"l{cl.pk}": Count("pk", filter=Q(event_id=cl.event_id) & covered_filter(cl))
                              for cl in lists}))
    for cl in lists:
        result[cl.pk].expected = expected[f"l{cl.pk}"] or 0
    scans = (Checkin.objects.filter(checkin_list_id__in=result).order_by().values("checkin_list_id")
             .annotate(checked_in=Count("registration_id", distinct=True, filter=Q(kind=Checkin.Kind.ENTRY)),
                       inside=Count("pk", filter=Q(kind=Checkin.Kind.ENTRY) & ~Q(Exists(_later_scan())))))
    for row in scans:
        result[row["checkin_list_id"]].checked_in = row["checked_in"]
        result[row["checkin_list_id"]].inside = row["inside"]
    return result


# --- Exports ------------------------------------------------------------------------------------------------------


def attendee_rows(event) -> tuple[list[Question], list[Registration]]:
    """Every question of the event (staff-only included) and every registration with its answers and sub-events."""
    questions = list(Question.objects.filter(event=event).order_by("position", "id"))
    registrations = list(
        Registration.objects.filter(event=event).select_related("ticket_type").order_by("created_at", "id")
        .prefetch_related("sub_events", Prefetch("answers", queryset=Answer.objects.order_by())))
    return questions, registrations


def name_key(name: str) -> tuple:
    """Sort key: the pinyin of the name, then the name itself."""
    return (" ".join(lazy_pinyin(name or "")).lower(), name or "")


def security_rows(checkin_list: CheckinList) -> tuple[Question | None, list[Registration]]:
    """The event's resident-ID question (if any) and the confirmed attendees the list covers, by name pinyin;
    each registration carries ``id_answer`` (the Answer or None)."""
    id_question = (Question.objects.filter(event_id=checkin_list.event_id, kind=Question.Kind.ID_NUMBER)
                   .order_by("position", "id").first())
    qs = (Registration.objects.filter(event_id=checkin_list.event_id, state=Registration.State.CONFIRMED)
          .filter(covered_filter(checkin_list)).select_related("ticket_type"))
    if id_question is not None:
        qs = qs.prefetch_related(Prefetch("answers", queryset=Answer.objects.filter(question=id_question),
                                          to_attr="id_answers"))
    registrations = sorted(qs, key=lambda r: name_key(r.name))
    for registration in registrations:
        found = getattr(registration, "id_answers", [])
        registration.id_answer = found[0] if found else None
    return id_question, registrations


def checkin_log_rows(event):
    return (Checkin.objects.filter(checkin_list__event=event)
            .select_related("checkin_list", "registration", "by").order_by("at", "id"))
