"""seed_demo's policy library: ≥ 40 live policies telling the seeds' story, with links, attachments, idempotent.

The demo is seeded once for the module (inside a transaction rolled back at the end); each test runs in a
savepoint of its own on top of it.
"""

import datetime
import io
import re

import openpyxl
import time_machine
from docx import Document as WordDocument
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.models import Revision

from core.files import sniff_file_type
from core.models import AuditEntry
from core.uscc import validate_uscc
from portal.demo.attachments import docx_document, pdf_document, xlsx_workbook
from portal.demo.policies import ATTACHMENTS, ISSUING_BODIES, POLICIES
from portal.policies.imports import ATTACHMENT_COLLECTION
from portal.policies.models import Category, IssuingBody, PolicyAttachment, PolicyPage, Validity
from tests.portal.demo_helpers import seed

Document = get_document_model()




def counts() -> dict[str, int]:
    models = (PolicyPage, Revision, Document, PolicyAttachment, IssuingBody, Tag, AuditEntry)
    return {model.__name__: model.objects.count() for model in models}


def check_pdf(data: bytes) -> None:
    """A structurally sound PDF: header, a cross-reference table whose offsets point at its objects, trailer."""
    assert data.startswith(b"%PDF-1.")
    assert data.rstrip().endswith(b"%%EOF")
    xref_at = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data).group(1))
    assert data[xref_at : xref_at + 4] == b"xref"
    header = re.match(rb"xref\n0 (\d+)\n", data[xref_at:])
    size = int(header.group(1))
    table = data[xref_at + header.end() : xref_at + header.end() + 20 * size]
    entries = [table[i : i + 20] for i in range(0, len(table), 20)]
    assert entries[0] == b"0000000000 65535 f \n"
    for number, entry in enumerate(entries[1:], start=1):
        offset = int(entry[:10])
        assert entry[10:] == b" 00000 n \n"
        assert data[offset:].startswith(b"%d 0 obj" % number)
    for match in re.finditer(rb"<< /Length (\d+) >>\nstream\n", data):
        end = match.end() + int(match.group(1))
        assert data[end : end + 10] == b"\nendstream"
    assert re.search(rb"trailer\n<< /Size %d /Root 1 0 R" % size, data)


# --- The data ------------------------------------------------------------------------------------------------------


def test_seed_creates_at_least_40_live_policies_with_valid_metadata(demo):
    pages = list(PolicyPage.objects.specific().select_related("issuing_body"))
    assert len(pages) == len(POLICIES) >= 40
    assert {p.category for p in pages} == set(Category.values)
    for page in pages:
        page.full_clean()
        assert page.live and not page.has_unpublished_changes, page.title
        assert page.index_number.startswith(page.issuing_body.org_code + "/")
        assert datetime.date(2019, 1, 1) <= page.date_written <= page.date_published <= datetime.date(2026, 12, 31)
        assert page.date_effective is None or page.date_effective >= page.date_written
        assert page.summary and page.tags.exists() and page.keywords
        parts = sum(str(b["value"]).count("<p") if b["type"] == "paragraph" else 1 for b in page.body.raw_data)
        assert parts >= 2, page.title  # several paragraphs (an HTML body is one block of several <p>)
    numbers = [p.document_number for p in pages if p.document_number]
    assert len(numbers) == len(set(numbers)) >= 40
    assert len({p.index_number for p in pages}) == len(pages)


def test_seed_tells_the_story_of_the_seeds(demo):
    titles = set(PolicyPage.objects.values_list("title", flat=True))
    for title in (
        "成都市城市照明管理条例",
        "道路照明维护管理规范",
        "智慧多功能灯杆设备及材料技术规范",
        "环卫作业费用指导标准",
        "成都市餐厨垃圾管理办法",
        "关于召开城市管理领域行业协会交流座谈会的通知",
        "市城管委召开城市管理领域行业协会交流座谈会",
        "成都市建筑垃圾（渣土）运输处置核准告知承诺制实施办法",
        "关于推进“智慧渣土综合服务监管平台”全程网办的通知",
        "成都市户外广告和招牌设置管理条例",
        "成都市再生资源回收管理办法",
    ):
        assert title in titles, title
    assert PolicyPage.objects.filter(title__startswith="成都市城市管理精细化标准（2023年版）").count() >= 5
    assert PolicyPage.objects.filter(document_number__startswith="DB5101/T ").count() >= 4
    regulation = PolicyPage.objects.get(title="成都市城市照明管理条例")
    assert (regulation.category, regulation.issuing_body.name) == (Category.LAW, "成都市人民代表大会常务委员会")


def test_issuing_bodies_have_valid_organisation_codes(demo):
    bodies = {b.name: b for b in IssuingBody.objects.all()}
    assert {spec.name for spec in ISSUING_BODIES} <= set(bodies)
    assert bodies["成都市城市管理委员会"].org_code == "11510100MB1C36517N"
    for spec in ISSUING_BODIES:
        assert validate_uscc(bodies[spec.name].org_code) == spec.org_code
    assert PolicyPage.objects.filter(issuing_body__name="四川省照明电器协会").exists()


