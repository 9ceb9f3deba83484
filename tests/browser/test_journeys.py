"""End-to-end journeys through the portal in headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

LIGHTING_ASSOCIATION = "四川省照明电器协会"


def test_association_admin_logs_in_and_reaches_the_member_list(page):
    page.goto("/")
    expect(page.locator("h1")).to_be_visible()

    page.locator(".site-nav").get_by_role("link", name=re.compile("登录|Log in")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label(re.compile("邮箱|电子邮件|Email", re.IGNORECASE)).fill("lighting@demo.local")
    page.get_by_label(re.compile("密码|Password")).fill("demo12345")
    page.locator("form.form-login [type=submit]").click()

    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator(".badge-association").first).to_contain_text(LIGHTING_ASSOCIATION)
    nav_current = page.locator(".site-nav a[aria-current]")
    expect(nav_current).to_have_attribute("href", "/me/")

    page.locator("#assoc-heading ~ .org-card a[href*='/members/']").first.click()
    expect(page).to_have_url(re.compile(r"/me/associations/\d+/members/$"))
    expect(page.locator(".org-badge")).to_have_text(LIGHTING_ASSOCIATION)
    rows = page.locator("table.members tbody tr")
    expect(rows.first.locator("th[scope=row]")).not_to_be_empty()
    assert rows.count() >= 10, f"expected the seeded member firms, found {rows.count()} rows"


def test_member_removal_asks_for_confirmation_and_cancel_keeps_the_member(page):
    log_in(page, "lighting@demo.local")
    page.goto("/me/members/")
    first_firm = page.locator("table.members tbody tr th[scope=row]").first.inner_text()
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    url = page.url
    page.locator("table.members tbody tr").first.locator("button.danger").click()

    assert len(questions) == 1 and first_firm in questions[0]
    assert page.url == url
    expect(page.locator("table.members tbody tr th[scope=row]").first).to_have_text(first_firm)


def test_reading_mode_is_remembered_across_a_reload(page):
    page.goto("/")
    html = page.locator("html")
    toggle = page.locator("#reading-mode-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    normal_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")

    toggle.click()
    expect(html).to_have_class(re.compile(r"\breading-mode\b"))
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == normal_size * 1.25

    page.reload()
    expect(html).to_have_class(re.compile(r"\breading-mode\b"))
    expect(page.locator("#reading-mode-toggle")).to_have_attribute("aria-pressed", "true")
    # Also on another page of the site.
    page.goto("/policies/")
    expect(html).to_have_class(re.compile(r"\breading-mode\b"))

    page.locator("#reading-mode-toggle").click()
    expect(page.locator("#reading-mode-toggle")).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(html).not_to_have_class(re.compile(r"\breading-mode\b"))


def test_language_switcher_flips_to_english_and_back(page):
    page.goto("/policies/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".site-nav a[aria-current]")).to_have_attribute("href", "/policies/")

    page.locator(".lang-switch a[lang=en]").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/policies/$"))

    page.locator(".lang-switch a[lang=zh-hans]").click()
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(re.compile(r"/policies/$"))


def test_navigation_fits_a_phone_screen_without_javascript(chromium, portal_url):
    context = chromium.new_context(
        base_url=portal_url, locale="zh-CN", java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    try:
        page = context.new_page()
        page.goto("/")
        links = page.locator(".site-nav a")
        assert links.count() == 9  # home, policies, consultations, credit, experts, events, awards, search, log in
        for i in range(links.count()):
            expect(links.nth(i)).to_be_visible()
            box = links.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, f"nav link {i} overflows: {box}"
            assert box["height"] >= 24, f"nav link {i} is a small tap target: {box}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        # Without JavaScript the reading-mode button (which would do nothing) is not shown.
        expect(page.locator("#reading-mode-toggle")).to_be_hidden()
    finally:
        context.close()


def test_unknown_page_is_a_styled_404(page):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.locator(".error-page h1")).to_be_visible()
    expect(page.locator(".site-nav")).to_be_visible()
