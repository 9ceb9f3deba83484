"""The anonymous page cache (core/pagecache.py) is invalidated precisely: a change made through a real service is
visible on the very next anonymous request, and only the pages of the changed domain are rendered again.

Each test sets data up, GETs a public page twice (miss, then a hit still showing the old state), makes the change
through the service the views call inside :func:`committed` (the change's on_commit callbacks run, as at a real
commit) and GETs again: a miss showing the new state.
"""

import subprocess
import sys
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import Result
from core.pagecache import FileGenerations
from credit import services as credit_services
from tests.consultations.helpers import article, make_consultation
from tests.credit.helpers import at, make_scheme, record, travel
from tests.events.helpers import make_event, register
from tests.experts.helpers import make_expert
from tests.factories import FirmFactory, UserFactory, committee_user
from tests.portal.policy_helpers import make_policy, policy_index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): <service call>`` — the change commits: its on_commit callbacks (the cache bump) run.

    The whole test is one database transaction. What the setup registered with on_commit would, in production,
    have run when the setup's own transactions committed, long before the visitor's first request; here it is
    still pending, never to run, and bump_on_commit's once-per-transaction check would take a pending bump of the
    setup for this change's and register none. So the change starts afresh, as a new transaction would: pending
    callbacks are dropped (not run — running them now could mask a missing bump of the change itself).
    """

    @contextmanager
    def change():
        connection.run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return change


def fetch(client, url, expected, *, status=200, **data):
    """GET ``url`` anonymously; assert the status and the X-Page-Cache header; return the HTML."""
    response = client.get(url, data or None)
    assert response.status_code == status, (url, response.status_code)
    assert response.get("X-Page-Cache") == expected, (url, response.get("X-Page-Cache"))
    return response.content.decode()


def cached(client, url, **data) -> str:
    """GET ``url`` twice: rendered and stored, then served from the cache. Returns the (old) HTML."""
    first = fetch(client, url, "miss", **data)
    second = fetch(client, url, "hit", **data)
    assert second == first
    return second


# --- 1. policies ----------------------------------------------------------------------------------------------
def test_published_policy_appears_in_the_library_then_unpublished_it_is_gone(client, committed):
    page = make_policy(publish=False, title="关于调整城市照明设施维护标准的通知")
    library = policy_index().url
    assert page.title not in cached(client, library)
    assert client.get(page.url).status_code == 404  # not live yet (and a 404 is not stored)

    with committed():
        page.get_latest_revision().publish()

    assert page.title in fetch(client, library, "miss")
    assert page.title in fetch(client, page.url, "miss")
    assert page.title in fetch(client, page.url, "hit")
    assert page.title in fetch(client, library, "hit")

    with committed():
        page.refresh_from_db()
        page.unpublish()

    assert page.title not in fetch(client, library, "miss")
    response = client.get(page.url)
    assert response.status_code == 404 and "X-Page-Cache" not in response


# --- 2. a comment -------------------------------------------------------------------------------------------------
def test_submitted_comment_shows_on_the_consultation_page_at_once(client, committed, association, association_admin):
    consultation = make_consultation(invited=[association])
    detail = reverse("consultations:detail", args=[consultation.pk])
    comments = reverse("consultations:comments", args=[consultation.pk])
    problem = "第五条规定的收运时间过早，建议调整为早上七点以后。"
    assert problem not in cached(client, detail)
    assert problem not in cached(client, comments)

    with committed():
        comment = consultation_services.comment_submit(
            actor=association_admin, consultation=consultation, speaker=f"association:{association.pk}",
            article=article(consultation, "第五条"), problem=problem)

    html = fetch(client, detail, "miss")
    assert problem in html and comment.receipt_number in html
    assert problem in fetch(client, comments, "miss")
    assert problem in fetch(client, detail, "hit")


# --- 3. the outcome (意见采纳情况) ------------------------------------------------------------------------------------
def test_published_responses_show_on_the_outcome_page_at_once(client, committed, association, association_admin):
    admin = committee_user()
    consultation = make_consultation(admin=admin, invited=[association], ends_at=timezone.now() + timedelta(days=5))
    speaker = f"association:{association.pk}"
    first, second = (consultation_services.comment_submit(actor=association_admin, consultation=consultation,
                                                          speaker=speaker, problem=problem)
                     for problem in ("建议放宽收运时间", "建议取消收运许可"))
    consultation_services.response_save(actor=admin, comment=first, result=Result.ADOPTED)
    consultation_services.response_save(actor=admin, comment=second, result=Result.NOT_ADOPTED,
                                        reason="收运许可由上位法规定")
    detail = reverse("consultations:detail", args=[consultation.pk])
    outcome = reverse("consultations:outcome", args=[consultation.pk])

    with time_machine.travel(consultation.ends_at + timedelta(hours=1), tick=False):
        assert outcome not in cached(client, detail)
        assert "X-Page-Cache" not in fetch(client, outcome, None, status=404)

        with committed():
            consultation_services.outcome_publish(actor=admin, consultation=consultation, note="<p>感谢各单位</p>")

        assert outcome in fetch(client, detail, "miss")
        html = fetch(client, outcome, "miss")
        assert "收运许可由上位法规定" in html and "感谢各单位" in html

        # A newer answer is saved (internal: the public page stays as it is) and then published again.
        with committed():
            consultation_services.response_save(actor=admin, comment=second, result=Result.PARTLY,
                                                reason="许可改为备案，其余不予采纳")
        assert "许可改为备案" not in cached(client, outcome)

        with committed():
            consultation_services.outcome_publish(actor=admin, consultation=consultation)

        html = fetch(client, outcome, "miss")
        assert "许可改为备案，其余不予采纳" in html and "收运许可由上位法规定" not in html


# --- 4. credit ----------------------------------------------------------------------------------------------------
NOTICE = 'class="panel credit-notice"'  # the firm page's "rating in public notice" box


def _round_in_notice(admin, scheme, firm):
    """A firm with a basic record and a round of its sector computed and published for 公示 on 2026-03-02."""
    with travel(at(2026, 3, 1, 10)):
        record(admin, firm, scheme, "J01", on=date(2026, 1, 1))
    with travel(at(2026, 3, 2, 10)):
        rating_round = credit_services.round_open(actor=admin, scheme=scheme, sector="municipal",
                                                  as_of=date(2026, 3, 2), name="2026年第3期信用评价")
        credit_services.round_compute(actor=admin, rating_round=rating_round)
        return credit_services.round_publish(actor=admin, rating_round=rating_round)


@pytest.fixture
def credit_admin(db):
    return committee_user(admin=True)


@pytest.fixture
def rated_firm(db):
    return FirmFactory(sector="municipal", name="成都市青羊区路灯养护有限公司")


def test_finalised_round_shows_on_the_firm_page_and_the_lookup_at_once(client, committed, credit_admin,
                                                                       rated_firm):
    rating_round = _round_in_notice(credit_admin, make_scheme(credit_admin), rated_firm)
    firm_page = reverse("credit:firm", args=[rated_firm.uscc])
    day = rating_round.notice_ends_on + timedelta(days=1)
    with travel(at(day.year, day.month, day.day, 10)):
        old_page = cached(client, firm_page)
        old_lookup = cached(client, "/credit/", q=rated_firm.name)
        assert NOTICE in old_page and rated_firm.name in old_lookup

        with committed():
            rating_round = credit_services.round_finalise(actor=credit_admin, rating_round=rating_round)

        valid = f'<time datetime="{rating_round.valid_until.isoformat()}">'
        assert valid not in old_page and rating_round.valid_until.isoformat() not in old_lookup
        html = fetch(client, firm_page, "miss")
        assert valid in html and NOTICE not in html
        assert rating_round.valid_until.isoformat() in fetch(client, "/credit/", "miss", q=rated_firm.name)
        # The lookup by code leads to the firm page (a redirect, never stored), which shows the rating.
        response = client.get("/credit/", {"q": rated_firm.uscc})
        assert response.status_code == 302 and response["Location"] == firm_page
        assert "X-Page-Cache" not in response
        assert valid in fetch(client, firm_page, "hit")


# --- 5. events ----------------------------------------------------------------------------------------------------
def test_registration_taking_the_last_place_shows_the_event_full_at_once(client, committed):
    event = make_event(size=2)
    register(event, UserFactory())
    html = cached(client, event.url)
    assert '<td class="places-left">1</td>' in html and "event-full-notice" not in html

    with committed():
        register(event, UserFactory())

    html = fetch(client, event.url, "miss")
    assert '<td class="places-left">1</td>' not in html and "event-full-notice" in html


# --- 6. precisely -------------------------------------------------------------------------------------------------
def test_a_credit_change_leaves_pages_of_other_domains_cached(client, committed, credit_admin, rated_firm,
                                                              association):
    make_expert("王建国")
    make_consultation(invited=[association], title="成都市户外广告设置管理办法（征求意见稿）")
    event = make_event()
    rating_round = _round_in_notice(credit_admin, make_scheme(credit_admin), rated_firm)
    firm_page = reverse("credit:firm", args=[rated_firm.uscc])
    others = ["/experts/", "/consultations/", event.url]
    day = rating_round.notice_ends_on + timedelta(days=1)
    with travel(at(day.year, day.month, day.day, 10)):
        for url in [firm_page, *others]:
            cached(client, url)

        with committed():
            credit_services.round_finalise(actor=credit_admin, rating_round=rating_round)

        assert NOTICE not in fetch(client, firm_page, "miss")
        assert "王建国" in fetch(client, "/experts/", "hit")
        assert "成都市户外广告设置管理办法" in fetch(client, "/consultations/", "hit")
        assert event.title in fetch(client, event.url, "hit")


# --- 7. another worker --------------------------------------------------------------------------------------------
def test_a_bump_by_another_worker_is_seen_by_the_next_request(client, settings):
    page = make_policy(title="关于规范城市道路照明设施养护作业的通知")
    library = policy_index().url
    cached(client, library)
    cached(client, page.url)
    cached(client, "/experts/")

    FileGenerations(settings.PAGE_CACHE_DIR).bump(["pages"])

    assert page.title in fetch(client, library, "miss")
    assert page.title in fetch(client, page.url, "miss")
    fetch(client, "/experts/", "hit")  # /experts/ does not depend on pages


def test_a_bump_in_another_process_is_seen_by_the_next_request(client, settings):
    make_expert("李明华")
    cached(client, "/experts/")
    directory = str(settings.PAGE_CACHE_DIR)
    code = f"from core.pagecache import FileGenerations; FileGenerations({directory!r}).bump(['experts'])"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=settings.BASE_DIR, timeout=60)

    assert "李明华" in fetch(client, "/experts/", "miss")
    assert "李明华" in fetch(client, "/experts/", "hit")