def test_repealed_and_amended_policies_point_to_their_successors(demo):
    superseded = list(PolicyPage.objects.filter(superseded_by__isnull=False).select_related("superseded_by"))
    assert len(superseded) >= 5
    assert {p.validity for p in superseded} == {Validity.REPEALED, Validity.AMENDED}
    for old in superseded:
        new = old.superseded_by
        assert new.validity == Validity.IN_FORCE and new.date_published > old.date_published
        assert old.current_version.pk == new.pk
    kitchen = PolicyPage.objects.filter(title="成都市餐厨垃圾管理办法").order_by("date_published")
    old, new = list(kitchen)
    assert old.document_number == "成都市人民政府令第196号"
    assert (old.validity, old.superseded_by_id) == (Validity.REPEALED, new.pk)
    assert new.document_number == "成都市人民政府令第231号" and list(new.supersedes.all()) == [old]
    # Repealed outright, without a successor, also occurs.
    assert PolicyPage.objects.filter(validity=Validity.REPEALED, superseded_by__isnull=True).exists()


@time_machine.travel(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC))
def test_some_policies_are_not_yet_in_force(demo):
    pending = [p for p in PolicyPage.objects.all() if p.effective_validity == Validity.NOT_YET]
    assert len(pending) >= 2
    assert all(p.date_effective.year == 2027 for p in pending)


def test_interpretations_are_linked_both_ways(demo):
    interpretations = list(PolicyPage.objects.filter(category=Category.INTERPRETATION).select_related("interprets"))
    assert len(interpretations) >= 6
    for page in interpretations:
        target = page.interprets
        assert target is not None and target.category != Category.INTERPRETATION
        assert page in target.interpretations.all()
    assert PolicyPage.objects.get(title="成都市城市照明管理条例").interpretations.exists()


# --- Attachments -----------------------------------------------------------------------------------------------------


def test_at_least_six_policies_carry_real_attachment_files(demo):
    with_attachments = PolicyPage.objects.filter(attachments__isnull=False).distinct()
    assert with_attachments.count() >= 6
    kinds = set()
    for attachment in PolicyAttachment.objects.select_related("document__collection"):
        document = attachment.document
        assert document.collection.name == ATTACHMENT_COLLECTION
        with document.open_file() as handle:
            data = handle.read()
        assert len(data) == document.file_size > 0
        kind = sniff_file_type(data)
        assert kind == document.file_extension
        kinds.add(kind)
        if kind == "pdf":
            check_pdf(data)
        elif kind == "docx":
            paragraphs = [p.text for p in WordDocument(io.BytesIO(data)).paragraphs]
            assert paragraphs[0] == document.title or paragraphs[0]
        elif kind == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            rows = list(sheet.values)
            assert len(rows) >= 3 and rows[0][0]
    assert kinds == {"pdf", "docx", "xlsx"}


def test_fee_standard_has_its_price_table_as_a_workbook(demo):
    page = PolicyPage.objects.get(title="环卫作业费用指导标准")
    assert "table" in [block.block_type for block in page.body]
    (attachment,) = page.attachments.all()
    with attachment.document.open_file() as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.values)
    assert rows[1][:4] == ("作业项目", "作业等级", "计量单位", "指导价（元）")
    assert ("道路清扫保洁", "一级", "元/平方米·年", 10.8) in [row[:4] for row in rows]


# --- Idempotence -----------------------------------------------------------------------------------------------------


def test_second_run_changes_no_counts(demo):
    before = counts()
    output = seed()
    assert counts() == before
    assert f"政策文件：新建 0 篇，更新 0 篇，共 {len(POLICIES)} 篇" in output


def test_first_run_reported_what_it_created(demo):
    assert f"政策文件：新建 {len(POLICIES)} 篇" in demo
    assert f"发文机关：新建 {len(ISSUING_BODIES)} 个" in demo


# --- The generators (no database) ------------------------------------------------------------------------------------


def test_attachment_generators_are_deterministic():
    for name, build in ATTACHMENTS.items():
        assert build() == build(), name


def test_hand_written_pdf_is_well_formed_over_several_pages():
    paragraphs = ["第一条 " + "内容" * 400] * 5
    data = pdf_document("长标题" * 30, paragraphs, when=datetime.date(2024, 1, 1), author="市城管委")
    check_pdf(data)
    assert data.count(b"/Type /Page ") >= 3


def test_office_generators_give_files_the_libraries_open():
    when = datetime.date(2024, 1, 1)
    docx = docx_document("标题", ["第一段"], when=when, table=[["甲", "乙"], ["1", "2"]], closing=["落款"])
    document = WordDocument(io.BytesIO(docx))
    assert [p.text for p in document.paragraphs] == ["标题", "第一段", "落款"]
    assert document.tables[0].cell(1, 1).text == "2"
    assert document.core_properties.created == datetime.datetime(2024, 1, 1, 9, 0, tzinfo=datetime.UTC)
    xlsx = xlsx_workbook("标题", ["甲", "乙"], [["a", 1]], when=when, notes=["说明"])
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx)).active.values)
    assert rows[:3] == [("标题", None), ("甲", "乙"), ("a", 1)] and rows[-1][0] == "说明"
