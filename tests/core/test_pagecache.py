"""The anonymous page cache (core/pagecache.py): who is served from it, what is stored, and that a change is
visible on the very next request."""

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseNotFound, HttpResponseRedirect, StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.pagecache import MAX_BODY, PageCacheMiddleware
from tests.events.helpers import make_event, register
from tests.factories import UserFactory
from tests.portal.policy_helpers import make_policy, policy_index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def test_anonymous_page_is_stored_then_served_without_a_query(client):
    first = client.get("/")
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/")
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second
    assert second["X-Frame-Options"] == "DENY"


def fetch(client, url, expected, *, status=200, **extra):
    """GET ``url``; assert the status and the X-Page-Cache header (None: the cache was not involved)."""
    response = client.get(url, **extra)
    assert response.status_code == status, (url, response.status_code)
    assert response.get("X-Page-Cache") == expected, (url, response.get("X-Page-Cache"))
    return response


# --- who ------------------------------------------------------------------------------------------------------
def test_signed_in_user_is_never_served_from_nor_stored_into_the_cache(client):
    fetch(client, "/", "miss")
    fetch(client, "/", "hit")
    client.force_login(UserFactory())
    for url in ("/", "/experts/"):
        response = fetch(client, url, None)
        assert b"nav-logout" in response.content  # the signed-in header, not the anonymous page
        assert fetch(client, url, None).status_code == 200
    # The signed-in rendering of /experts/ was not stored: the next anonymous visitor renders it.
    anonymous = Client()
    fetch(anonymous, "/experts/", "miss")
    assert b"nav-logout" not in fetch(anonymous, "/experts/", "hit").content


@pytest.mark.parametrize("cookie", [settings.SESSION_COOKIE_NAME, "messages"])
def test_a_session_or_messages_cookie_bypasses_the_cache(client, cookie):
    fetch(client, "/", "miss")
    client.cookies[cookie] = "x"
    fetch(client, "/", None)  # not served from the entry
    fetch(client, "/experts/", None)
    del client.cookies[cookie]
    fetch(client, "/", "hit")
    fetch(client, "/experts/", "miss")  # and nothing was stored for it


def test_an_authorization_header_bypasses_the_cache(client):
    fetch(client, "/", "miss")
    fetch(client, "/", None, HTTP_AUTHORIZATION="Bearer abc")
    fetch(client, "/experts/", None, HTTP_AUTHORIZATION="Bearer abc")
    fetch(client, "/experts/", "miss")


def test_post_and_head_are_neither_served_nor_stored(client):
    fetch(client, "/", "miss")
    assert "X-Page-Cache" not in client.post("/")
    head = client.head("/experts/")
    assert head.status_code == 200 and "X-Page-Cache" not in head
    fetch(client, "/experts/", "miss")  # HEAD stored nothing
    assert "X-Page-Cache" not in client.head("/experts/")
    assert "X-Page-Cache" not in client.post("/experts/")


# --- what -----------------------------------------------------------------------------------------------------
def _middleware(response_factory):
    """PageCacheMiddleware around a stub view; returns (call, calls) where ``calls`` counts the view's renders."""
    calls = []

    def view(request):
        calls.append(request.path)
        return response_factory()

    return PageCacheMiddleware(view), calls


