"""The public reads the policy library: filter, open a policy, download its attachment, follow a repealed one.

Runs against the demo policies of seed_demo (portal/demo/policies.py): the city lighting regulation
(成都市人大常委会公告〔2023〕第12号, 法规, published 2023, with a PDF of its full text) supersedes
成城管发〔2019〕27号, which is 已废止.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations

pytestmark = pytest.mark.browser

REGULATION = "成都市城市照明管理条例"
REGULATION_NUMBER = "成都市人大常委会公告〔2023〕第12号"
REGULATION_ATTACHMENT = "成都市城市照明管理条例（全文）"
REPEALED = "成都市城市照明设施维护管理办法"
REPEALED_NUMBER = "成城管发〔2019〕27号"


def _filter_library(page, **values):
    """Choose values in the filter form by field name and submit it (the form works without JavaScript)."""
    page.goto("/policies/")
    form = page.locator("form.filter-form")
    for name, value in values.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()


def test_public_filters_by_category_and_year_opens_a_policy_and_downloads_its_attachment(page):
    _filter_library(page, category="law", year="2023")
    expect(page).to_have_url(re.compile(r"/policies/\?.*category=law"))
    expect(page.locator("#filter-category")).to_have_value("law")
    expect(page.locator("#filter-year")).to_have_value("2023")
    rows = page.locator(".policy-list .policy-item")
    expect(rows.first).to_be_visible()
    # Every row is a 2023 law, and the regulation is among them.
    for date in rows.locator("time").all_inner_texts():
        assert date.startswith("2023-"), date
    row = rows.filter(has_text=REGULATION_NUMBER)
    expect(row).to_have_count(1)
    expect(row.locator(".validity-badge")).to_have_class(re.compile(r"\bvalidity-in_force\b"))

    row.get_by_role("link", name=REGULATION).click()
    expect(page.locator("h1")).to_have_text(REGULATION)
    meta = page.locator("table.policy-meta")
    expect(meta).to_contain_text(REGULATION_NUMBER)
    expect(meta).to_contain_text("2023-")

    link = page.locator(".policy-attachments a.document-download", has_text=REGULATION_ATTACHMENT)
    expect(link).to_contain_text("PDF")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_repealed_policy_shows_a_banner_linking_to_its_successor(page):
    _filter_library(page, validity="repealed", q=REPEALED_NUMBER)
    rows = page.locator(".policy-list .policy-item")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".validity-badge")).to_have_class(re.compile(r"\bvalidity-repealed\b"))
    rows.first.get_by_role("link", name=REPEALED).click()

    banner = page.locator(".validity-banner-repealed")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(REGULATION_NUMBER)
    banner.locator("a.current-version-link").click()
    expect(page.locator("h1")).to_have_text(REGULATION)
    expect(page.locator(".validity-banner")).to_have_count(0)
    # And back: the successor names the version it replaced.
    expect(page.locator("a.supersedes-link", has_text=REPEALED)).to_be_visible()


def test_interpretation_and_policy_link_both_ways(page):
    _filter_library(page, category="interpretation", q=REGULATION)
    page.locator(".policy-list .policy-item a").first.click()
    page.locator("a.interprets-link").click()
    expect(page.locator("h1")).to_have_text(REGULATION)
    expect(page.locator(".policy-interpretations .policy-item")).not_to_have_count(0)


def _policy_url(page, number: str) -> str:
    _filter_library(page, q=number)
    return page.locator(".policy-list .policy-item a").first.get_attribute("href")


@pytest.mark.parametrize("number", [None, REGULATION_NUMBER, REPEALED_NUMBER])
def test_library_and_policy_pages_have_no_axe_violations(page, axe_path, number):
    path = _policy_url(page, number) if number else "/policies/?category=normative&sort=oldest"
    assert page.goto(path).status == 200
    violations = axe_violations(page, axe_path)
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{format_violations(violations)}"


def test_policy_page_prints_without_site_furniture(page):
    page.goto(_policy_url(page, REGULATION_NUMBER))
    page.emulate_media(media="print")
    for selector in [".site-nav", ".site-footer", ".breadcrumbs", ".header-tools"]:
        expect(page.locator(selector)).to_be_hidden()
    for selector in ["table.policy-meta", ".policy-body", "h1"]:
        expect(page.locator(selector)).to_be_visible()
