"""Hostile values sent to every public form and JSON endpoint: never a 500, and nothing dirty is stored.

Each endpoint × value is its own test id, so a failure names both."""

from urllib.parse import quote

import pytest
from django.db import models
from django.urls import reverse

from awards.models import CampaignState, Objection
from consultations.models import Comment
from events.models import EventIndexPage, Registration
from tests.consultations.helpers import article, make_consultation
from tests.events.helpers import make_event, ticket
from tests.factories import UserFactory, committee_user

pytestmark = pytest.mark.django_db

VALUES = {
    "1mb": "扰" + "x" * 1_000_000,  # 1 MB
    "nul": "abc\x00def",
    "emoji": "😀👨‍👩‍👧🏳️‍🌈\U0010fffd",
    "rtl-override": "\u202eexe.txt\u202c 成都",
    "long-lines": ("x" * 10_000 + "\n") * 3,
    "nested-brackets": "(" * 3000 + "[" * 3000 + "〔" * 3000 + "]" * 3000 + ")" * 3000,
    "markup-sql": "'\"><script>alert(1)</script>' OR 1=1 --; %s %(x)s {{ 7*7 }} \\",
    "lone-controls": "\x01\x1b[31m\x7f\u0085\u2028\ufeff",
}
VALUE_IDS = list(VALUES)
# Harmless-looking text that a form must accept (so the stored-value checks really run) …
ACCEPTED = {"emoji", "rtl-override"}
# … and values it must refuse: a NUL byte (PostgreSQL cannot store it) and a megabyte of text.
REFUSED = {"nul", "1mb"}


def assert_outcome(response, value_id, stored) -> None:
    assert response.status_code < 500
    if value_id in ACCEPTED:
        assert response.status_code == 302 and stored, "an ordinary value was refused"
    if value_id in REFUSED:
        assert response.status_code == 200 and not stored, "a NUL byte or a megabyte of text was accepted"

# Raw query strings with bytes that are not UTF-8 (the WSGI QUERY_STRING is latin-1 text of the raw bytes).
RAW_QUERIES = {
    "invalid-utf8-raw": "q=\xff\xfe\xc3\x28&page=\xa0\xa1",
    "invalid-utf8-escaped": "q=%ff%fe%c3%28%00&page=%e2%82",
    "overlong-nul": "q=%c0%80%c0%af..%2f&page=-1",
}


def _events_index():
    return EventIndexPage.objects.get().url


# (id, path builder, query parameters that receive the value)
GET_ENDPOINTS = {
    "search": (lambda: reverse("search_index"), ["q", "page", "type"]),
    "search-suggest": (lambda: reverse("search_suggest"), ["q"]),
    "api-search": (lambda: reverse("search_api"), ["q", "page", "type"]),
    "credit": (lambda: reverse("credit:lookup"), ["q", "page", "level"]),
    "credit-lists": (lambda: reverse("credit:lists"), ["q", "level", "kind", "page"]),
    "credit-export": (lambda: reverse("credit:export"), ["q", "level"]),
    "api-credit": (lambda: "/api/v1/credit/", ["q", "level", "sector", "page"]),
    "experts": (lambda: reverse("experts:directory"), ["q", "field", "title", "pool", "page"]),
    "api-experts": (lambda: "/api/v1/experts/", ["q", "field", "title", "page"]),
    "consultations": (lambda: reverse("consultations:index"), ["status", "kind", "page"]),
    "api-consultations": (lambda: "/api/v1/consultations/", ["q", "status", "kind", "page"]),
    "events": (_events_index, ["when", "type", "organiser", "page"]),
    "awards": (lambda: reverse("awards:index"), ["q", "state", "year", "type", "page"]),
    "api-awards": (lambda: "/api/v1/awards/", ["q", "state", "year", "type", "page"]),
}
# Endpoints that take the value in the path.
PATH_ENDPOINTS = {
    "credit-firm": "/credit/{}/",
    "api-credit-firm": "/api/v1/credit/{}/",
    "event-ticket": "/events/tickets/{}/",
    "consultation-receipt": "/consultations/receipt/{}/",
    "expert-invitation": "/experts/invitation/{}/",
}


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # The rate limiter would answer 429 before the view sees the value; these tests are about the view.
    settings.PORTAL_RATE_LIMITS_ENABLED = False


@pytest.fixture
def site_content(db):
    make_event(title="成都国际广告节")


