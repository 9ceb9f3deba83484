"""The judging journey on the demo data of seed_demo (portal/demo/awards.py).

周文博 (expert@demo.local) is a judge of the 2026年成都市户外广告招牌评比, drawn from the expert pool. In the blind
复评 he opens two entries he has not scored: the entrant firm's name is nowhere on the page and no other judge's
score is shown. He scores each; only then do the other judges' scores appear — as 评委 A, B … and never with the
other judges' names.
"""

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations, log_in

pytestmark = pytest.mark.browser

JUDGE_EMAIL = "expert@demo.local"
HEADING = re.compile(r"^(\S+) · ")


def _demo(portal_env, sql: str, *args) -> list:
    with sqlite3.connect(portal_env["PORTAL_BROWSER_DB"]) as db:
        return [row[0] for row in db.execute(sql, args)]


def test_a_judge_scores_two_blind_entries_and_sees_others_only_afterwards(page, portal_env, axe_path):
    log_in(page, JUDGE_EMAIL)
    page.goto("/me/judging/")
    page.locator("a[href*='/me/judging/rounds/']").filter(has_text="复评").first.click()
    expect(page.locator(".page-header .lead")).to_contain_text("盲评")
    todo = page.locator("table.judging-entries tbody tr").filter(has=page.locator(".judging-state-todo"))
    assert todo.count() >= 2, "the demo leaves at least two 复评 entries for 周文博 to score"
    links = [todo.nth(i).locator("a").first.get_attribute("href") for i in range(2)]
    other_judges = _demo(portal_env, "SELECT x.name FROM awards_judge j JOIN experts_expert x ON x.id = j.expert_id "
                                     "WHERE x.name <> '周文博'")
    assert other_judges

    for i, link in enumerate(links):
        page.goto(link)
        number = HEADING.match(page.locator("h1").inner_text()).group(1)
        firm = _demo(portal_env, "SELECT f.name FROM awards_entry e JOIN associations_firm f ON f.id = e.firm_id "
                                 "WHERE e.number = ?", number)[0]
        html = page.content()
        assert firm not in html, f"blind round shows the entrant {firm}"
        expect(page.locator("#others-heading")).to_have_count(0)
        if i == 0:
            violations = axe_violations(page, axe_path)
            assert not violations, format_violations(violations)
        inputs = page.locator("form.judging-score-form input[type=number]")
        for k in range(inputs.count()):
            inputs.nth(k).fill("8.5" if k == 0 else "7")
        page.locator("form.judging-score-form button[type=submit]").click()
        expect(page.locator("#others-heading")).to_be_visible()
        expect(page.locator(".judging-own")).to_be_visible()
        html = page.content()
        assert firm not in html
        assert not [name for name in other_judges if name in html], "other judges' names are shown"
