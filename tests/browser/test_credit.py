"""The credit journeys (行业信用评价) on the demo data of seed_demo (portal/demo/credit.py).

The public looks up 成都蓉光照明工程有限公司 by its code (typed in lowercase with dashes) and by its pinyin initials and
sees its level and a published record with the day its publication ends; firm@demo.local, who acts for that firm,
files an objection against the firm's rating in 公示 (the current round was published two working days before the
seed, so its objection window is open) and sees it pending with its number and answer deadline.
"""

import re

import pytest
from playwright.sync_api import expect

from associations.models import name_pinyin
from portal.demo.accounts import DEMO_FIRM
from portal.demo.organisations import demo_data
from tests.browser.helpers import axe_violations, format_violations, log_in

pytestmark = pytest.mark.browser

FIRM_EMAIL = "firm@demo.local"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def demo_firm():
    firm = demo_data().firm_named(DEMO_FIRM)
    return firm.name, firm.uscc, name_pinyin(firm.name)[1]


def _look_up(page, query: str) -> None:
    page.goto("/credit/")
    page.locator("#credit-q").fill(query)
    page.locator("form.credit-search button[type=submit]").click()


def _expect_firm_page(page, name: str, code: str) -> None:
    expect(page).to_have_url(re.compile(rf"/credit/{code}/$"))
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".credit-current .credit-level-large")).to_have_text(re.compile(r"\b(AAA|AA|A|B|C)\b"))
    record = page.locator(".credit-records tbody tr").first
    expect(record).to_be_visible()
    ends = record.locator("td time").nth(1)
    expect(ends).to_have_attribute("datetime", DATE)
    expect(ends).to_have_text(DATE)


def test_the_public_looks_up_a_firm_by_code(page, demo_firm, axe_path):
    name, code, _ = demo_firm
    typed = f"{code[:6]}-{code[6:12]} {code[12:]}".lower()  # as people copy it: lowercase, dashes, spaces
    _look_up(page, typed)
    _expect_firm_page(page, name, code)
    violations = axe_violations(page, axe_path)
    assert not violations, format_violations(violations)
    expect(page.locator("a[href^='https://www.creditchina.gov.cn/']")).to_be_visible()
    assert "/media/" not in page.content()  # never an evidence file


def test_the_public_looks_up_a_firm_by_pinyin_initials(page, demo_firm):
    name, code, initials = demo_firm
    _look_up(page, initials.upper())
    page.get_by_role("link", name=name, exact=True).first.click()
    _expect_firm_page(page, name, code)


def test_a_firm_user_objects_to_the_rating_in_public_notice(page, axe_path):
    log_in(page, FIRM_EMAIL)
    page.goto("/me/credit/")
    rows = page.locator("table.credit-requests").first.locator("tbody tr")
    before = rows.count()
    page.locator("a[href*='/me/credit/object/?rating=']").first.click()
    expect(page).to_have_url(re.compile(r"/me/credit/object/\?rating=\d+$"))
    violations = axe_violations(page, axe_path)
    assert not violations, format_violations(violations)
    page.locator("#id_reason").fill("第B05项扣分所依据的整改通知书已于10月撤销，请予核实。")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/me/credit/(\?firm=\d+)?$"))
    expect(rows).to_have_count(before + 1)
    newest = rows.first
    expect(newest.locator("td").first).to_have_text(re.compile(r"^YY-\d{4}-\d{5}$"))
    expect(newest.locator(".decision-pending")).to_be_visible()
    expect(newest.locator("td").nth(3)).to_have_text(DATE)  # the answer deadline in working days