def assert_clean(instance) -> None:
    """No NUL in any stored text and every CharField within its max_length."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname) or ""
            assert "\x00" not in value, f"{field.name} stored a NUL byte"
            if field.max_length:
                assert len(value) <= field.max_length, f"{field.name} longer than {field.max_length}"


# --- GET: query parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize("value_id", VALUE_IDS)
@pytest.mark.parametrize("endpoint", list(GET_ENDPOINTS))
def test_get_with_hostile_parameters_is_not_a_server_error(client, site_content, endpoint, value_id):
    path_of, params = GET_ENDPOINTS[endpoint]
    if value_id == "1mb":  # one megabyte in the main parameter is enough (and keeps the suite fast)
        params = params[:1]
    response = client.get(path_of(), dict.fromkeys(params, VALUES[value_id]))
    assert response.status_code < 500


@pytest.mark.parametrize("raw_id", list(RAW_QUERIES))
@pytest.mark.parametrize("endpoint", list(GET_ENDPOINTS))
def test_get_with_invalid_utf8_query_string_is_not_a_server_error(client, site_content, endpoint, raw_id):
    path_of, _params = GET_ENDPOINTS[endpoint]
    response = client.get(path_of(), QUERY_STRING=RAW_QUERIES[raw_id])
    assert response.status_code < 500


@pytest.mark.parametrize("value_id", VALUE_IDS)
@pytest.mark.parametrize("endpoint", list(PATH_ENDPOINTS))
def test_hostile_path_segment_is_not_a_server_error(client, endpoint, value_id):
    segment = quote(VALUES[value_id].replace("/", "_"), safe="")
    response = client.get(PATH_ENDPOINTS[endpoint].format(segment))
    assert response.status_code < 500


# --- POST: forms ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value_id", VALUE_IDS)
def test_consultation_comment_with_hostile_text(client, association, association_admin, value_id):
    consultation = make_consultation(admin=committee_user(), invited=[association])
    client.force_login(association_admin)
    value = VALUES[value_id]
    response = client.post(reverse("consultations:comment", args=[consultation.pk]), {
        "speaker": f"association:{association.pk}", "article": str(article(consultation, "第五条").pk),
        "problem": value, "reason": value, "suggestion": value, "contact": value,
    })
    assert_outcome(response, value_id, Comment.objects.exists())
    for comment in Comment.objects.all():
        assert_clean(comment)


@pytest.mark.parametrize("value_id", VALUE_IDS)
def test_consultation_comment_with_hostile_choice_values(client, association, association_admin, value_id):
    consultation = make_consultation(admin=committee_user(), invited=[association])
    client.force_login(association_admin)
    value = VALUES[value_id]
    response = client.post(reverse("consultations:comment", args=[consultation.pk]), {
        "speaker": value, "article": value, "problem": "意见", "points": value,
    })
    assert response.status_code < 500
    assert not Comment.objects.exists()


@pytest.mark.parametrize("value_id", VALUE_IDS)
def test_event_registration_with_hostile_text(client, value_id):
    event = make_event()
    user = UserFactory()
    client.force_login(user)
    value = VALUES[value_id]
    response = client.post(reverse("events:register", args=[event.pk]), {
        "name": value, "email": user.email, "company": value, "ticket_type": ticket(event).pk,
    })
    assert_outcome(response, value_id, Registration.objects.filter(event=event).exists())
    for registration in Registration.objects.filter(event=event):
        assert_clean(registration)


@pytest.mark.parametrize("value_id", VALUE_IDS)
def test_event_registration_with_hostile_email_and_ticket(client, value_id):
    event = make_event()
    client.force_login(UserFactory())
    value = VALUES[value_id]
    response = client.post(reverse("events:register", args=[event.pk]),
                           {"name": "李四", "email": value, "company": "公司", "ticket_type": value,
                            "invitation": value})
    assert response.status_code < 500
    assert not Registration.objects.filter(event=event).exists()


@pytest.mark.parametrize("value_id", VALUE_IDS)
def test_award_objection_with_hostile_text(client, value_id):
    from tests.awards.test_public import _with_winners

    campaign, entries, _winners = _with_winners(CampaignState.PUBLICITY)
    client.force_login(UserFactory())
    value = VALUES[value_id]
    response = client.post(reverse("awards:objection", args=[campaign.pk]), {
        "name": value, "contact": value, "entry": str(entries[0].pk), "reason": value + "该招牌设置未取得许可。",
    })
    assert_outcome(response, value_id, Objection.objects.exists())
    for objection in Objection.objects.all():
        assert_clean(objection)


@pytest.mark.parametrize("value_id", VALUE_IDS)
def test_award_objection_with_hostile_entry(client, value_id):
    from tests.awards.test_public import _with_winners

    campaign, _entries, _winners = _with_winners(CampaignState.PUBLICITY)
    client.force_login(UserFactory())
    response = client.post(reverse("awards:objection", args=[campaign.pk]), {
        "name": "张先生", "contact": "13800000000", "entry": VALUES[value_id], "reason": "x" * 30,
    })
    assert response.status_code < 500
    assert not Objection.objects.exists()


@pytest.mark.parametrize("value_id", VALUE_IDS)
@pytest.mark.parametrize("form", ["login", "signup", "password-reset", "set-language"])
def test_public_account_forms_with_hostile_text(client, form, value_id):
    value = VALUES[value_id]
    url, data = {
        "login": (reverse("account_login"), {"login": value, "password": value}),
        "signup": (reverse("account_signup"), {"email": value, "password1": value, "password2": value}),
        "password-reset": (reverse("account_reset_password"), {"email": value}),
        "set-language": (reverse("set_language"), {"language": value, "next": value}),
    }[form]
    response = client.post(url, data)
    assert response.status_code < 500
