"""The results workbook of a campaign for its organisers (XLSX): one sheet per judging round — every entry with
each judge's total (named: organisers are not blind), the aggregate score, the rank per category, whether the
judges disagree and whether the entry advanced — and a sheet 获奖名单 with the winners, removed ones included
with the reason. The column headers are Chinese (data of the document, as in events/exports.py).

Only the campaign's organisers reach it (others get 404); every download is audited (awards.export.results) and
none is cached. A fixed number of queries whatever the number of entries and scores.
"""

from django.utils import timezone

from core.exports import Sheet, workbook_bytes

from . import rounds_selectors as selectors

KIND_NAMES = {"first": "初评", "second": "复评", "final": "终评"}
AGGREGATION_NAMES = {"median": "中位数", "trimmed": "去掉最高分和最低分后的平均分"}
WINNER_COLUMNS = ["奖项类别", "名次", "作品编号", "作品名称", "参评单位", "得分", "已取消", "取消原因"]


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _round_sheet(rnd, rows, judges) -> Sheet:
    firm_header = "参评单位（盲评轮次：评委不可见）" if rnd.blind else "参评单位"
    judge_headers = [f"评委{i}（{j.expert.name}）" for i, j in enumerate(judges, start=1)]
    headers = ["作品编号", "奖项类别", "作品名称", firm_header, *judge_headers, "评分数",
               f"得分（{AGGREGATION_NAMES.get(rnd.aggregation, rnd.aggregation)}）", "名次", "评分分歧", "晋级"]
    data = []
    for row in rows:
        re, entry = row.round_entry, row.entry
        data.append([entry.number, entry.category.name, entry.title, entry.firm.name, *row.totals,
                     re.scores_count, re.score, re.rank, _yes(re.flagged), _yes(re.advanced)])
    return Sheet(f"{rnd.position}-{KIND_NAMES.get(rnd.kind, rnd.kind)}", headers, data)


def _winner_sheet(winners) -> Sheet:
    rows = [[w.category.name, w.rank, w.entry.number, w.entry.title, w.entry.firm.name, w.score,
             _yes(w.withdrawn_at is not None), w.withdrawn_reason] for w in winners]
    return Sheet("获奖名单", WINNER_COLUMNS, rows)


def results_workbook(campaign) -> tuple[bytes, dict]:
    """The workbook's bytes and a summary for the audit log."""
    judges, rounds, winners = selectors.workbook_data(campaign)
    sheets = [_round_sheet(rnd, rows, judges) for rnd, rows in rounds]
    sheets.append(_winner_sheet(winners))
    summary = {"rounds": len(rounds), "entries": sum(len(rows) for _r, rows in rounds), "winners": len(winners)}
    return workbook_bytes(sheets), summary


def results_filename(campaign) -> str:
    return f"awards-{campaign.pk}-评审结果-{timezone.localdate():%Y%m%d}.xlsx"
