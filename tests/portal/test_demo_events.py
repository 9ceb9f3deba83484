"""seed_demo's events: the 广告节 with quotas and a waiting list, the members-only 企业家论坛 awaiting approval,
the past 环卫工人节 gala with check-ins and a 培训; idempotent."""

from django.utils import timezone

from core.models import AuditEntry
from events.models import Checkin, EventPage, Invitation, Registration
from events.services.capacity import usage
from portal.demo.events import FESTIVAL, FORUM, GALA, REJECT_REASON, TRAINING
from portal.demo.steps import ACTOR
from tests.portal.demo_helpers import seed

State = Registration.State


def states(title: str) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for ticket, state in Registration.objects.filter(event__title=title).values_list("ticket_type__name", "state"):
        counts[ticket, state] = counts.get((ticket, state), 0) + 1
    return counts


def test_seed_prints_a_summary_line_for_events(demo):
    line = next(line for line in demo.splitlines() if "活动：" in line)
    assert "新建 4 个" in line and "签到 7 次" in line


def test_the_four_events_are_live_and_placed_in_time(demo):
    events = {e.title: e for e in EventPage.objects.live()}
    assert set(events) >= {FESTIVAL, FORUM, GALA, TRAINING}
    now = timezone.now()
    assert events[GALA].is_past and events[GALA].organiser.sector == "sanitation"
    assert all(events[t].starts_at > now for t in (FESTIVAL, FORUM, TRAINING))
    assert events[FORUM].organiser is None and events[FORUM].setup.audience == "members"


def test_festival_has_a_full_press_quota_with_a_waiting_list_and_free_representative_places(demo):
    festival = EventPage.objects.get(title=FESTIVAL)
    counts = states(FESTIVAL)
    assert counts[("媒体", State.CONFIRMED)] == 3 and counts[("媒体", State.WAITING)] == 2
    left = {u.quota.name: u.left for u in usage(festival)}
    assert left["媒体"] == 0 and left["企业代表"] > 100 and left["晚宴"] > 0
    assert not Registration.objects.filter(event=festival, email="firm@demo.local").exists()
    assert Invitation.objects.filter(event=festival, used_at__isnull=True).count() == 1
    assert Registration.objects.filter(event=festival, invitation__isnull=False, state=State.CONFIRMED).count() == 1


def test_forum_waits_for_approval(demo):
    counts = states(FORUM)
    assert counts[("企业负责人", State.PENDING)] == 4
    assert counts[("企业负责人", State.CONFIRMED)] == 1
    assert Registration.objects.get(event__title=FORUM, state=State.REJECTED).rejection_reason == REJECT_REASON


def test_past_gala_has_replayed_check_ins(demo):
    gala = EventPage.objects.get(title=GALA)
    checkins = Checkin.objects.filter(registration__event=gala)
    assert checkins.filter(kind="entry").count() == 6 and checkins.filter(kind="exit").count() == 1
    assert all(c.at <= gala.ends_at for c in checkins)
    assert all(r.created_at < gala.starts_at for r in gala.registrations.all())


def test_the_demo_firm_user_has_a_training_ticket(demo):
    registration = Registration.objects.get(email="firm@demo.local")
    assert registration.event.title == TRAINING and registration.state == State.CONFIRMED


def test_a_second_seed_run_creates_nothing(demo):
    before = (Registration.objects.count(), Checkin.objects.count(), Invitation.objects.count(),
              EventPage.objects.count(), AuditEntry.objects.filter(actor_label=ACTOR).count())
    output = seed()
    after = (Registration.objects.count(), Checkin.objects.count(), Invitation.objects.count(),
             EventPage.objects.count(), AuditEntry.objects.filter(actor_label=ACTOR).count())
    assert after == before
    assert "活动：新建 0 个" in output
