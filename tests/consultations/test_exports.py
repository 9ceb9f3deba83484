import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from consultations import services
from consultations.exports import export_comments_xlsx, export_outcome
from consultations.models import Result
from tests.consultations.helpers import article, make_consultation
from tests.factories import AssociationFactory, association_staff, committee_user

START = datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
RESULTS = [Result.ADOPTED, Result.PARTLY, Result.NOT_ADOPTED, Result.ALREADY, Result.OUT_OF_SCOPE]

pytestmark = pytest.mark.django_db


def label(result) -> str:
    with translation.override("zh-hans"):
        return str(Result(result).label)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


class Built:
    def __init__(self, clock, n, *, duplicates=(), publish=True):
        self.admin = committee_user()
        self.associations = [AssociationFactory(), AssociationFactory()]
        self.staff = [association_staff(a) for a in self.associations]
        self.consultation = make_consultation(admin=self.admin, invited=self.associations)
        self.comments = [self.submit(i) for i in range(n)]
        self.hook_before_close()
        clock.shift(timedelta(days=31))
        for i in duplicates:
            services.comment_mark_duplicate(actor=self.admin, comment=self.comments[i], of=self.comments[0])
        self.answered = [c for i, c in enumerate(self.comments) if i not in duplicates and c.status == "submitted"]
        for i, comment in enumerate(self.answered):
            services.response_save(actor=self.admin, comment=comment, result=RESULTS[i % 5], reason=f"理由{i}")
        if publish:
            services.outcome_publish(actor=self.admin, consultation=self.consultation,
                                     note="<p>说明一</p><p>说明二</p>")
            self.consultation.refresh_from_db()

    def submit(self, i, **fields):
        k = i % 2
        defaults = {"problem": f"<p>问题{i}</p>", "reason": f"<p>依据{i}</p>", "suggestion": f"<p>建议{i}</p>",
                    "article": article(self.consultation, "第五条") if i % 3 else None}
        return services.comment_submit(actor=self.staff[k], consultation=self.consultation,
                                       speaker=f"association:{self.associations[k].pk}", **(defaults | fields))

    def hook_before_close(self):
        pass


def docx_rows(content):
    document = Document(io.BytesIO(content))
    return document, [[cell.text for cell in row.cells] for row in document.tables[0].rows]


def xlsx_rows(content, sheet="意见采纳情况"):
    workbook = load_workbook(io.BytesIO(content))
    return workbook, [[c.value for c in row] for row in workbook[sheet].iter_rows()]


def test_outcome_docx_has_one_row_per_comment_with_the_published_answers(clock):
    built = Built(clock, 4, duplicates=[2])
    content, filename, content_type = export_outcome(built.consultation, "docx")
    assert filename == f"{built.consultation.number}-意见采纳情况.docx"
    assert content_type.endswith("wordprocessingml.document")
    document, rows = docx_rows(content)
    assert rows[0] == ["序号", "提出单位", "条款", "意见内容", "处理结果", "理由"]
    assert len(rows) == 1 + 4  # the duplicate has its own row
    by_number = {row[0]: row for row in rows[1:]}
    # comment 0 leads, comment 2 is grouped under it and follows it with the group's answer
    assert by_number["1"][1] == built.associations[0].name
    assert by_number["1"][4] == label(RESULTS[0])
    assert "问题0" in by_number["1"][3] and "修改建议：建议0" in by_number["1"][3]
    assert by_number["2"][4] == label(RESULTS[0])
    assert "与第 1 条意见相同" in by_number["2"][5]
    assert "问题2" in by_number["2"][3]
    assert by_number["3"][4] == label(RESULTS[1]) and "理由1" in by_number["3"][5]
    assert by_number["3"][2] == "第五条"
    title = document.paragraphs[0]
    assert built.consultation.title in title.text
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert document.sections[0].page_width > document.sections[0].page_height
    assert document.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    texts = [p.text for p in document.paragraphs]
    assert "说明一" in texts and "说明二" in texts


def test_an_answer_saved_after_publication_is_not_exported(clock):
    built = Built(clock, 3)
    services.response_save(actor=built.admin, comment=built.comments[1], result=Result.NOT_ADOPTED,
                           reason="尚未发布的新理由")
    _document, rows = docx_rows(export_outcome(built.consultation, "docx")[0])
    assert rows[2][4] == label(RESULTS[1])
    assert "尚未发布的新理由" not in str(rows)


def test_before_the_outcome_is_published_no_answer_is_exported(clock):
    built = Built(clock, 3, publish=False)
    _document, rows = docx_rows(export_outcome(built.consultation, "docx")[0])
    assert len(rows) == 4
    assert all(row[4] == "" and row[5] == "" for row in rows[1:])
    _workbook, table = xlsx_rows(export_outcome(built.consultation, "xlsx")[0])
    assert all(not row[13] and not row[14] for row in table[1:])


def test_new_article_column_appears_when_an_answer_names_one(clock):
    built = Built(clock, 1, publish=False)
    services.response_save(actor=built.admin, comment=built.comments[0], result=Result.ADOPTED,
                           new_article=article(built.consultation, "第六条"))
    services.outcome_publish(actor=built.admin, consultation=built.consultation)
    _document, rows = docx_rows(export_outcome(built.consultation, "docx")[0])
    assert rows[0][-1] == "对应修改后条款"
    assert rows[1][-1] == "第六条"


