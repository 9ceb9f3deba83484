"""Rate limits per client IP (issue 11, part 4): every protected endpoint answers its (N+1)-th request in a window
with HTTP 429, ``Retry-After`` and a Chinese message (JSON under /api/), another IP still passes, the next window
starts afresh, the refused request writes nothing, and the counter lives in the shared cache (all workers)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.translation import gettext, override

from awards.models import CampaignState, Objection, Round, Winner
from core.ratelimit import DEFAULT_RATES, client_ip, parse_rate, ratelimit
from tests.awards.helpers import eligible_entries, make_campaign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 10, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))  # 5 s into a minute window
LIMIT = 3

# (id, method, path, scope, JSON?) — the limiter runs before login and lookups, so ids need not exist.
ENDPOINTS = [
    ("comment", "post", "/consultations/999/comment/", "comment", False),
    ("registration", "post", "/events/register/999/", "registration", False),
    ("credit-objection", "post", "/me/credit/object/?rating=999", "objection", False),
    ("award-objection", "post", "/awards/999/objection/", "objection", False),
    ("search-page", "get", "/search/?q=路灯", "search", False),
    ("search-suggest", "get", "/search/suggest/?q=路灯", "search", False),
    ("search-api", "get", "/api/v1/search/?q=路灯", "search", True),
    ("api-consultations", "get", "/api/v1/consultations/", "api", True),
    ("api-credit", "get", "/api/v1/credit/", "api", True),
    ("api-experts", "get", "/api/v1/experts/", "api", True),
    ("api-awards", "get", "/api/v1/awards/", "api", True),
    ("api-policies", "get", "/api/v1/policies/", "api", True),
]


def _zh(msgid: str, **params) -> str:
    with override("zh-hans"):
        return gettext(msgid) % params if params else gettext(msgid)


@pytest.fixture(autouse=True)
def _limits_on():
    cache.clear()
    with override_settings(PORTAL_RATE_LIMITS_ENABLED=True,
                           PORTAL_RATE_LIMITS=dict.fromkeys(DEFAULT_RATES, f"{LIMIT}/m")):
        yield
    cache.clear()


def _send(client, method, path, ip="203.0.113.7"):
    return getattr(client, method)(path, REMOTE_ADDR=ip)


def _assert_refused(response, as_json, seconds):
    assert response.status_code == 429
    assert response["Retry-After"] == str(seconds)
    assert "no-store" in response["Cache-Control"]
    message = _zh("Too many requests. Please try again in %(seconds)s seconds.", seconds=seconds)
    assert message.startswith("操作过于频繁")  # the catalogue translates it
    if as_json:
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"error": message}
    else:
        body = response.content.decode()
        assert message in body and "<html" in body and _zh("Too many requests") in body


@pytest.mark.parametrize(("method", "path", "scope", "as_json"), [e[1:] for e in ENDPOINTS],
                         ids=[e[0] for e in ENDPOINTS])
def test_the_request_past_the_limit_is_429_other_ips_pass_and_the_window_resets(client, method, path, scope,
                                                                                 as_json):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(LIMIT):
            assert _send(client, method, path).status_code != 429
        _assert_refused(_send(client, method, path), as_json, seconds=55)
        assert _send(client, method, path, ip="198.51.100.9").status_code != 429
        traveller.shift(timedelta(seconds=56))  # the next minute window
        assert _send(client, method, path).status_code != 429


def test_scopes_are_counted_apart_and_get_requests_to_a_post_limited_view_are_free(client):
    with time_machine.travel(START, tick=False):
        for _ in range(LIMIT):
            _send(client, "post", "/awards/999/objection/")
        assert _send(client, "post", "/awards/999/objection/").status_code == 429
        assert _send(client, "post", "/me/credit/object/?rating=999").status_code == 429  # same scope: objection
        assert _send(client, "post", "/consultations/999/comment/").status_code != 429  # another scope
        for _ in range(LIMIT + 2):
            assert _send(client, "get", "/consultations/999/comment/").status_code != 429


def test_all_read_apis_share_one_budget(client):
    with time_machine.travel(START, tick=False):
        for path in ("/api/v1/consultations/", "/api/v1/credit/", "/api/v1/experts/"):
            assert _send(client, "get", path).status_code == 200
        assert _send(client, "get", "/api/v1/awards/").status_code == 429


def test_two_workers_share_the_counter_through_the_cache():
    worker_a, worker_b = Client(), Client()
    with time_machine.travel(START, tick=False):
        for i in range(LIMIT):
            assert _send(worker_a if i % 2 else worker_b, "get", "/search/?q=x").status_code == 200
        assert _send(worker_a, "get", "/search/?q=x").status_code == 429
        assert _send(worker_b, "get", "/search/?q=x").status_code == 429


def test_the_refused_objection_writes_nothing(client):
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    campaign = make_campaign(state=CampaignState.PUBLICITY, publicity_starts=now - timedelta(days=1),
                             publicity_ends=now + timedelta(days=5))
    entries = eligible_entries(campaign, 2)
    Round.objects.create(campaign=campaign, kind="first", position=1, state=Round.State.CLOSED)
    category = campaign.categories.get()
    for rank, entry in enumerate(entries, start=1):
        Winner.objects.create(campaign=campaign, category=category, entry=entry, rank=rank, score=90 - rank)
    client.force_login(UserFactory())
    url = reverse("awards:objection", args=[campaign.pk])

    def post(entry):
        return client.post(url, {"name": "张先生", "contact": "13800000000", "entry": str(entry.pk),
                                 "reason": "该招牌设置未取得许可，且与示范街风貌不符。"}, REMOTE_ADDR="203.0.113.7")

    with override_settings(PORTAL_RATE_LIMITS={"objection": "1/m"}):
        assert post(entries[0]).status_code == 302
        assert Objection.objects.count() == 1
        assert post(entries[1]).status_code == 429
    assert list(Objection.objects.values_list("entry", flat=True)) == [entries[0].pk]


def test_limits_are_off_when_disabled(client):
    with override_settings(PORTAL_RATE_LIMITS_ENABLED=False):
        for _ in range(LIMIT + 3):
            assert _send(client, "get", "/api/v1/awards/").status_code == 200


# --- allauth: login and password reset use ACCOUNT_RATE_LIMITS and render templates/429.html ------------------
@override_settings(ACCOUNT_RATE_LIMITS={"login": "2/m/ip", "login_failed": False})
def test_login_past_the_allauth_limit_is_429_with_the_chinese_page(client):
    for _ in range(2):
        response = client.post(reverse("account_login"), {"login": "nobody@example.com", "password": "x"},
                               REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200
    refused = client.post(reverse("account_login"), {"login": "nobody@example.com", "password": "x"},
                          REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert _zh("Too many requests. Please try again later.") in refused.content.decode()
    assert client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"},
                       REMOTE_ADDR="198.51.100.9").status_code == 200


@override_settings(ACCOUNT_RATE_LIMITS={"reset_password": "2/m/ip"})
def test_password_reset_past_the_allauth_limit_is_429_and_sends_no_mail(client, mailoutbox):
    url = reverse("account_reset_password")
    for i in range(2):
        assert client.post(url, {"email": f"user{i}@example.com"}, REMOTE_ADDR="203.0.113.7").status_code == 302
    sent = len(mailoutbox)
    refused = client.post(url, {"email": "user9@example.com"}, REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert len(mailoutbox) == sent


# --- the pieces -----------------------------------------------------------------------------------------------
def test_rates_parse_and_bad_ones_fail_loudly():
    assert parse_rate("10/m") == parse_rate("10/60s") and parse_rate("5/300s").period == 300
    assert parse_rate("2/h").amount == 2 and parse_rate("2/h").period == 3600
    for bad in ("10", "10/x", "0/m", "a/m", "10/0s"):
        with pytest.raises(ValueError):
            parse_rate(bad)


def test_x_forwarded_for_counts_only_behind_trusted_proxies(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_ip(request) == "10.0.0.2"
    with override_settings(PORTAL_TRUSTED_PROXIES=1):
        assert client_ip(request) == "203.0.113.7"
    with override_settings(PORTAL_TRUSTED_PROXIES=1):
        forged = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
        assert client_ip(forged) == "10.0.0.2"
    v6 = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    assert client_ip(v6) == "2001:db8:1:2::"


def test_the_decorator_leaves_other_methods_alone(rf):
    calls = []

    @ratelimit("comment")
    def view(request):
        calls.append(request.method)
        from django.http import HttpResponse

        return HttpResponse("ok")

    with time_machine.travel(START, tick=False):
        for _ in range(LIMIT + 1):
            view(rf.get("/x/", REMOTE_ADDR="203.0.113.7"))
        responses = [view(rf.post("/x/", REMOTE_ADDR="203.0.113.7")) for _ in range(LIMIT + 1)]
    assert [r.status_code for r in responses] == [200] * LIMIT + [429]
    assert calls.count("POST") == LIMIT and calls.count("GET") == LIMIT + 1