def _html(**headers):
    response = HttpResponse("<p>页面</p>", content_type="text/html; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    return response


def _with_cookie():
    response = _html()
    response.set_cookie("csrftoken", "abc")
    return response


def _streaming():
    return StreamingHttpResponse(iter([b"<p>a</p>"]), content_type="text/html")


@pytest.mark.parametrize("make_response", [
    pytest.param(_with_cookie, id="sets-a-cookie"),
    pytest.param(lambda: _html(**{"Cache-Control": "private"}), id="private"),
    pytest.param(lambda: _html(**{"Cache-Control": "no-store"}), id="no-store"),
    pytest.param(lambda: _html(**{"Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private"}),
                 id="never_cache"),
    pytest.param(lambda: HttpResponseNotFound("<p>无此页面</p>"), id="404"),
    pytest.param(lambda: HttpResponseRedirect("/policies/"), id="redirect"),
    pytest.param(lambda: HttpResponse(b"<svg/>", content_type="image/svg+xml"), id="svg"),
    pytest.param(lambda: HttpResponse(b"%PDF-1.4", content_type="application/pdf"), id="pdf"),
    pytest.param(_streaming, id="streaming"),
    pytest.param(lambda: HttpResponse(b"x" * (MAX_BODY + 1), content_type="text/html"), id="too-large"),
])
def test_a_response_that_is_not_cacheable_is_not_stored(rf, make_response):
    middleware, calls = _middleware(make_response)
    for _ in range(2):
        assert "X-Page-Cache" not in middleware(rf.get("/policies/"))
    assert len(calls) == 2


def test_a_plain_public_response_is_stored_by_the_stub_middleware(rf):
    middleware, calls = _middleware(_html)
    assert middleware(rf.get("/policies/"))["X-Page-Cache"] == "miss"
    hit = middleware(rf.get("/policies/"))
    assert hit["X-Page-Cache"] == "hit" and hit.content == "<p>页面</p>".encode()
    assert len(calls) == 1


def test_a_response_rendered_for_an_authenticated_user_is_not_stored(rf):
    middleware, calls = _middleware(_html)
    for _ in range(2):
        request = rf.get("/policies/")
        request.user = UserFactory()  # signed in without a session cookie (e.g. by a view itself)
        assert "X-Page-Cache" not in middleware(request)
    assert middleware(rf.get("/policies/"))["X-Page-Cache"] == "miss"
    assert len(calls) == 3


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/me/", "/me/credit/", "/accounts/login/",
                                  "/documents/1/a.pdf", "/django-admin/", "/i18n/lang/en/"])
def test_back_office_workspace_and_accounts_are_never_cached(rf, path):
    middleware, calls = _middleware(_html)
    for _ in range(2):
        assert "X-Page-Cache" not in middleware(rf.get(path))
    assert len(calls) == 2


def test_admin_and_workspace_pages_carry_no_cache_header(client):
    for url in ("/admin/", "/admin/login/", "/me/"):
        for _ in range(2):
            assert "X-Page-Cache" not in client.get(url)


def test_an_event_ticket_page_is_private_and_not_stored(client):
    event = make_event()
    url = register(event, UserFactory()).get_ticket_url()
    for _ in range(2):
        response = fetch(client, url, None)
        assert "no-store" in response["Cache-Control"]


def test_a_404_is_not_stored(client):
    for _ in range(2):
        fetch(client, "/no-such-page/", None, status=404)


def test_english_gets_its_own_entry(client):
    assert b'<html lang="zh-hans">' in fetch(client, "/", "miss").content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert b'<html lang="en">' in fetch(client, "/", "miss").content
    assert b'<html lang="en">' in fetch(client, "/", "hit").content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"  # not a language of the portal: the Chinese page
    assert b'<html lang="zh-hans">' in fetch(client, "/", "hit").content
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert b'<html lang="zh-hans">' in fetch(client, "/", "hit").content


def test_the_query_string_is_part_of_the_key(client):
    lighting = make_policy(title="关于加强城市道路照明设施管理的通知")
    signs = make_policy(title="关于规范户外招牌设置的通知")
    library = policy_index().url
    first = fetch(client, library, "miss", data={"q": "照明"}).content.decode()
    assert lighting.title in first and signs.title not in first
    second = fetch(client, library, "miss", data={"q": "招牌"}).content.decode()
    assert signs.title in second and lighting.title not in second
    assert fetch(client, library, "hit", data={"q": "照明"}).content.decode() == first
    fetch(client, library, "miss")


def test_entries_expire_after_page_cache_seconds(client, settings):
    settings.PAGE_CACHE_SECONDS = 30
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fetch(client, "/", "miss")
        clock.shift(29)
        fetch(client, "/", "hit")
        clock.shift(2)
        fetch(client, "/", "miss")
        fetch(client, "/", "hit")
