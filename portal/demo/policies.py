"""The demo policy library: issuing bodies and about sixty policies that tell the seeds' story.

No database access. The policies live in ``data/policies.jsonl`` in the format of ``manage.py import_policies``
(one JSON object per line, see portal/policies/imports/__init__.py); seed_demo feeds that file's lines to the
same import code, so the demo exercises the real import: JSON Lines reading, 文号 look-up, supersedes/interprets
links, HTML cleaning, attachment checks. ``POLICIES`` is the same file parsed, for the attachments and the tests.

The story (seeds 000–004): the committee and the industry associations wrote the city's lighting regulation,
the road-lighting maintenance and smart-pole standards, the sanitation fee guide and the kitchen-waste rules
together; the 城市管理精细化标准 series (11 篇 since 2017, revised 2023); the 渣土 reforms of 2024–2025 (清运证
审批 with 告知承诺制, 智慧渣土综合服务监管平台); the symposium of 1 November 2023 and the events around it.
Older versions are 已废止/已修订 with their successors (a superseded policy comes before its successor in the
file); a few texts come into force in 2027 (尚未施行). A record's ``issuing_body`` is the name of one of
``ISSUING_BODIES`` below.

Attachments are generated at seed time (``ATTACHMENTS``: file name → builder) — a PDF written by hand, DOCX
through python-docx and XLSX through openpyxl — always with the same bytes, so a second run reuses them. A
record's ``attachments`` name these files; seed_demo writes them to a temporary folder used as the import's
base folder.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .attachments import docx_document, pdf_document, xlsx_workbook
from .organisations import ASSOCIATIONS_BY_SECTOR, COMMITTEE_NAME, uscc

# --- Issuing bodies (发文机关) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuingBodySpec:
    name: str
    short_name: str
    org_code: str
    sort_order: int


COMMITTEE = COMMITTEE_NAME  # 成都市城市管理委员会
PEOPLES_CONGRESS = "成都市人民代表大会常务委员会"
CITY_GOVERNMENT = "成都市人民政府"
CITY_GOVERNMENT_OFFICE = "成都市人民政府办公厅"
PROVINCE_HOUSING = "四川省住房和城乡建设厅"
MARKET_REGULATION = "成都市市场监督管理局"
LIGHTING_ASSOCIATION = ASSOCIATIONS_BY_SECTOR["lighting"].name
SANITATION_ASSOCIATION = ASSOCIATIONS_BY_SECTOR["sanitation"].name
MUCK_ASSOCIATION = ASSOCIATIONS_BY_SECTOR["muck"].name

ISSUING_BODIES: tuple[IssuingBodySpec, ...] = (
    IssuingBodySpec(COMMITTEE, "市城管委", "11510100MB1C36517N", 10),
    IssuingBodySpec(PEOPLES_CONGRESS, "市人大常委会", uscc("11510100", "00830230"), 20),
    IssuingBodySpec(CITY_GOVERNMENT, "市政府", uscc("11510100", "00830214"), 30),
    IssuingBodySpec(CITY_GOVERNMENT_OFFICE, "市政府办公厅", uscc("11510100", "00830206"), 40),
    IssuingBodySpec(PROVINCE_HOUSING, "省住房城乡建设厅", uscc("11510000", "00801234"), 50),
    IssuingBodySpec(MARKET_REGULATION, "市市场监管局", uscc("11510100", "MB1C4321"), 60),
    IssuingBodySpec(LIGHTING_ASSOCIATION, ASSOCIATIONS_BY_SECTOR["lighting"].short_name,
                    ASSOCIATIONS_BY_SECTOR["lighting"].uscc, 70),
    IssuingBodySpec(SANITATION_ASSOCIATION, ASSOCIATIONS_BY_SECTOR["sanitation"].short_name,
                    ASSOCIATIONS_BY_SECTOR["sanitation"].uscc, 80),
    IssuingBodySpec(MUCK_ASSOCIATION, ASSOCIATIONS_BY_SECTOR["muck"].short_name,
                    ASSOCIATIONS_BY_SECTOR["muck"].uscc, 90),
)


# --- The policies, in import order (data/policies.jsonl) -----------------------------------------------------

POLICIES_FILE = Path(__file__).resolve().parent / "data" / "policies.jsonl"


def _load_policies(path: Path) -> tuple[dict, ...]:
    """The records of a JSON Lines file (blank lines skipped), as the import reads them."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


POLICIES: tuple[dict, ...] = _load_policies(POLICIES_FILE)


def _paragraphs(body: str) -> list[str]:
    """The paragraphs of a plain-text body (blank-line separated)."""
    return [p.strip() for p in body.split("\n\n") if p.strip()]


# --- Attachments ------------------------------------------------------------------------------------------------


def _policy(document_number: str) -> dict:
    return next(p for p in POLICIES if p.get("document_number") == document_number)


def _pdf_of(document_number: str) -> bytes:
    policy = _policy(document_number)
    return pdf_document(
        policy["title"],
        [policy["document_number"], *_paragraphs(policy["body"])],
        when=date.fromisoformat(policy["date_published"]),
        author=policy["issuing_body"],
    )


