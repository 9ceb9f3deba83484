"""Security headers: the strict Content-Security-Policy on every public page type and the /me/ workspace, the looser
one only under the Wagtail admin, the other headers, and production's `check --deploy`, HSTS and cookie flags."""

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import Page

from tests.factories import committee_user
from tests.portal.test_settings import run_manage

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.fixture
def objects(db):
    """One object of each public kind, made with the apps' own test helpers."""
    from tests.awards.helpers import make_campaign
    from tests.consultations.helpers import make_consultation
    from tests.events.helpers import make_event
    from tests.experts.helpers import make_expert
    from tests.portal.policy_helpers import make_policy

    return {
        "policy": make_policy(),
        "event": make_event(),
        "campaign": make_campaign(),
        "consultation": make_consultation(audience="public"),
        "expert": make_expert("王建国"),
    }


def public_urls(objects) -> list[str]:
    """One URL per public page type: every kind of live Wagtail page, the app pages, the API, login and a 404."""
    urls = {"/", "/no-such-page/", reverse("account_login"), reverse("search_index") + "?q=城管"}
    seen_types = set()
    for page in Page.objects.live().public().specific().filter(depth__gt=1):
        if type(page) not in seen_types and page.url:
            seen_types.add(type(page))
            urls.add(page.url)
    assert len(seen_types) >= 4, seen_types  # home, policy library, policy, event …
    for name in (
        "consultations:index",
        "credit:lookup",
        "credit:rounds",
        "credit:lists",
        "experts:directory",
        "awards:index",
        "consultations_api:list",
        "policy_api_list",
        "search_api",
        "robots_txt",
    ):
        urls.add(reverse(name))
    urls.add(reverse("consultations:detail", args=[objects["consultation"].pk]))
    urls.add(reverse("awards:detail", args=[objects["campaign"].pk]))
    urls.add(reverse("experts:detail", args=[objects["expert"].pk]))
    return sorted(urls)


def assert_strict(response, url):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{url}: no Content-Security-Policy header"
    got = directives(header)
    for name, value in STRICT.items():
        assert got.get(name) == value, f"{url}: {name} is {got.get(name)!r}, expected {value!r} ({header})"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, f"{url}: {header}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "same-origin", url
    assert response.headers.get("X-Frame-Options") == "DENY", url


def test_every_public_page_type_has_the_strict_policy_and_headers(objects, client):
    checked = []
    for url in public_urls(objects):
        response = client.get(url)
        assert response.status_code in (200, 404), f"{url}: {response.status_code}"
        assert_strict(response, url)
        checked.append(url)
    assert len(checked) >= 15, checked


@pytest.mark.parametrize(
    "name",
    [
        "dashboard",
        "consultations_workspace:index",
        "credit_workspace:index",
        "events_manage:index",
        "awards_manage:index",
        "judging:index",
        "associations:my_members",
    ],
)
def test_workspace_pages_have_the_strict_policy(db, client, name):
    client.force_login(committee_user())
    response = client.get(reverse(name))
    assert response.status_code in (200, 302, 403, 404), response.status_code
    assert_strict(response, name)


def test_wagtail_admin_gets_its_own_looser_policy_only_under_admin(db, client):
    client.force_login(committee_user())
    response = client.get("/admin/")
    assert response.status_code == 200
    got = directives(response.headers["Content-Security-Policy"])
    assert got["script-src"] == "'self' 'unsafe-inline'"
    assert got["object-src"] == "'none'" and got["frame-ancestors"] == "'self'"
    # The prefix is matched from the start of the path: a public URL containing "/admin/" stays strict.
    assert_strict(client.get("/consultations/admin/"), "/consultations/admin/")


def test_wagtail_admin_really_needs_inline_scripts(db, client):
    """Keeps the admin exception honest: Wagtail's page editor renders inline <script> blocks of its own."""
    from bs4 import BeautifulSoup

    client.force_login(committee_user())
    home = Page.objects.get(depth=2)
    html = client.get(f"/admin/pages/{home.pk}/edit/").content.decode()
    inline = [
        s
        for s in BeautifulSoup(html, "html.parser").find_all("script")
        if not s.get("src") and s.get("type") not in ("application/json", "text/template")
    ]
    assert inline, "Wagtail's editor has no inline script any more: drop 'unsafe-inline' from the admin policy"


PRINT_SETTINGS = (
    "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
    "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_SAMESITE, s.X_FRAME_OPTIONS, s.SECURE_CONTENT_TYPE_NOSNIFF, "
    "s.SECURE_REFERRER_POLICY, 'unsafe-inline' in str(s.CONTENT_SECURITY_POLICY))"
)


def test_production_check_deploy_reports_nothing():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_has_hsts_secure_httponly_samesite_cookies_and_strict_csp():
    result = run_manage("shell", "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    values = result.stdout.split()[-12:]
    hsts = int(values[0])
    assert hsts >= 31536000
    assert values[1:] == ["True", "True", "True", "True", "Lax", "True", "Lax", "DENY", "True", "same-origin", "False"]


def test_production_response_carries_hsts_and_secure_cookies(db, client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = client.get(reverse("account_login"), secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    session = SessionMiddleware(lambda request: request.session.__setitem__("k", 1) or HttpResponse())(
        RequestFactory().get("/", secure=True)
    ).cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
