"""axe-core (WCAG 2.0/2.1 A + AA rules) finds no violations on the main pages."""

import pytest

from tests.browser.helpers import axe_violations, format_violations, log_in

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/login/code/",
    "/policies/",
    "/no-such-page/",
]

LOGGED_IN_PAGES = [
    ("lighting@demo.local", "/me/"),
    ("lighting@demo.local", "/me/members/"),
    ("committee@demo.local", "/me/"),
    ("firm@demo.local", "/me/"),
    ("lighting@demo.local", "/accounts/2fa/"),
    ("lighting@demo.local", "/accounts/sessions/"),
    ("lighting@demo.local", "/accounts/password/change/"),
    ("lighting@demo.local", "/accounts/email/"),
]


def _assert_no_violations(page, axe_path):
    violations = axe_violations(page, axe_path)
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{format_violations(violations)}"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(axe_path, page, path):
    response = page.goto(path)
    assert response.status == (404 if path == "/no-such-page/" else 200)
    _assert_no_violations(page, axe_path)


@pytest.mark.parametrize(("email", "path"), LOGGED_IN_PAGES)
def test_logged_in_page_has_no_axe_violations(axe_path, page, email, path):
    log_in(page, email)
    response = page.goto(path)
    assert response.status == 200
    _assert_no_violations(page, axe_path)


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_reading_mode_page_has_no_axe_violations(axe_path, page, path):
    assert page.goto(path).status == 200
    page.locator("#reading-mode-toggle").click()
    _assert_no_violations(page, axe_path)


def test_english_home_page_has_no_axe_violations(page, axe_path):
    assert page.goto("/").status == 200
    page.locator(".lang-switch a[lang=en]").click()
    page.wait_for_selector("html[lang=en]")
    _assert_no_violations(page, axe_path)