def _fee_table() -> bytes:
    policy = _policy("成城管发〔2022〕36号")
    table = next(block for block in policy["body"] if block["type"] == "table")
    header, *rows = table["rows"]
    priced = [[*row[:3], float(row[3])] for row in rows]
    return xlsx_workbook(
        "环卫作业费用指导标准价格表（成城管发〔2022〕36号）",
        [*header, "备注"],
        [[*row, "含人工、机械、耗材、管理费和合理利润"] for row in priced],
        when=date(2022, 8, 29),
        author=COMMITTEE,
        sheet_name="指导价",
        notes=["说明：指导价为政府购买环卫作业服务的预算和招标控制价参考，每两年评估调整一次。"],
    )


def _credit_indicators() -> bytes:
    rows = [
        ["基础信息", "企业资质与人员配备", 10, "资质有效、专业技术人员满足要求得满分"],
        ["基础信息", "设备与场地", 10, "按设备台账核定"],
        ["良好行为", "养护质量考核优良", 20, "年度考核优秀得20分，良好得12分"],
        ["良好行为", "获得表彰奖励", 10, "市级以上表彰每项5分，最高10分"],
        ["不良行为", "维修超时", -10, "每次扣2分"],
        ["不良行为", "安全生产事故", -30, "发生一般事故扣30分"],
        ["不良行为", "群众投诉查实", -10, "每件扣1分"],
    ]
    return xlsx_workbook(
        "市政设施养护维修企业信用评价指标及评分标准",
        ["类别", "指标", "分值", "评分方法"],
        rows,
        when=date(2023, 6, 30),
        author=COMMITTEE,
        sheet_name="评价指标",
        notes=["信用等级：AAA ≥ 90分，AA 80–89分，A 70–79分，B 60–69分，C < 60分。"],
    )


def _expert_list() -> bytes:
    fields = ["城市照明", "户外广告", "环境卫生", "市政设施", "餐厨垃圾处置", "再生资源", "机动车清洗", "渣土运输"]
    titles = ["正高级", "副高级", "中级"]
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
    given = ["建国", "丽华", "志强", "晓燕", "海涛", "文静", "光明", "秀英", "德胜", "雪梅", "永刚", "春燕"]
    rows = []
    for i in range(62):
        name = surnames[i % len(surnames)] + given[(i * 7) % len(given)]
        rows.append([i + 1, name, fields[i % len(fields)], titles[i % 3], "行业协会推荐"])
    return xlsx_workbook(
        "成都市城市管理领域行业协会专家库首批入库专家名单",
        ["序号", "姓名", "专业领域", "职称", "推荐方式"],
        rows,
        when=date(2024, 7, 10),
        author=COMMITTEE,
        sheet_name="入库专家",
    )


def _pledge_form() -> bytes:
    return docx_document(
        "建筑垃圾运输处置核准告知承诺书",
        [
            "成都市城市管理委员会：",
            "本单位申请建筑垃圾运输处置核准（清运证），已知晓审批部门告知的全部审批条件和所需材料，现郑重承诺：",
            "一、所提交的材料真实、有效，本单位符合审批条件；",
            "二、容缺的材料将在作出审批决定之日起30日内补齐；",
            "三、如承诺不实，愿意接受撤销审批决定的处理，并承担相应法律责任，同意将失信信息记入企业信用记录。",
        ],
        when=date(2024, 3, 18),
        author=COMMITTEE,
        table=[["项目", "填写内容"], ["申请单位", ""], ["统一社会信用代码", ""], ["工程名称", ""], ["运输车辆数", ""]],
        closing=["承诺单位（盖章）：", "法定代表人（签字）：", "年    月    日"],
    )


def _symposium_reply() -> bytes:
    return docx_document(
        "城市管理领域行业协会交流座谈会参会回执",
        ["请于2023年10月30日前将本回执报送市城管委办公室。"],
        when=date(2023, 10, 26),
        author=COMMITTEE,
        table=[
            ["协会名称", "参会人员", "职务", "联系电话", "书面建议（是/否）"],
            ["", "", "", "", ""],
            ["", "", "", "", ""],
        ],
        closing=["成都市城市管理委员会办公室"],
    )


def _award_entry_form() -> bytes:
    return docx_document(
        "2024年成都市户外广告招牌评比报名表",
        ["请如实填写，连同设计图和实景照片于2024年6月30日前报送四川省广告协会。"],
        when=date(2024, 4, 18),
        author=COMMITTEE,
        table=[
            ["项目", "内容"],
            ["参评类别", "□最美招牌 □最美街区 □创意户外广告"],
            ["申报单位", ""],
            ["设置地点", ""],
            ["设置时间", ""],
            ["设计说明", ""],
        ],
        closing=["申报单位（盖章）", "年    月    日"],
    )


ATTACHMENTS: dict[str, Callable[[], bytes]] = {
    "成都市城市照明管理条例.pdf": lambda: _pdf_of("成都市人大常委会公告〔2023〕第12号"),
    "成都市餐厨垃圾管理办法.pdf": lambda: _pdf_of("成都市人民政府令第231号"),
    "DB5101T108-2023道路照明维护管理规范.pdf": lambda: _pdf_of("DB5101/T 108-2023"),
    "DB5101T112-2023智慧多功能灯杆设备及材料技术规范.pdf": lambda: _pdf_of("DB5101/T 112-2023"),
    "环卫作业费用指导标准价格表.xlsx": _fee_table,
    "市政设施养护维修企业信用评价指标.xlsx": _credit_indicators,
    "首批入库专家名单.xlsx": _expert_list,
    "清运证审批告知承诺书.docx": _pledge_form,
    "座谈会参会回执.docx": _symposium_reply,
    "户外广告招牌评比报名表.docx": _award_entry_form,
}