def test_outcome_xlsx_has_one_row_per_comment_and_statistics(clock):
    built = Built(clock, 5, duplicates=[3])
    content, filename, _type = export_outcome(built.consultation, "xlsx")
    assert filename.endswith("意见采纳情况.xlsx")
    workbook, table = xlsx_rows(content)
    assert workbook.sheetnames == ["意见采纳情况", "统计"]
    assert table[0][:3] == ["序号", "回执编号", "提出单位"]
    assert len(table) == 1 + 5
    assert sorted(row[1] for row in table[1:]) == sorted(c.receipt_number for c in built.comments)
    assert workbook["意见采纳情况"].freeze_panes == "A2"
    by_receipt = {row[1]: row for row in table[1:]}
    duplicate = by_receipt[built.comments[3].receipt_number]
    assert duplicate[13] == label(RESULTS[0]) and duplicate[-1] == "与第 1 条意见相同"
    assert by_receipt[built.comments[1].receipt_number][10] == "问题1"
    assert by_receipt[built.comments[1].receipt_number][16] is not None  # 答复发布时间
    _wb, stats = xlsx_rows(content, "统计")
    assert stats[1][:2] == ["合计", 5]
    assert stats[1][2] == 2  # 采纳: comment 0 and its duplicate
    assert {row[0] for row in stats[2:]} == {a.name for a in built.associations}


def test_outcome_csv_has_the_same_columns_with_a_bom(clock):
    built = Built(clock, 3)
    content, filename, content_type = export_outcome(built.consultation, "csv")
    assert filename.endswith(".csv") and content_type.startswith("text/csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    _workbook, table = xlsx_rows(export_outcome(built.consultation, "xlsx")[0])
    assert rows[0] == table[0]
    assert [row[1] for row in rows[1:]] == [c.receipt_number for c in built.comments]
    assert rows[2][13] == label(RESULTS[1])


def test_unknown_format_is_refused(clock):
    built = Built(clock, 1, publish=False)
    with pytest.raises(ValueError):
        export_outcome(built.consultation, "pdf")


class WithHiddenAndWithdrawn(Built):
    def hook_before_close(self):
        self.withdrawn = self.submit(90, problem="<p>撤回的意见</p>")
        services.comment_withdraw(actor=self.staff[0], comment=self.withdrawn)
        services.comment_hide(actor=self.admin, comment=self.comments[1], reason="含有个人信息")


def test_hidden_text_stays_out_of_the_public_outcome(clock):
    built = WithHiddenAndWithdrawn(clock, 3)
    _document, rows = docx_rows(export_outcome(built.consultation, "docx")[0])
    assert "问题1" not in str(rows)
    assert rows[2][3] == "该意见内容不予公开"
    assert "含有个人信息" not in str(rows)  # the reason for hiding is not public either
    assert rows[2][4] == label(RESULTS[1])  # its handling is public
    assert "撤回的意见" not in str(rows)
    for fmt in ("xlsx", "csv"):
        content = export_outcome(built.consultation, fmt)[0]
        text = content.decode("utf-8-sig") if fmt == "csv" else str(xlsx_rows(content)[1])
        assert "该意见内容不予公开" in text
        assert "含有个人信息" not in text and "问题1" not in text


def test_comments_xlsx_lists_withdrawn_and_hidden_comments_with_the_current_answer(clock):
    built = WithHiddenAndWithdrawn(clock, 3)
    services.response_save(actor=built.admin, comment=built.comments[0], result=Result.NOT_ADOPTED,
                           reason="尚未发布的新理由")
    _wb, table = xlsx_rows(export_comments_xlsx(built.consultation, published_only=False), "意见清单")
    headers = table[0]
    by_receipt = {row[1]: dict(zip(headers, row, strict=True)) for row in table[1:]}
    assert len(by_receipt) == 4
    withdrawn = by_receipt[built.withdrawn.receipt_number]
    assert withdrawn["问题"] == "撤回的意见" and withdrawn["撤回时间"] is not None
    hidden = by_receipt[built.comments[1].receipt_number]
    assert hidden["问题"] == "问题1" and hidden["已隐藏"] == "是" and hidden["隐藏原因"] == "含有个人信息"
    assert by_receipt[built.comments[0].receipt_number]["理由"] == "尚未发布的新理由"
    _wb, table = xlsx_rows(export_comments_xlsx(built.consultation, published_only=True), "意见清单")
    row = dict(zip(table[0], next(r for r in table if r[1] == built.comments[0].receipt_number), strict=True))
    assert row["理由"] == "理由0" and row["处理结果"] == label(RESULTS[0])


def test_comments_xlsx_gives_a_duplicate_the_answer_of_its_group(clock):
    built = Built(clock, 3, duplicates=[1])
    _wb, table = xlsx_rows(export_comments_xlsx(built.consultation, published_only=False), "意见清单")
    row = dict(zip(table[0], table[2], strict=True))
    assert row["与之相同的意见"] == built.comments[0].receipt_number
    assert row["处理结果"] == label(RESULTS[0])


def _count_queries(consultation) -> list[int]:
    counts = []
    for export in [*(lambda fmt=fmt: export_outcome(consultation, fmt) for fmt in ("docx", "xlsx", "csv")),
                   lambda: export_comments_xlsx(consultation, published_only=False),
                   lambda: export_comments_xlsx(consultation, published_only=True)]:
        with CaptureQueriesContext(connection) as queries:
            export()
        counts.append(len(queries))
    return counts


def test_query_count_does_not_grow_with_the_comments(clock, django_assert_max_num_queries):
    small = _count_queries(Built(clock, 3, duplicates=[2]).consultation)
    large = Built(clock, 30, duplicates=[4, 5, 6])
    assert _count_queries(large.consultation) == small
    with django_assert_max_num_queries(max(small)):
        export_outcome(large.consultation, "xlsx")
