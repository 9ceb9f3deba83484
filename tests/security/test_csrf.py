"""CSRF on every POST: each URL pattern of the project, from the resolver, is POSTed without a token by a committee
admin on a client that enforces CSRF checks. Every answer is a refusal, and nothing is written."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

from core.models import AuditEntry
from tests.factories import committee_user

# The sample value for a path converter (route syntax) and for the few regex patterns, by their regex text.
CONVERTER_SAMPLES = {
    "int": "1",
    "slug": "x1",
    "str": "x1",
    "path": "x1/y",
    "uuid": "00000000-0000-0000-0000-000000000001",
}
REGEX_SAMPLES = {
    r"^(\d+)/(.*)$": "1/x.pdf",
    r"^((?:[\w\-]+/)*)$": "some-page/",
    r"^.*/$": "no-such-admin-page/",
    r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": "password/reset/key/1-x/",
    (
        r"^(?P<pk>\d+)/revisions/compare/"
        r"(?P<revision_id_a>live|earliest|\d+)\.\.\.(?P<revision_id_b>live|latest|\d+)/$"
    ): "1/revisions/compare/earliest...latest/",
}
# A refusal: CSRF failure (403), or a not-found / not-allowed / redirect answer.
REFUSALS = {301, 302, 403, 404, 405}


def sample(pattern) -> str | None:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: CONVERTER_SAMPLES[m.group(1) or "str"], str(pattern))
    text = pattern.regex.pattern
    if text in REGEX_SAMPLES:
        return REGEX_SAMPLES[text]
    if not re.search(r"[()\[\]{}*+?|\\]", text.strip("^$")):  # a literal regex: "^login/$" and the like
        return text.strip("^$")
    return None


def every_route() -> tuple[list[tuple[str, object]], list[str]]:
    """(path, view) for each URL pattern, and the patterns no sample path could be built for."""
    routes, unbuilt = [], []

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            part = sample(entry.pattern)
            if part is None:
                unbuilt.append(prefix + str(entry.pattern))
            elif isinstance(entry, URLResolver):
                walk(entry, prefix + part)
            elif isinstance(entry, URLPattern):
                routes.append(("/" + prefix + part, entry.callback))

    walk(get_resolver(), "")
    return routes, unbuilt


def test_every_url_pattern_gets_a_sample_path_that_resolves_to_it():
    routes, unbuilt = every_route()
    assert not unbuilt, f"add a sample to REGEX_SAMPLES for: {unbuilt}"
    wrong = [path for path, view in routes if resolve(path).func is not view]
    # Two patterns may share a sample path (an earlier, wider one wins): a few, never many.
    assert len(wrong) <= 5, wrong
    assert len(routes) >= 400


# Wagtail's admin API is Django REST framework: its views are csrf_exempt for Django, and DRF's
# SessionAuthentication enforces the CSRF check itself (the sweep below POSTs to them too).
DRF_PREFIX = "/admin/api/"


def test_no_view_is_csrf_exempt_but_wagtails_rest_framework_api():
    routes, _ = every_route()
    exempt = sorted({path for path, view in routes if getattr(view, "csrf_exempt", False)})
    assert [path for path in exempt if not path.startswith(DRF_PREFIX)] == [], exempt
    assert exempt, "the admin API is no longer csrf_exempt: drop DRF_PREFIX"


@pytest.mark.django_db
def test_post_without_token_is_refused_everywhere_and_writes_nothing():
    from tests.awards.helpers import make_campaign
    from tests.consultations.helpers import make_consultation
    from tests.events.helpers import make_event

    make_consultation(), make_event(), make_campaign()  # so that the sample ids find real objects
    client = Client(enforce_csrf_checks=True)
    client.force_login(committee_user())
    before = AuditEntry.objects.count()
    routes, _ = every_route()
    answers, accepted = {}, []
    for path, _view in routes:
        response = client.post(path, {"title": "x", "body": "x", "action": "publish", "language": "en"})
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
        if response.status_code not in REFUSALS:
            accepted.append(f"{path} → {response.status_code}")
    assert not accepted, "POST without a CSRF token was not refused:\n" + "\n".join(accepted)
    assert answers.get(403, 0) >= 0.9 * len(routes), answers  # the CSRF failure itself, nearly everywhere
    assert AuditEntry.objects.count() == before
    assert {path for path, _view in routes if path.startswith(DRF_PREFIX)}.isdisjoint(accepted)


@pytest.mark.django_db
def test_the_same_post_with_a_token_gets_through_the_csrf_check(client):
    """The sweep's 403s come from the CSRF check, not from something else refusing every POST."""
    response = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403
    token_client = Client(enforce_csrf_checks=True)
    token_client.get("/accounts/login/")
    token = token_client.cookies["csrftoken"].value
    response = token_client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
