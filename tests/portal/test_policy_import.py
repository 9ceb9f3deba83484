"""`manage.py import_policies`: JSON Lines in, live policy pages out; bad lines reported by number, changing nothing."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import PageLogEntry, Revision

from core.models import AuditEntry
from portal.demo.attachments import docx_document, pdf_document, xlsx_workbook
from portal.policies.imports import ATTACHMENT_COLLECTION, AUDIT_ACTION, import_policies_file
from portal.policies.models import Category, PolicyAttachment, PolicyPage, SubjectCategory, Validity
from tests.portal.policy_helpers import issuing_body, make_policy

pytestmark = pytest.mark.django_db

Document = get_document_model()
WHEN = datetime.date(2024, 3, 1)


def policy(**fields) -> dict:
    """One good line; `fields` override (a value of None removes the key)."""
    line = {
        "title": "成都市城市照明设施管理办法",
        "document_number": "成城管发〔2024〕12号",
        "issuing_body": "成都市城市管理委员会",
        "category": "规范性文件",
        "date_written": "2024-03-01",
        "date_published": "2024-03-05",
        "date_effective": "2024-04-01",
        "validity": "现行有效",
        "summary": "为加强城市照明设施管理，制定本办法。",
        "body": "第一条 为了加强管理，制定本办法。\n\n第二条 本办法自2024年4月1日起施行。",
        "tags": ["城市照明", "设施管理"],
    }
    line.update(fields)
    return {key: value for key, value in line.items() if value is not None}


def write(folder: Path, *lines, name: str = "policies.jsonl") -> Path:
    path = folder / name
    text = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def run(path: Path, *args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("import_policies", str(path), *args, stdout=out, verbosity=2)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "pages": PolicyPage.objects.count(),
        "revisions": Revision.objects.count(),
        "documents": Document.objects.count(),
        "attachments": PolicyAttachment.objects.count(),
        "audit": AuditEntry.objects.filter(action=AUDIT_ACTION).count(),
        "logs": PageLogEntry.objects.count(),
    }


def stored_files() -> set[str]:
    storage = Document._meta.get_field("file").storage
    try:
        return set(storage.listdir("documents")[1])
    except FileNotFoundError:
        return set()


@pytest.fixture(autouse=True)
def committee():
    return issuing_body()  # 成都市城市管理委员会, 11510100MB1C36517N


@pytest.fixture
def files(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "全文.pdf").write_bytes(pdf_document("成都市城市照明设施管理办法", ["第一条 ……"], when=WHEN))
    (tmp_path / "files" / "回执.docx").write_bytes(docx_document("参会回执", ["请填写"], when=WHEN))
    workbook = xlsx_workbook("价格表", ["项目", "单价"], [["清扫", 1]], when=WHEN)
    (tmp_path / "files" / "价格表.xlsx").write_bytes(workbook)
    (tmp_path / "files" / "图片.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (tmp_path / "files" / "伪装.docx").write_bytes(pdf_document("其实是PDF", ["……"], when=WHEN))
    return tmp_path


# --- Good lines ------------------------------------------------------------------------------------------------


def test_good_line_creates_a_live_policy_with_its_metadata(tmp_path):
    output = run(write(tmp_path, policy(subject_category="城市照明", keywords=["照明", "设施"], disclosure="主动公开")))
    page = PolicyPage.objects.get()
    assert page.live and not page.has_unpublished_changes
    assert page.get_parent().specific_class.__name__ == "PolicyIndexPage"
    assert (page.title, page.document_number) == ("成都市城市照明设施管理办法", "成城管发〔2024〕12号")
    assert page.category == Category.NORMATIVE and page.validity == Validity.IN_FORCE
    assert page.subject_category == SubjectCategory.LIGHTING and page.keywords == "照明 设施"
    assert (page.date_written, page.date_published, page.date_effective) == (
        datetime.date(2024, 3, 1), datetime.date(2024, 3, 5), datetime.date(2024, 4, 1)
    )
    assert page.index_number == "11510100MB1C36517N/2024-00001"
    assert sorted(page.tags.names()) == ["城市照明", "设施管理"]
    assert [block.block_type for block in page.body] == ["paragraph", "paragraph"]
    assert page.revisions.count() == 1
    page.full_clean()
    assert "Policies created: 1" in output and "第 1 行：created" in output
    entry = AuditEntry.objects.get(action=AUDIT_ACTION)
    assert entry.object_id == str(page.pk) and entry.actor_label == "manage.py import_policies"
    summary = AuditEntry.objects.get(action="portal.policy.import.completed")
    assert (summary.data["file"], summary.data["created"], summary.data["rejected"]) == ("policies.jsonl", 1, 0)


def test_choices_accept_values_labels_and_chinese_names(tmp_path):
    run(write(
        tmp_path,
        policy(document_number="A-1", category="standard", validity="in_force"),
        policy(document_number="A-2", category="Notice", subject_category="sanitation"),
        policy(document_number="A-3", category="标准规范", validity="尚未施行", date_effective="2030-01-01"),
        policy(document_number="A-4", category="通知公告", disclosure="依申请公开", validity="已废止"),
    ))
    pages = {p.document_number: p for p in PolicyPage.objects.all()}
    assert pages["A-1"].category == Category.STANDARD
    assert (pages["A-2"].category, pages["A-2"].subject_category) == (Category.NOTICE, SubjectCategory.SANITATION)
    assert (pages["A-3"].validity, pages["A-3"].effective_validity) == (Validity.IN_FORCE, Validity.NOT_YET)
    assert (pages["A-4"].validity, pages["A-4"].disclosure) == (Validity.REPEALED, "on_request")


def test_issuing_body_may_be_given_by_short_name(tmp_path):
    body = issuing_body("成都市人民政府", "11510100008302142E")
    body.short_name = "市政府"
    body.save()
    run(write(tmp_path, policy(issuing_body="市政府")))
    assert PolicyPage.objects.get().issuing_body == body


def test_plain_text_body_becomes_paragraphs_and_chapter_headings(tmp_path):
    text = "第一章 总则\n\n第一条 为了加强管理，\n制定本办法。\n\n第二条 本办法 <自公布之日起> 施行 & 有效。"
    run(write(tmp_path, policy(body=text)))
    blocks = [(b["type"], b["value"]) for b in PolicyPage.objects.get().body.raw_data]
    assert blocks == [
        ("heading", "第一章 总则"),
        ("paragraph", "<p>第一条 为了加强管理，<br/>制定本办法。</p>"),
        ("paragraph", "<p>第二条 本办法 &lt;自公布之日起&gt; 施行 &amp; 有效。</p>"),
    ]


def test_html_body_is_sanitised(tmp_path):
    html = (
        '<p onclick="steal()">第一条 <b>加粗</b><script>alert(1)</script>'
        '<a href="javascript:alert(2)">坏链接</a> <a href="https://www.chengdu.gov.cn/">好链接</a></p>'
        "<iframe src='https://evil.example/'></iframe><style>p{}</style>"
    )
    run(write(tmp_path, policy(body=html, summary="<b>摘要</b><script>x</script>")))
    page = PolicyPage.objects.get()
    (block,) = page.body.raw_data
    assert block["type"] == "paragraph"
    for bad in ("<script", "onclick", "javascript:", "<iframe", "<style"):
        assert bad not in block["value"]
    assert "<b>加粗</b>" in block["value"] and 'href="https://www.chengdu.gov.cn/"' in block["value"]
    assert "<" not in page.summary and page.summary.startswith("摘要")


def test_body_may_be_a_list_of_blocks_with_a_table(tmp_path):
    body = [
        {"type": "heading", "value": "一、费用标准"},
        {"type": "table", "caption": "指导价", "rows": [["项目", "单价"], ["道路清扫", 10.8]]},
        {"type": "quote", "text": "城市管理要像绣花一样精细。", "source": "讲话"},
        "普通段落",
    ]
    run(write(tmp_path, policy(body=body)))
    page = PolicyPage.objects.get()
    assert [b.block_type for b in page.body] == ["heading", "table", "quote", "paragraph"]
    table = page.body[1].value
    assert table["data"] == [["项目", "单价"], ["道路清扫", "10.8"]] and table["first_row_is_table_header"]


def test_attachments_become_typed_documents_in_the_policy_collection(files):
    attachments = ["files/全文.pdf", {"path": "files/回执.docx", "title": "参会回执（格式）"}, "files/价格表.xlsx"]
    run(write(files, policy(attachments=attachments)))
    page = PolicyPage.objects.get()
    docs = [a.document for a in page.attachments.all()]
    assert [d.title for d in docs] == ["全文", "参会回执（格式）", "价格表"]
    assert [d.file_extension for d in docs] == ["pdf", "docx", "xlsx"]
    for doc, source in zip(docs, ["全文.pdf", "回执.docx", "价格表.xlsx"], strict=True):
        data = (files / "files" / source).read_bytes()
        assert doc.file_size == len(data) and doc.collection.name == ATTACHMENT_COLLECTION
        with doc.open_file() as handle:
            assert handle.read() == data
        assert doc.file_hash


def test_year_brackets_are_normalised_to_the_official_form(tmp_path):
    run(write(tmp_path, policy(document_number="成城管发[2024]12号"), policy(document_number="成城管发【2024】12号")))
    page = PolicyPage.objects.get()
    assert page.document_number == "成城管发〔2024〕12号"


# --- Updates, re-runs, dry runs ----------------------------------------------------------------------------------


def test_existing_document_number_is_updated_with_a_new_revision_not_duplicated(tmp_path):
    run(write(tmp_path, policy()))
    page = PolicyPage.objects.get()
    index_number, slug = page.index_number, page.slug
    revised = policy(title="成都市城市照明设施管理办法（修订）", summary="新摘要", tags=["城市照明"])
    output = run(write(tmp_path, revised))
    assert PolicyPage.objects.count() == 1
    page.refresh_from_db()
    assert (page.title, page.summary) == ("成都市城市照明设施管理办法（修订）", "新摘要")
    assert list(page.tags.names()) == ["城市照明"]
    assert page.revisions.count() == 2 and page.live and not page.has_unpublished_changes
    assert (page.index_number, page.slug) == (index_number, slug)
    assert "Updated: 1" in output and "第 1 行：updated" in output
    assert AuditEntry.objects.filter(action=AUDIT_ACTION, object_id=str(page.pk)).count() == 2


def test_update_keeps_values_of_keys_absent_from_the_line(tmp_path):
    run(write(tmp_path, policy(keywords="照明", subject_category="城市照明")))
    run(write(tmp_path, policy(keywords=None, subject_category=None, summary="改过的摘要")))
    page = PolicyPage.objects.get()
    assert (page.keywords, page.subject_category, page.summary) == ("照明", SubjectCategory.LIGHTING, "改过的摘要")


def test_rerunning_the_same_file_changes_nothing(files):
    path = write(
        files,
        policy(attachments=["files/全文.pdf", "files/价格表.xlsx"]),
        policy(document_number="成城管发〔2024〕13号", title="补充通知", category="通知公告", date_effective=None),
        policy(document_number=None, title="《成都市城市照明设施管理办法》解读", category="政策解读",
               interprets="成城管发〔2024〕12号", body="<p>解读<b>内容</b></p>"),
        policy(document_number="成城管发〔2025〕1号", title="新办法", date_written="2025-01-02",
               date_published="2025-01-03", date_effective="2025-02-01", supersedes="成城管发〔2024〕13号"),
    )
    run(path)
    before, files_before = counts(), stored_files()
    output = run(path)
    assert counts() == before and stored_files() == files_before
    assert "Unchanged: 4" in output and "Policies created: 0" in output and "Updated: 0" in output


def test_dry_run_reports_the_same_and_changes_nothing(files):
    path = write(files, policy(attachments=["files/全文.pdf"]), "{broken", policy(document_number="X-2"))
    before, files_before = counts(), stored_files()
    output = run(path, "--dry-run")
    assert counts() == before and stored_files() == files_before
    assert "Check only, nothing was saved" in output
    assert "Policies created: 2" in output and "第 2 行：" in output
    real = run(path)
    assert "Policies created: 2" in real and PolicyPage.objects.count() == 2


# --- Links between policies ----------------------------------------------------------------------------------------


def test_supersedes_marks_the_older_policy_repealed_and_links_it(tmp_path):
    run(write(
        tmp_path,
        policy(document_number="成都市人民政府令第196号", title="成都市餐厨垃圾管理办法", category="规章"),
        policy(document_number="成都市人民政府令第231号", title="成都市餐厨垃圾管理办法", category="规章",
               date_written="2024-10-14", date_published="2024-10-28", date_effective="2025-01-01",
               supersedes="成都市人民政府令第196号"),
    ))
    old = PolicyPage.objects.get(document_number="成都市人民政府令第196号")
    new = PolicyPage.objects.get(document_number="成都市人民政府令第231号")
    assert old.superseded_by == new and old.validity == Validity.REPEALED
    assert old.current_version == new and list(new.supersedes.all()) == [old]
    assert old.revisions.count() == 2 and old.live and not old.has_unpublished_changes
    assert old.slug != new.slug  # same title, both reachable
    assert AuditEntry.objects.filter(object_id=str(old.pk), data__change="superseded").exists()


def test_supersedes_may_mark_the_older_policy_amended(tmp_path):
    run(write(
        tmp_path,
        policy(document_number="OLD-1"),
        policy(document_number="NEW-1", supersedes={"document_number": "OLD-1", "validity": "已修订"}),
    ))
    old = PolicyPage.objects.get(document_number="OLD-1")
    assert old.validity == Validity.AMENDED and old.superseded_by.document_number == "NEW-1"
    old.full_clean()


def test_the_older_line_does_not_undo_the_supersession_on_a_rerun(tmp_path):
    path = write(tmp_path, policy(document_number="OLD-1"), policy(document_number="NEW-1", supersedes="OLD-1"))
    run(path)
    output = run(path)
    old = PolicyPage.objects.get(document_number="OLD-1")
    assert old.validity == Validity.REPEALED and old.superseded_by.document_number == "NEW-1"
    assert "Unchanged: 2" in output


def test_a_policy_already_superseded_by_another_is_refused(tmp_path):
    successor = make_policy(document_number="成城管发〔2024〕99号")
    make_policy(document_number="OLD-1", validity=Validity.REPEALED, superseded_by=successor)
    output = run(write(tmp_path, policy(document_number="NEW-1", supersedes="OLD-1")))
    assert "第 1 行：OLD-1 is already superseded by" in output
    assert not PolicyPage.objects.filter(document_number="NEW-1").exists()


def test_interprets_links_the_interpretation_to_its_policy(tmp_path):
    run(write(
        tmp_path,
        policy(),
        policy(document_number=None, title="《成都市城市照明设施管理办法》解读", category="政策解读",
               interprets="成城管发〔2024〕12号"),
    ))
    interpretation = PolicyPage.objects.get(category=Category.INTERPRETATION)
    target = PolicyPage.objects.get(document_number="成城管发〔2024〕12号")
    assert interpretation.interprets == target and list(target.interpretations.all()) == [interpretation]


def test_lines_without_document_number_are_matched_by_title(tmp_path):
    news = policy(
        document_number=None, title="市城管委召开行业协会交流座谈会", category="工作动态", date_effective=None
    )
    run(write(tmp_path, news))
    output = run(write(tmp_path, dict(news, summary="更新后的摘要")))
    assert PolicyPage.objects.count() == 1 and PolicyPage.objects.get().summary == "更新后的摘要"
    assert "Updated: 1" in output


def test_policy_with_unpublished_changes_is_not_overwritten(tmp_path):
    page = make_policy(document_number="成城管发〔2024〕12号")
    page.title = "编辑中的草稿"
    page.save_revision()
    output = run(write(tmp_path, policy(title="导入的新标题")))
    assert "第 1 行：" in output and "unpublished changes" in output
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().title == "编辑中的草稿"


# --- Bad lines -------------------------------------------------------------------------------------------------------


BAD_LINES = [
    pytest.param('{"title": "缺少结尾", ', "not valid JSON", id="malformed-json"),
    pytest.param("[1, 2]", "not a JSON object", id="not-an-object"),
    pytest.param(policy(category="草案"), "Unknown category “草案”", id="unknown-category"),
    pytest.param(policy(validity="暂停"), "Unknown validity", id="unknown-validity"),
    pytest.param(policy(subject_category="航天"), "Unknown subject_category", id="unknown-subject"),
    pytest.param(policy(date_written="2024-02-30"), "date “date_written” is not valid", id="invalid-date"),
    pytest.param(policy(date_published="5 March 2024"), "date “date_published” is not valid", id="date-format"),
    pytest.param(policy(date_published=None), "date “date_published” is missing", id="missing-date"),
    pytest.param(policy(date_effective="2024-02-01"), "before the date written", id="in-force-before-written"),
    pytest.param(
        policy(date_published="2024-02-01"), "published (2024-02-01) is before", id="published-before-written"
    ),
    pytest.param(policy(title=None), "“title” is missing", id="missing-title"),
    pytest.param(policy(title="  "), "“title” is missing", id="blank-title"),
    pytest.param(policy(issuing_body="成都市城市管理局"), "Unknown issuing body “成都市城市管理局”", id="unknown-body"),
    pytest.param(policy(attachments=["files/不存在.pdf"]), "Attachment not found: files/不存在.pdf", id="missing-file"),
    pytest.param(policy(attachments=["files/图片.png"]), "not an allowed document", id="forbidden-type"),
    pytest.param(policy(attachments=["files/伪装.docx"]), "but the content is PDF", id="disguised-type"),
    pytest.param(
        policy(supersedes="成城管发〔2000〕1号"), "“supersedes” names 成城管发〔2000〕1号", id="supersedes-nowhere"
    ),
    pytest.param(
        policy(category="政策解读", interprets="无此文号"), "“interprets” names 无此文号", id="interprets-nowhere"
    ),
    pytest.param(policy(category="政策解读"), "must name the policy it interprets", id="interpretation-without-target"),
    pytest.param(policy(validity="已修订"), "must link to the version that amends it", id="amended-without-successor"),
    pytest.param(policy(supersedes="成城管发〔2024〕12号"), "cannot supersede itself", id="supersedes-itself"),
    pytest.param(policy(tags="城市照明", author="张三"), "Unknown keys: author", id="unknown-key"),
    pytest.param(policy(body={"html": "x"}), "“body” must be", id="bad-body"),
]


@pytest.mark.parametrize(("line", "reason"), BAD_LINES)
def test_bad_line_is_reported_with_its_number_and_changes_nothing(files, line, reason):
    good_before = policy(document_number="GOOD-1", title="前一行")
    good_after = policy(document_number="GOOD-3", title="后一行")
    path = write(files, good_before, "", line, good_after)  # the bad line is line 3 (line 2 is blank)
    run(write(files, good_before, name="first.jsonl"))  # line 1 exists already, so only line 4 is new
    before, files_before = counts(), stored_files()
    output = run(path)
    bad_lines = [text for text in output.splitlines() if text.startswith("第 3 行：") and "created" not in text]
    assert len(bad_lines) == 1 and reason in bad_lines[0], output
    assert "Lines read: 3" in output and "Lines rejected: 1" in output
    assert PolicyPage.objects.filter(document_number="GOOD-3").exists()
    after = counts()
    assert after["pages"] == before["pages"] + 1
    assert after["documents"] == before["documents"] and stored_files() == files_before


def test_late_failure_leaves_no_page_revision_document_or_file(files):
    """The model rule fails only after the page row and the documents were written: all of it is rolled back."""
    line = policy(category="政策解读", attachments=["files/全文.pdf", "files/价格表.xlsx"])
    before, files_before = counts(), stored_files()
    output = run(write(files, line))
    assert "第 1 行：" in output and "interprets" in output
    assert counts() == before and stored_files() == files_before


def test_each_of_several_bad_lines_is_reported_in_order(tmp_path):
    output = run(write(tmp_path, "not json", policy(category="x"), policy(), policy(document_number="B", title=None)))
    reported = [text.split("：")[0] for text in output.splitlines() if text.startswith("第 ") and "created" not in text]
    assert reported == ["第 1 行", "第 2 行", "第 4 行"]
    assert PolicyPage.objects.count() == 1


def test_unknown_issuing_body_lists_the_known_ones(tmp_path):
    output = run(write(tmp_path, policy(issuing_body="不存在的机关")))
    assert "Known: 成都市城市管理委员会" in output


# --- The file as a whole -------------------------------------------------------------------------------------------


def test_missing_file_is_refused_with_a_non_zero_exit(tmp_path):
    with pytest.raises(CommandError, match="does not exist"), translation.override("en"):
        call_command("import_policies", str(tmp_path / "missing.jsonl"))


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(json.dumps(policy(), ensure_ascii=False).encode("gbk"))
    with pytest.raises(CommandError, match="not UTF-8"), translation.override("en"):
        call_command("import_policies", str(path))
    assert PolicyPage.objects.count() == 0


def test_utf8_with_bom_and_blank_lines_is_read(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_text("\n" + json.dumps(policy(), ensure_ascii=False) + "\n\n", encoding="utf-8-sig")
    report = import_policies_file(actor="test", path=path)
    assert (report.lines_total, report.created, report.rejected) == (1, 1, [])
