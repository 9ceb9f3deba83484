"""The expert draw journey on the demo data of seed_demo (portal/demo/experts.py).

committee@demo.local creates a draw in the back office: two 信息化 experts (the demo has exactly two, 周文博 among
them, so he is always drawn and invited) and one 城市照明 expert with an alternate, with 成都蓉光照明工程有限公司
entered by its code as a party; runs it and sees the experts excluded for their relation to that firm, with the
reason. Then 周文博 (expert@demo.local) opens the invitation link from the mail the portal wrote (the browser
settings use Django's file-based mail backend in the run's temporary directory), needs no login, ticks the
回避承诺, confirms, and sees the confirmation.
"""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from portal.demo.accounts import DEMO_FIRM
from portal.demo.experts import COMMITTEE_POOL, EXPERT_EMAIL, EXPERT_NAME
from portal.demo.organisations import demo_data
from tests.browser.helpers import axe_violations, format_violations, log_in, mail_to

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "committee@demo.local"
TITLE = "城市照明智慧管理平台二期项目验收专家抽取"
INVITATION = re.compile(r"(/experts/invitation/[^\s/]+/)")


def _create_and_run_draw(page, party_code: str) -> None:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    log_in(page, ADMIN_EMAIL)
    page.goto("/admin/experts/draws/add/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_purpose").select_option("acceptance")
    page.locator("#id_pool").select_option(label=COMMITTEE_POOL)
    page.locator("#id_excluded_firms").fill(party_code)
    page.locator("#id_starts_on").fill((today + timedelta(days=14)).isoformat())
    page.locator("#id_ends_on").fill((today + timedelta(days=15)).isoformat())
    page.locator("#id_supervisor").fill("市城管委驻委纪检组 张敏")
    # 信息化 first: its two experts are both drawn before the lighting row draws from the rest.
    for i, (field, count, alternates) in enumerate((("it", "2", "0"), ("lighting", "1", "1"))):
        page.locator(f"#id_criteria-{i}-field").select_option(field)
        page.locator(f"#id_criteria-{i}-count").fill(count)
        page.locator(f"#id_criteria-{i}-min_title").select_option("intermediate")
        page.locator(f"#id_criteria-{i}-alternates").fill(alternates)
    page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/admin/experts/draws/\d+/$"))
    expect(page.locator("h1.w-h1")).to_have_text(TITLE)
    page.locator("form[action$='/run/'] button[type=submit]").click()
    expect(page.locator("form[action$='/verify/']")).to_be_visible()


def test_a_draw_excludes_the_partys_experts_and_the_drawn_expert_confirms_by_mail(
        page, chromium, portal_url, portal_env, axe_path):
    party = demo_data().firm_named(DEMO_FIRM)
    _create_and_run_draw(page, party.uscc)

    members = page.locator("table.listing").filter(has=page.locator("td", has_text=EXPERT_NAME))
    expect(members.first).to_be_visible()
    excluded = page.locator("table.listing tbody tr").filter(has_text=party.name)
    expect(excluded.first).to_be_visible()
    expect(excluded.first.locator("td").nth(2)).to_contain_text(party.name)

    mail = mail_to(Path(portal_env["PORTAL_BROWSER_DB"]).parent / "mail", EXPERT_EMAIL)
    assert mail, "no invitation was mailed to the demo expert"
    body = mail[-1].get_body(preferencelist=("plain",)).get_content()
    assert "城市照明智慧管理平台二期" in body
    link = INVITATION.search(body).group(1)

    context = chromium.new_context(base_url=portal_url, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        expert = context.new_page()  # no login: the signed link is the credential
        expert.goto(link)
        expect(expert.locator("h2#facts-heading")).to_have_text(TITLE)
        violations = axe_violations(expert, axe_path)
        assert not violations, format_violations(violations)
        expert.locator("#id_confirm-pledge").check()
        expert.locator("button[name=action][value=confirm]").click()
        expect(expert.locator(".invitation-confirmed")).to_be_visible()
        expect(expert.locator("button[name=action]")).to_have_count(0)
    finally:
        context.close()
