"""The event journey on the demo data of seed_demo (portal/demo/events.py).

firm@demo.local (成都蓉光照明工程有限公司) opens the 2026成都国际广告节, registers as 企业代表 with a phone number and a
resident ID number, and lands on the ticket page. The confirmation mail (the browser settings use Django's
file-based mail backend) carries the QR code, which decodes to the ticket's token, and a calendar file that
icalendar reads. committee@demo.local opens the check-in page of the 主会场 list on a phone-sized screen, enters the
scanned token: entry recorded; the same ticket again: refused with a warning.
"""

import io
import re
from pathlib import Path

import pytest
import zxingcpp
from icalendar import Calendar
from PIL import Image
from playwright.sync_api import expect

from portal.demo.events import FESTIVAL
from tests.browser.helpers import axe_violations, format_violations, log_in, mail_to

pytestmark = pytest.mark.browser

FIRM_EMAIL = "firm@demo.local"
TICKET = re.compile(r"/events/tickets/([A-Za-z0-9_-]+)/$")


def _register(page, axe_path) -> str:
    log_in(page, FIRM_EMAIL)
    page.goto("/events/")
    page.get_by_role("link", name=FESTIVAL).first.click()
    expect(page.locator("h1")).to_contain_text(FESTIVAL)
    page.locator("a.button[href*='/events/register/']").first.click()
    violations = axe_violations(page, axe_path)
    assert not violations, format_violations(violations)
    page.get_by_label("企业代表").check()
    page.get_by_label("手机号").fill("138 0000 1234")
    page.get_by_label("身份证号").fill("11010519491231002x")
    page.locator("form.event-registration-form button[type=submit]").click()
    expect(page).to_have_url(TICKET)
    token = TICKET.search(page.url).group(1)
    expect(page.locator("svg").first).to_be_visible()
    return token


def _check_mail(portal_env, token: str) -> None:
    messages = mail_to(Path(portal_env["PORTAL_BROWSER_DB"]).parent / "mail", FIRM_EMAIL)
    confirmations = [m for m in messages if FESTIVAL in str(m["Subject"])]
    assert confirmations, "no confirmation was mailed"
    attachments = {part.get_filename(): part.get_content() for part in confirmations[-1].iter_attachments()}
    png = next(data for name, data in attachments.items() if name.endswith(".png"))
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [d.text for d in decoded] == [token]
    ics = next(data for name, data in attachments.items() if name.endswith(".ics"))
    vevent = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(vevent["summary"]) == FESTIVAL


def test_a_firm_registers_gets_qr_and_ics_by_mail_and_is_checked_in_once(
        page, chromium, portal_url, portal_env, axe_path):
    token = _register(page, axe_path)
    _check_mail(portal_env, token)

    context = chromium.new_context(base_url=portal_url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                   viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        staff = context.new_page()
        log_in(staff, "committee@demo.local")
        staff.goto("/me/events/manage/")
        staff.get_by_role("link", name=FESTIVAL).first.click()
        staff.locator("a[href$='/checkin/']").first.click()
        staff.locator("a.button-primary[href*='/manage/checkin/']").first.click()
        violations = axe_violations(staff, axe_path)
        assert not violations, format_violations(violations)
        payload = staff.locator("form.checkin-form input[type=text], form.checkin-form input:not([type])").first
        payload.fill(token)
        staff.locator("button.checkin-submit").click()
        expect(staff.locator(".checkin-result.checkin-ok")).to_be_visible()
        payload = staff.locator("form.checkin-form input[type=text], form.checkin-form input:not([type])").first
        payload.fill(token)
        staff.locator("button.checkin-submit").click()
        expect(staff.locator(".checkin-result.checkin-warning")).to_be_visible()
        expect(staff.locator(".checkin-message")).to_contain_text("拒绝")
    finally:
        context.close()
