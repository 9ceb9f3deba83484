"""Shared builders for the event tests."""

import itertools
from datetime import timedelta

from django.utils import timezone

from events.models import (
    Audience,
    CheckinList,
    EventIndexPage,
    EventPage,
    Question,
    Quota,
    RegistrationSetup,
    SubEvent,
    TicketType,
)

_seq = itertools.count(1)


def make_event(*, starts_in=timedelta(days=30), size=20, audience=Audience.PUBLIC, approval=False,
               waiting_list=True, limit_per_firm=None, publish=True, organiser=None, **fields) -> EventPage:
    """A live event with open registration, one ticket type 企业代表 and one quota of ``size`` places."""
    n = next(_seq)
    starts = (timezone.now() + starts_in).replace(second=0, microsecond=0)
    values = {"title": f"2026成都国际广告节（{n}）", "slug": f"event-{n}", "event_type": "forum",
              "starts_at": starts, "ends_at": starts + timedelta(hours=8), "venue": "成都世纪城新国际会展中心",
              "venue_address": "成都市高新区天府大道中段1号", "summary": "广告行业年度盛会。", "organiser": organiser,
              "live": publish}
    values.update(fields)
    event = EventPage(**values)
    EventIndexPage.objects.get().add_child(instance=event)
    RegistrationSetup.objects.create(event=event, opens_at=timezone.now() - timedelta(days=1),
                                     closes_at=starts - timedelta(days=1), audience=audience,
                                     approval_required=approval, waiting_list=waiting_list,
                                     limit_per_firm=limit_per_firm)
    ticket = TicketType.objects.create(event=event, name="企业代表")
    if size is not None:
        quota = Quota.objects.create(event=event, name="主会场", size=size)
        quota.ticket_types.add(ticket)
    return event


def ticket(event, name="企业代表", **extra) -> TicketType:
    return TicketType.objects.get_or_create(event=event, name=name, defaults=extra)[0]


def sub_event(event, name="晚宴", size=5) -> SubEvent:
    sub = SubEvent.objects.create(event=event, name=name, starts_at=event.starts_at + timedelta(hours=9),
                                  ends_at=event.starts_at + timedelta(hours=11), location="宴会厅")
    Quota.objects.create(event=event, name=name, size=size, sub_event=sub)
    return sub


def question(event, label, kind, **extra) -> Question:
    return Question.objects.create(event=event, label=label, kind=kind, **extra)


def checkin_list(event, name="主会场", **extra) -> CheckinList:
    return CheckinList.objects.create(event=event, name=name, **extra)


def register(event, user, *, email=None, name="张三", **extra):
    from events import services

    return services.register(event=event, actor=user, ticket_type=extra.pop("ticket_type", ticket(event)),
                             name=name, email=email or user.email, **extra)
