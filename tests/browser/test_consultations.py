"""The consultation journey (征求意见): an invited association comments, the committee answers and publishes.

`sanitation@demo.local` comments on 第五条 of the open draft with an attachment and gets a 回执编号; the committee
answers and publishes; the outcome page shows the answer.

Runs against the demo consultations of seed_demo (portal/demo/consultations.py): 成都市餐厨垃圾管理办法（征求意见稿）
is open, the 成都市环境卫生协会 (sanitation@demo.local) is invited and has not commented yet, and five other
comments are waiting for an answer.

Order matters: the tests run in file order on the session's portal, and the last one closes the open consultation
and publishes its outcome; the read-only checks (axe, phone width) come first.
"""

import json
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.demo.consultations import ADMIN_EMAIL, OPEN_TITLE
from tests.browser.helpers import axe_violations, format_violations, log_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SANITATION_EMAIL = "sanitation@demo.local"
SANITATION = "成都市环境卫生协会"
ARTICLE = "第五条"
RECEIPT_PATTERN = r"ZQ-\d{4}-\d{4}-\d{4}"
ATTACHMENT_NAME = "台账样表.pdf"
PROBLEM = "第五条第二款要求台账保存不少于两年，但未明确电子台账是否有效。"
REASON = "环卫作业单位普遍使用收运管理系统记录收运数据，纸质台账与电子记录重复登记，增加基层负担。"
SUGGESTION = "建议在第二款后增加：“通过餐厨垃圾监管平台如实记录的电子台账，与纸质台账具有同等效力。”"
ANSWER = "电子台账的效力在第五条第二款中予以明确；台账保存期限维持不少于两年，以便执法核查。"
OTHERS_ANSWER = "经研究，相关内容将在配套实施细则中统筹考虑。"


@contextmanager
def _page(chromium, portal_url, **options):
    """A page in a fresh context of its own (like the `page` fixture), for a second user or another screen."""
    settings = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", "viewport": {"width": 1280, "height": 900}}
    context = chromium.new_context(base_url=portal_url, **{**settings, **options})
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def _assert_no_axe_violations(page, axe_path):
    violations = axe_violations(page, axe_path)
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{format_violations(violations)}"


def _open_the_open_consultation(page) -> int:
    """From the public list, open the open consultation; return its primary key."""
    page.goto("/consultations/")
    page.get_by_role("link", name=OPEN_TITLE, exact=True).click()
    expect(page).to_have_url(re.compile(r"/consultations/\d+/$"))
    expect(page.locator("h1")).to_have_text(OPEN_TITLE)
    return int(re.search(r"/consultations/(\d+)/$", page.url).group(1))


def _article(page, label: str):
    """The article of the draft text whose label is exactly ``label`` (e.g. 第五条)."""
    return page.locator(".draft-article").filter(has=page.locator(".draft-label", has_text=re.compile(rf"^{label}$")))


def _expect_comment_form_for(page, consultation_pk: int, label: str) -> None:
    expect(page).to_have_url(re.compile(rf"/consultations/{consultation_pk}/comment/\?article=\d+$"))
    expect(page.locator("#id_article option:checked")).to_have_text(re.compile(rf"^{label}"))
    expect(page.locator(".quoted-article:visible .quoted-label")).to_contain_text(label)


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def _close_and_answer_the_others(portal_env, consultation_pk: int, keep_receipt: str) -> None:
    """Let the comment period end and answer every other comment, in the session portal's database.

    Test-only simulation of time passing: the services refuse to publish an outcome before the deadline, and
    waiting 25 days is not an option, so ends_at is moved to a minute ago with a queryset update (no service,
    no audit entry). The other seeded comments are answered through the real service (response_bulk, as the
    committee administrator) so that the browser only has the sanitation association's comment left.
    """
    code = f"""
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations import services
from consultations.models import Consultation
from consultations.services.responses import unanswered

consultation = Consultation.objects.get(pk={consultation_pk})
# Test-only: the comment period ends (see the docstring of the browser test).
Consultation.objects.filter(pk=consultation.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
admin = get_user_model().objects.get(email__iexact={json.dumps(ADMIN_EMAIL)})
others = list(unanswered(consultation).exclude(receipt_number={json.dumps(keep_receipt)}))
assert others, "expected the seeded comments of the open consultation"
services.response_bulk(actor=admin, consultation=consultation, comments=others, result="not_adopted",
                       reason={json.dumps(OTHERS_ANSWER, ensure_ascii=False)})
left = list(unanswered(consultation).values_list("receipt_number", flat=True))
assert left == [{json.dumps(keep_receipt)}], left
print(len(others))
"""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=portal_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py shell failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"


def test_consultation_detail_page_has_no_axe_violations(page, axe_path):
    _open_the_open_consultation(page)
    expect(_article(page, ARTICLE)).to_be_visible()
    _assert_no_axe_violations(page, axe_path)


