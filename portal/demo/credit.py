"""The demo credit ratings (行业信用评价) of seed_demo, written through the real credit services.

《成都市市政设施养护维修行业企业信用评价办法（试行）》 of 成都市城市管理委员会 covers the municipal-facility and the
road-lighting sectors (road lighting is a municipal facility): base 60, 20 indicators, AAA ≥ 90 … C < 60, 公示 and
objections 5 working days, answers within 5 working days, ratings valid 365 days, the black list for any 严重
record or five 一般 records within 12 months, the red list for AAA in two consecutive final rounds.

History is replayed at its past dates (``replaying`` from portal/demo/consultations.py), so the services enforce
their windows and write real audit entries. Dates are relative to the day of the seed run: the current round of
each sector was published two working days before it and is still in its 公示 and objection window; the rounds of
one and two years before are final (the older one superseded). Along the way:

* the member firms of the lighting and municipal associations get records from deterministic profiles — basic
  information, yearly maintenance appraisals, awards, and bad conduct of every severity, each with a generated
  PDF as evidence where the indicator needs one; the lighting association submits association-sourced records
  (awards, 自律公约 violations) that the committee approves, and one submission is still pending;
* 成都蓉光照明工程有限公司 (firm@demo.local) self-declares a certificate, wins an upheld objection against last
  year's rating in 公示 (the wrong record is revoked and the rating gets a second version), repairs a late
  street-light repair record (信用修复, approved), and has an objection to a record pending now;
* a municipal firm is put on the black list by the rule (a 严重 safety accident), five firms on the red list
  (AAA in both final rounds); one record is corrected by a new record that revokes it.

When the seed day or the windows still open on it (HORIZON_DAYS) reach a year chinese-calendar does not know
(2027 onwards), the step declares that year (plain Monday–Friday working days) through core.services, with a note.
Idempotent: when a scheme of the family exists the step creates nothing. One audit entry (actor ``seed_demo``)
records what the step created.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from associations.models import Association, Firm
from core import workdays
from core.audit import audit_log
from core.models import CalendarYear
from core.services import calendar_year_declare
from credit import services
from credit.models import (
    Category,
    CreditEvent,
    CreditScheme,
    Indicator,
    ListEntry,
    Objection,
    Rating,
    RatingRound,
    Repair,
    SchemeLevel,
    Severity,
    Source,
)

from .accounts import DEMO_FIRM, LIGHTING
from .attachments import pdf_document
from .consultations import ADMIN_EMAIL, replaying
from .organisations import ASSOCIATIONS_BY_SECTOR, COMMITTEE_NAME, demo_data

FAMILY = "municipal-maintenance"
SCHEME_NAME = "成都市市政设施养护维修行业企业信用评价办法（试行）"
MUNICIPAL = ASSOCIATIONS_BY_SECTOR["municipal"].name
SECTORS = {"lighting": LIGHTING, "municipal": MUNICIPAL}
ROUND_NAMES = {"lighting": "{year}年度道路照明设施维护企业信用评价",
               "municipal": "{year}年度市政设施养护维修企业信用评价"}
EDITOR_EMAIL, LIGHTING_EMAIL, FIRM_EMAIL = "editor@demo.local", "lighting@demo.local", "firm@demo.local"
RNG_SEED = 20240601
HORIZON_DAYS = 30  # the windows still open on the seed day end within this many days
LEGAL_BASIS = (
    "《四川省社会信用条例》《成都市社会信用条例》《城市道路管理条例》《成都市城市照明管理条例》；《国务院办公厅关于"
    "进一步完善失信约束制度构建诚信建设长效机制的指导意见》（国办发〔2020〕49号）。本办法为市城管委行政规范性文件，"
    "适用于本市市政设施（含道路照明设施）养护维修企业的信用评价。"
)
LEVELS = (("AAA", 90, "信用优秀"), ("AA", 80, "信用良好"), ("A", 70, "信用较好"), ("B", 60, "信用一般"),
          ("C", 0, "信用较差"))

B, G, X = Category.BASIC, Category.GOOD, Category.BAD
SEVERE, GENERAL, MINOR = Severity.SEVERE, Severity.GENERAL, Severity.MINOR
# code, name, category, severity, points, lowest, highest, evidence required, min days, max days, legal basis
INDICATORS = (
    ("J01", "具备相应资质且资质证书在有效期内", B, "", 4, 0, 4, False, 365, 1095, "《建筑业企业资质管理规定》"),
    ("J02", "按规定报送企业基本信息和养护作业台账", B, "", 3, 0, 3, False, 365, 1095,
     "《企业信息公示暂行条例》；本办法第九条"),
    ("J03", "通过质量、环境和职业健康安全管理体系认证", B, "", 3, 0, 3, True, 365, 1095,
     "《中华人民共和国认证认可条例》"),
    ("L01", "按期完成年度养护任务且考核优良", G, "", 8, 4, 10, True, 365, 365,
     "《城市道路管理条例》；《成都市市政设施养护维修考核办法》"),
    ("L02", "获市级及以上行业主管部门表彰", G, "", 6, 3, 8, True, 365, 1095, "本办法第十二条"),
    ("L03", "获行业协会表彰", G, "", 3, 1, 4, True, 365, 730, "协会章程；《市政设施养护维修行业自律公约》"),
    ("L04", "安全生产标准化达标（二级及以上）", G, "", 5, 3, 6, True, 365, 1095, "《中华人民共和国安全生产法》第四条"),
    ("L05", "参与抢险救灾和重大活动保障表现突出", G, "", 4, 2, 6, True, 365, 730,
     "《成都市城市照明管理条例》；《城市道路管理条例》"),
    ("L06", "获得相关专利授权或参编行业标准", G, "", 3, 1, 4, True, 365, 1095, "《中华人民共和国标准化法》"),
    ("L07", "参与行业公益活动", G, "", 2, 1, 3, False, 180, 365, "本办法第十二条"),
    ("B01", "未按规定时间修复路灯故障", X, GENERAL, -3, -5, -1, True, 90, 365,
     "《成都市城市照明管理条例》；《道路照明维护管理规范》（DB5101/T 108-2023）"),
    ("B02", "养护作业未按规定设置安全警示标志", X, MINOR, -2, -3, -1, True, 90, 180, "《城市道路管理条例》"),
    ("B03", "养护质量考核不合格", X, GENERAL, -5, -8, -3, True, 180, 365, "《成都市市政设施养护维修考核办法》"),
    ("B04", "违反行业自律公约", X, MINOR, -2, -4, -1, True, 90, 180, "《市政设施养护维修行业自律公约》"),
    ("B05", "拒不配合行业主管部门监督检查", X, GENERAL, -5, -8, -3, True, 180, 365,
     "《城市道路管理条例》；本办法第十四条"),
    ("B06", "虚报养护工程量或伪造养护记录", X, SEVERE, -15, -20, -10, True, 365, 1095, "《四川省社会信用条例》"),
    ("B07", "拖欠农民工工资被认定", X, SEVERE, -15, -20, -10, True, 365, 1095, "《保障农民工工资支付条例》"),
    ("B08", "发生一般生产安全事故", X, SEVERE, -20, -30, -15, True, 365, 1095,
     "《中华人民共和国安全生产法》；《生产安全事故报告和调查处理条例》"),
    ("B09", "未按规定时限处置井盖缺失、破损等安全隐患", X, GENERAL, -4, -6, -2, True, 90, 365, "《城市道路管理条例》"),
    ("B10", "受到城市管理领域行政处罚", X, GENERAL, -6, -10, -3, True, 365, 1095, "《中华人民共和国行政处罚法》"),
)

CITY = COMMITTEE_NAME
# code: the fact (firm-level only), issuer, document number, document title. {y} year, {n} serial; the firm's
# association: {a} short name, {i} name, {d} prefix of its document numbers.
FACTS = {
    "J01": ("具备相应施工资质，资质证书在有效期内并通过年度核验", "", "", ""),
    "J02": ("按规定报送企业基本信息和养护作业台账", "", "", ""),
    "J03": ("通过质量、环境和职业健康安全管理体系认证", "中国质量认证中心", "00{y}Q3{n:04d}R0M", "管理体系认证证书"),
    "L01": ("{y}年度养护维修考核综合评定为优秀", CITY, "成城管考〔{y}〕{n}号", "关于养护维修考核结果的通报"),
    "L02": ("被市城管委评为{y}年度城市管理工作先进集体", CITY, "成城管发〔{y}〕{n}号",
            "关于表扬城市管理工作先进集体的通报"),
    "L03": ("被{a}评为{y}年度优秀会员单位", "{i}", "{d}〔{y}〕{n}号", "关于表彰优秀会员单位的决定"),
    "L04": ("通过安全生产标准化二级达标评审", "成都市应急管理局", "成应急标〔{y}〕{n}号", "安全生产标准化达标企业公告"),
    "L05": ("在{y}年汛期道路设施抢险保障中表现突出", CITY, "成城管函〔{y}〕{n}号", "关于抢险保障工作的感谢信"),
    "L06": ("获得设施养护维修相关实用新型专利授权", "国家知识产权局", "ZL{y}2{n:07d}.3", "实用新型专利证书"),
    "L07": ("参与“城管进社区”行业公益服务活动", "", "", ""),
    "B01": ("路灯故障经督办后未在规定时限内修复", CITY, "成城管照督〔{y}〕{n}号", "城市照明设施维修督办通知书"),
    "B02": ("道路养护作业现场未按规定设置安全警示标志", CITY, "成城管督〔{y}〕{n}号", "市政设施养护问题整改通知书"),
    "B03": ("季度养护质量考核不合格", CITY, "成城管考〔{y}〕{n}号", "关于养护质量季度考核情况的通报"),
    "B04": ("违反行业自律公约，以低于成本的报价参与养护项目竞争", "{i}", "{d}〔{y}〕{n}号",
            "关于违反行业自律公约的通报"),
    "B05": ("无正当理由拒不配合行业主管部门监督检查", CITY, "成城管督〔{y}〕{n}号", "监督检查情况记录"),
    "B06": ("虚报养护工程量，伪造养护作业记录", "成都市城市管理综合行政执法局", "成城执罚决字〔{y}〕第{n}号",
            "行政处罚决定书"),
    "B07": ("拖欠农民工工资，经人力资源社会保障部门认定", "成都市人力资源和社会保障局", "成人社监处〔{y}〕{n}号",
            "拖欠农民工工资认定书"),
    "B08": ("养护作业中发生一般生产安全事故（1人死亡）", "成都市应急管理局", "成应急罚〔{y}〕{n}号", "行政处罚决定书"),
    "B09": ("检查井盖缺失隐患未在规定时限内处置", CITY, "成城管督〔{y}〕{n}号", "市政设施安全隐患督办通知书"),
    "B10": ("占道养护作业未按审批要求实施，受到行政处罚", "成都市城市管理综合行政执法局", "成城执罚决字〔{y}〕第{n}号",
            "行政处罚决定书"),
}
ASSOCIATION_DOC = {"lighting": "川照协", "municipal": "成市政管协"}


@dataclass(frozen=True)
class Rec:
    """One record: indicator, the round (0 oldest … 2 current) whose rating date it is dated from, days before it."""

    code: str
    k: int
    before: int
    points: int | None = None  # default: the indicator's
    via: str = "committee"  # or "association" (submitted, approved next day) or "firm" (self-declared)
    key: str = ""  # a name for the story actions that need the record later


# Firms that reach AAA in both final rounds: the red list.
EXCELLENT = (Rec("J01", 0, 300), Rec("J02", 0, 250), Rec("J03", 0, 200), Rec("L02", 0, 150), Rec("L04", 0, 100),
             Rec("L01", 0, 40, 10), Rec("L01", 1, 40, 10), Rec("L01", 2, 40, 9))
EXCELLENT_EXTRA = (Rec("L03", 1, 60, via="association"), Rec("L06", 1, 90), Rec("L05", 1, 75), Rec("L03", 1, 60))
DEMO_FIRM_RECORDS = (
    Rec("J01", 0, 300), Rec("J02", 0, 260), Rec("J03", 1, 100, via="firm"), Rec("L01", 0, 40, 8), Rec("L01", 1, 40, 8),
    Rec("L02", 1, 120), Rec("L01", 2, 40, 9), Rec("L05", 2, 80),
    Rec("B05", 1, 60, key="contested"),  # wrongly recorded: revoked on the firm's objection to last year's rating
    Rec("B01", 2, 200, key="repaired"),  # repaired 100 days later
    Rec("B02", 2, 30, key="pending"),  # contested now
)
BLACK_LISTED = (Rec("J01", 0, 280), Rec("L01", 0, 40, 6), Rec("L01", 1, 40, 5), Rec("B03", 1, 100),
                Rec("B08", 2, 120))
CORRECTED = Rec("B03", 2, 90, points=-8, key="corrected")  # corrected to −5 the next day
GOOD_EXTRAS, BAD_ORDINARY = ("L03", "L05", "L06", "L07"), ("B01", "B02", "B03", "B04", "B05", "B09", "B10")


def ordinary_records(rng: random.Random, sector: str) -> list[Rec]:
    """Basic information, some yearly appraisals, an extra good record now and then, up to two bad ones."""
    recs = [Rec("J01", 0, rng.randint(200, 330))]
    if rng.random() < 0.7:
        recs.append(Rec("J02", rng.randint(0, 1), rng.randint(150, 300)))
    if rng.random() < 0.3:
        recs.append(Rec("J03", 1, rng.randint(60, 300)))
    recs += [Rec("L01", k, 40, rng.randint(4, 8)) for k in range(3) if rng.random() < 0.65]
    if rng.random() < 0.4:
        code = rng.choice(GOOD_EXTRAS)
        via = "association" if code == "L03" and sector == "lighting" else "committee"
        recs.append(Rec(code, rng.randint(0, 2), rng.randint(30, 300), via=via))
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        code = rng.choice(BAD_ORDINARY)
        via = "association" if code == "B04" and sector == "lighting" else "committee"
        recs.append(Rec(code, rng.randint(0, 2), rng.randint(10, 160), via=via))
    return recs


# --- Dates ------------------------------------------------------------------------------------------------------


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def workdays_before(day: date, n: int) -> date:
    while n:
        day -= timedelta(days=1)
        n -= workdays.is_workday(day)
    return day


def first_workday(day: date) -> date:
    while not workdays.is_workday(day):
        day += timedelta(days=1)
    return day


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def declare_calendar_years(first: date, last: date, actor: str) -> list[int]:
    """Declare the years chinese-calendar does not know (demo only: plain Monday–Friday working days)."""
    unknown = [y for y in range(first.year, last.year + 1) if not workdays.package_knows(y)]
    declared = set(CalendarYear.objects.filter(year__in=unknown).values_list("year", flat=True))
    new = [y for y in unknown if y not in declared]
    for year in new:
        calendar_year_declare(actor=actor, year=year, note="演示数据：未录入法定节假日，按周一至周五计算工作日。")
    return new


@dataclass(frozen=True)
class Timeline:
    """The rating dates (as_of) and publication days of the three rounds, oldest first."""

    today: date
    as_of: tuple[date, date, date]
    published: tuple[date, date, date]

    @classmethod
    def for_today(cls, today: date) -> "Timeline":
        current = workdays_before(today, 2)  # still in its 公示 and objection window today
        as_of2 = current - timedelta(days=10)
        as_of = (years_before(as_of2, 2), years_before(as_of2, 1), as_of2)
        published = (first_workday(as_of[0] + timedelta(days=10)), first_workday(as_of[1] + timedelta(days=10)),
                     current)
        return cls(today, as_of, published)

    def workday_after(self, k: int, n: int) -> date:
        return workdays.add_workdays(self.published[k], n)

    def round_year(self, k: int) -> int:
        return (self.as_of[k] - timedelta(days=45)).year  # a round in early January rates the year before


# --- The step ---------------------------------------------------------------------------------------------------


def _user(email: str):
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    return address.user if address else get_user_model().objects.get(email__iexact=email)


def evidence_pdf(title: str, issuer: str, doc_no: str, firm: Firm, fact: str, day: date) -> SimpleUploadedFile:
    paragraphs = [doc_no, f"{firm.name}（统一社会信用代码：{firm.uscc}）：", f"{fact}。", f"{issuer}", day.isoformat()]
    data = pdf_document(title, paragraphs, when=day, author=issuer)
    return SimpleUploadedFile(f"{title}.pdf", data, content_type="application/pdf")


class _Run:
    """Collects the actions of the story with their moments, then replays them in order."""

    def __init__(self, today: date):
        self.t = Timeline.for_today(today)
        self.actions: list[tuple[datetime, int, Callable[[], None]]] = []
        self.keyed: dict[str, CreditEvent] = {}
        self.rounds: dict[tuple[str, int], RatingRound] = {}
        self.serial = 0
        self.events = self.objections = self.repairs = 0
        self.upheld: Objection | None = None  # filed, then decided
        self.repair: Repair | None = None

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        self.actions.append((when, len(self.actions), action))

    def replay(self) -> None:
        for when, _index, action in sorted(self.actions, key=lambda a: a[:2]):
            with replaying(when):
                action()

    def load(self) -> None:
        self.admin, self.editor = _user(ADMIN_EMAIL), _user(EDITOR_EMAIL)
        self.lighting_staff, self.firm_user = _user(LIGHTING_EMAIL), _user(FIRM_EMAIL)
        self.associations = {s: Association.objects.get(name=name) for s, name in SECTORS.items()}
        data = demo_data()
        usccs = {s: [m.firm_uscc for m in data.memberships if m.association == name] for s, name in SECTORS.items()}
        firms = Firm.objects.in_bulk([u for codes in usccs.values() for u in codes], field_name="uscc")
        self.members = {s: [firms[u] for u in codes] for s, codes in usccs.items()}
        self.demo_firm = Firm.objects.get(uscc=data.firm_named(DEMO_FIRM).uscc)

    # -- The scheme --

    def scheme(self) -> None:
        first = self.t.as_of[0] - timedelta(days=330)
        effective = date(first.year, first.month, 1)
        with replaying(moment(effective - timedelta(days=12), 10)):
            scheme = CreditScheme.objects.create(
                name=SCHEME_NAME, family=FAMILY, version=f"{effective.year}年版", issuing_authority=COMMITTEE_NAME,
                legal_basis=LEGAL_BASIS, sectors=list(SECTORS), effective_from=effective, base_score=60,
                basic_cap=10, good_cap=30, bad_cap=60)
            for name, minimum, description in LEVELS:
                SchemeLevel.objects.create(scheme=scheme, name=name, min_score=minimum, description=description)
            Indicator.objects.bulk_create(
                Indicator(scheme=scheme, code=code, name=name, category=cat, severity=sev, points=pts, points_min=lo,
                          points_max=hi, evidence_required=ev, publish_min_days=dmin, publish_max_days=dmax,
                          legal_basis=basis, sort_order=i)
                for i, (code, name, cat, sev, pts, lo, hi, ev, dmin, dmax, basis) in enumerate(INDICATORS))
        with replaying(moment(effective - timedelta(days=10), 10)):
            self.scheme_obj = services.scheme_put_in_force(actor=self.admin, scheme=scheme)
        self.indicators = {i.code: i for i in self.scheme_obj.indicators.all()}

    # -- Records --

    def record(self, firm: Firm, sector: str, rec: Rec) -> None:
        """Schedule the record: recorded by the committee on its start, or submitted or declared before it and
        approved on its start."""
        indicator = self.indicators[rec.code]
        start = self.t.as_of[rec.k] - timedelta(days=rec.before)
        occurred = start - timedelta(days=12) if indicator.category == Category.BAD else start
        self.serial += 1
        minute = self.serial % 60
        association = ASSOCIATIONS_BY_SECTOR[sector]
        fact, issuer, doc_no, title = (
            text.format(y=start.year, n=10 + self.serial % 90, a=association.short_name, i=association.name,
                        d=ASSOCIATION_DOC[sector]) for text in FACTS[rec.code])
        fields = {"summary": fact, "occurred_on": occurred, "effective_from": start,
                  "expires_on": start + timedelta(days=indicator.publish_max_days - 1),
                  "points": rec.points}
        slot: dict[str, CreditEvent] = {}

        def keep(event: CreditEvent) -> None:
            self.events += 1
            slot["event"] = event
            if rec.key:
                self.keyed[rec.key] = event

        def evidence() -> dict:
            if not indicator.evidence_required:
                return {}
            return {"evidence_doc_no": doc_no, "evidence_issuer": issuer,
                    "evidence_upload": evidence_pdf(title, issuer, doc_no, firm, fact, start)}

        def approve() -> None:
            services.event_approve(actor=self.editor, event=slot["event"])

        if rec.via == "association":
            self.at(moment(start - timedelta(days=1), 16, minute), lambda: keep(services.event_submit(
                actor=self.lighting_staff, association=self.associations[sector], firm=firm, indicator=indicator,
                **fields, **evidence())))
            self.at(moment(start, 9, minute), approve)
        elif rec.via == "firm":
            self.at(moment(start - timedelta(days=2), 11, minute), lambda: keep(services.event_declare(
                actor=self.firm_user, firm=firm, indicator=indicator, **fields, **evidence())))
            self.at(moment(start, 9, minute), approve)
        else:
            source = (Source.ASSOCIATION if rec.code in ("L03", "B04")
                      else Source.PUBLIC if rec.code in ("B01", "B09") and self.serial % 3 == 0 else Source.AUTHORITY)
            self.at(moment(start, 10, minute), lambda: keep(services.event_record(
                actor=self.editor, firm=firm, indicator=indicator, source=source, **fields, **evidence())))

    def records(self) -> None:
        rng = random.Random(RNG_SEED)  # noqa: S311 — demo data
        lighting, municipal = self.members["lighting"], self.members["municipal"]
        special = {self.demo_firm.pk}
        for rec in DEMO_FIRM_RECORDS:
            self.record(self.demo_firm, "lighting", rec)
        for index, (sector, firm) in enumerate([("lighting", f) for f in lighting[1:4]]
                                               + [("municipal", f) for f in municipal[:2]]):
            special.add(firm.pk)
            extra = EXCELLENT_EXTRA[index % len(EXCELLENT_EXTRA)]
            if extra.via == "association" and sector != "lighting":
                extra = Rec(extra.code, extra.k, extra.before)
            for rec in (*EXCELLENT, extra):
                self.record(firm, sector, rec)
        black, corrected = municipal[5], municipal[6]
        special |= {black.pk, corrected.pk}
        for rec in BLACK_LISTED:
            self.record(black, "municipal", rec)
        self.record(corrected, "municipal", Rec("J01", 0, 240))
        self.record(corrected, "municipal", CORRECTED)
        self.at(moment(self.t.as_of[2] - timedelta(days=89), 15), lambda: services.event_correct(
            actor=self.admin, event=self.keyed["corrected"], points=Decimal(-5),
            reason="考核通报载明的扣分为5分，原记录误录为8分，予以更正。"))
        for sector, firms in self.members.items():
            for firm in firms:
                if firm.pk not in special:
                    for rec in ordinary_records(rng, sector):
                        self.record(firm, sector, rec)
        # An association submission still pending review.
        self.at(moment(self.t.workday_after(2, 1), 11), lambda: services.event_submit(
            actor=self.lighting_staff, association=self.associations["lighting"], firm=lighting[4],
            indicator=self.indicators["L07"], summary="参与“城市照明进社区”义务检修公益活动",
            occurred_on=self.t.workday_after(2, 1) - timedelta(days=7)))

    # -- Rounds --

    def round(self, sector: str, k: int) -> None:
        """Opened and computed after the rating date, published; the older two finalised after their 公示."""
        t, key = self.t, (sector, k)

        def open_():
            self.rounds[key] = services.round_open(
                actor=self.editor, scheme=self.scheme_obj, sector=sector, as_of=t.as_of[k],
                name=ROUND_NAMES[sector].format(year=t.round_year(k)))

        self.at(moment(t.as_of[k] + timedelta(days=5), 9, 30), open_)
        self.at(moment(t.as_of[k] + timedelta(days=6), 10), lambda: services.round_compute(
            actor=self.editor, rating_round=self.rounds[key]))
        self.at(moment(t.published[k], 10), lambda: services.round_publish(
            actor=self.admin, rating_round=self.rounds[key]))
        if k < 2:
            finalise = workdays.add_workdays(t.workday_after(k, self.scheme_obj.notice_workdays), 1)
            self.at(moment(finalise, 10), lambda: services.round_finalise(actor=self.admin,
                                                                          rating_round=self.rounds[key]))

    # -- Objections and repairs of firm@demo.local's firm --

    def requests(self) -> None:
        t, firm, user = self.t, self.demo_firm, self.firm_user

        def rating(k):
            return Rating.objects.current().get(round=self.rounds["lighting", k], firm=firm)

        def upload(title, text, day):
            return evidence_pdf(title, firm.name, "", firm, text, day)

        def object_to_rating():
            self.upheld = services.objection_file(
                actor=user, firm=firm, rating=rating(1),
                reason="评价结果中记录“拒不配合行业主管部门监督检查”（扣5分）与事实不符：当日接受检查的是另一家名称相近的"
                       "企业，本公司当日在锦江区执行路灯抢修任务，有派工单和现场照片为证。",
                evidence_upload=upload("情况说明及派工记录", "当日派工单及现场照片说明", t.workday_after(1, 1)))
            self.objections += 1

        self.at(moment(t.workday_after(1, 1), 15), object_to_rating)
        self.at(moment(t.workday_after(1, 3), 16), lambda: services.objection_decide(
            actor=self.admin, objection=self.upheld, upheld=True, revoke_events=[self.keyed["contested"]],
            decision="经核查监督检查记录和现场执法记录仪视频，被检查单位为另一企业，原记录认定对象有误，撤销该记录，"
                     "重新计算本轮信用评价结果。"))

        repaired_start = t.as_of[2] - timedelta(days=200)

        def apply_repair():
            self.repair = services.repair_apply(
                actor=user, event=self.keyed["repaired"],
                statement="已增配夜间抢修班组和备品备件，建立故障工单两小时响应机制，近三个月单灯故障均在24小时内修复。",
                pledge_upload=upload("信用承诺书", "本公司承诺依法诚信经营，按规定时限修复道路照明设施故障。",
                                     repaired_start + timedelta(days=95)),
                evidence_upload=upload("整改报告", "整改措施及近三个月故障修复台账。",
                                       repaired_start + timedelta(days=95)))
            self.repairs += 1

        self.at(moment(repaired_start + timedelta(days=95), 10), apply_repair)
        self.at(moment(repaired_start + timedelta(days=100), 15), lambda: services.repair_decide(
            actor=self.admin, repair=self.repair, approve=True,
            decision="已按要求提交信用承诺书和整改材料，整改到位，最短公示期已满，同意信用修复，提前终止公示。"))

        def object_to_record():
            services.objection_file(
                actor=user, firm=firm, event=self.keyed["pending"],
                reason="该作业点位已按规定设置锥桶和警示灯，检查时警示牌被过往车辆碰倒，已当场恢复，有现场照片和作业日志为证。",
                evidence_upload=upload("现场照片及作业日志", "作业现场警示标志设置照片和当日作业日志。",
                                       t.workday_after(2, 1)))
            self.objections += 1

        self.at(moment(t.workday_after(2, 1), 15), object_to_record)


def seed_credit() -> str:
    """The demo credit scheme, records, rounds, objections, repair and lists; nothing when the scheme exists."""
    from .steps import ACTOR  # steps imports this module

    if CreditScheme.objects.filter(family=FAMILY).exists():
        return "信用评价：评价办法已存在，未新建"
    today = timezone.localdate()
    # Before any working-day arithmetic: the rounds reach back two years, the open windows a few weeks ahead.
    years = declare_calendar_years(date(today.year - 3, 1, 1), today + timedelta(days=HORIZON_DAYS), ACTOR)
    run = _Run(today)
    run.load()
    run.scheme()
    run.records()
    for sector in SECTORS:
        for k in range(3):
            run.round(sector, k)
    run.requests()
    run.replay()
    rounds = RatingRound.objects.filter(scheme=run.scheme_obj)
    final, notice = rounds.filter(state="final").count(), rounds.filter(state="published").count()
    lists = ListEntry.objects.active().filter(scheme__family=FAMILY)
    red, black = lists.filter(kind="red").count(), lists.filter(kind="black").count()
    audit_log(actor=ACTOR, action="portal.seed_demo.credit",
              data={"scheme": run.scheme_obj.pk, "records": run.events, "rounds": len(run.rounds),
                    "objections": run.objections, "repairs": run.repairs, "red": red, "black": black,
                    "calendar_years": years})
    return (f"信用评价：新建评价办法 1 个（指标 {len(INDICATORS)} 项），信用记录 {run.events} 条，评价轮次 "
            f"{len(run.rounds)} 个（已生效 {final} 个、公示中 {notice} 个），异议 {run.objections} 件，信用修复 "
            f"{run.repairs} 件，红名单 {red} 家，黑名单 {black} 家")