def test_phone_reads_the_draft_without_horizontal_scrolling_and_taps_an_article(chromium, portal_url):
    with _page(chromium, portal_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True) as page:
        log_in(page, SANITATION_EMAIL)
        pk = _open_the_open_consultation(page)
        article = _article(page, ARTICLE)
        expect(article).to_be_visible()
        expect(article).to_contain_text("源头减少餐厨垃圾的产生")
        assert _no_horizontal_scroll(page), page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        box = article.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"the article overflows the screen: {box}"

        # A tap on the text of the article (not on its link) opens the comment form for it (consultation.js).
        article.locator(".draft-article-text").tap()
        _expect_comment_form_for(page, pk, ARTICLE)
        expect(page.locator("#id_problem")).to_be_visible()
        assert _no_horizontal_scroll(page)


def test_association_comments_on_an_article_and_the_committee_publishes_the_answer(
    page, chromium, portal_url, portal_env, axe_path, tmp_path
):
    # 1. The sanitation association comments on 第五条 with an attachment and gets a receipt.
    log_in(page, SANITATION_EMAIL)
    pk = _open_the_open_consultation(page)
    _article(page, ARTICLE).locator(".draft-article-text").click()
    _expect_comment_form_for(page, pk, ARTICLE)

    speaker = page.get_by_role("radio", name=re.compile(SANITATION))
    expect(speaker).to_be_visible()
    expect(speaker).to_be_checked()
    _assert_no_axe_violations(page, axe_path)

    page.get_by_label(re.compile(r"^问题")).fill(PROBLEM)  # the label ends with a required mark (*)
    page.get_by_label("理由依据", exact=True).fill(REASON)
    page.get_by_label("修改建议", exact=True).fill(SUGGESTION)
    attachment = tmp_path / ATTACHMENT_NAME
    attachment.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    page.get_by_label("附件", exact=True).set_input_files(attachment)
    page.get_by_role("button", name="提交意见").click()

    expect(page).to_have_url(re.compile(rf"/consultations/receipt/{RECEIPT_PATTERN}/$"))
    receipt_number = page.locator(".receipt-number")
    expect(receipt_number).to_have_text(re.compile(rf"^{RECEIPT_PATTERN}$"))
    receipt = receipt_number.inner_text()
    facts = page.locator(".receipt-facts")
    expect(facts).to_contain_text("回执编号")
    expect(facts).to_contain_text(SANITATION)
    expect(facts).to_contain_text(ARTICLE)
    expect(page.locator(".attachment-list")).to_contain_text(ATTACHMENT_NAME)

    # 2. The comment period ends; the other comments are answered (see _close_and_answer_the_others).
    _close_and_answer_the_others(portal_env, pk, receipt)

    # 3. The committee answers the comment in the workbench and publishes the outcome.
    with _page(chromium, portal_url) as admin:
        log_in(admin, ADMIN_EMAIL)
        admin.goto("/admin/consultations/")
        admin.get_by_role("link", name=OPEN_TITLE, exact=True).click()
        expect(admin).to_have_url(re.compile(rf"/admin/consultations/{pk}/$"))
        admin.get_by_role("link", name="意见处理", exact=True).click()
        expect(admin).to_have_url(re.compile(rf"/admin/consultations/{pk}/responses/$"))

        card = admin.locator("article.ca-comment").filter(
            has=admin.locator(".ca-receipt", has_text=re.compile(rf"^{receipt}$"))
        )
        expect(card).to_have_count(1)
        expect(card).to_contain_text(SANITATION)
        expect(card).to_contain_text(ATTACHMENT_NAME)
        card.get_by_label("结果", exact=True).select_option(label="部分采纳")
        card.get_by_label("理由（除采纳外必填）", exact=True).fill(ANSWER)
        card.get_by_role("button", name="保存处理意见").click()

        messages = admin.locator(".messages")
        expect(messages.locator("li.success")).to_contain_text(receipt)
        expect(card.locator(".ca-answer")).to_contain_text("部分采纳")
        expect(card.locator(".ca-answer")).to_contain_text(ANSWER)

        publish = admin.locator("#publish")
        expect(publish).to_contain_text("0 条意见尚未答复")
        admin.once("dialog", lambda dialog: dialog.accept())
        publish.get_by_role("button", name="发布意见采纳情况").click()
        expect(messages.locator("li.success")).to_contain_text("意见采纳情况已发布")
        expect(messages.locator("li.error")).to_have_count(0)

    # 4. Anyone reads how the comment was handled.
    with _page(chromium, portal_url) as public:
        response = public.goto(f"/consultations/{pk}/outcome/")
        assert response.status == 200
        row = public.locator("table.outcome-table tbody tr").filter(has_text=receipt)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(SANITATION)
        expect(row).to_contain_text(ARTICLE)
        expect(row.locator(".result-badge")).to_have_text("部分采纳")
        expect(row).to_contain_text(ANSWER)
        _assert_no_axe_violations(public, axe_path)
