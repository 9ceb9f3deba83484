"""The demo consultations (征求意见) of seed_demo, written through the real services.

Three consultations tell the story of the committee consulting the associations:

* 成都市餐厨垃圾管理办法（征求意见稿） — open now (from 10 days ago to 25 days ahead), four associations invited,
  open to member firms, comments public. The 餐厨 and 再生资源 associations and one member firm have commented,
  including a consolidated association comment (协会汇总意见) that adopts two member firms' points. The
  环境卫生协会 (sanitation@demo.local) has not commented yet: that is left for the demo visitor (and the
  browser journey), e.g. on 第五条.
* 道路照明维护管理规范（征求意见稿） — a standard consulted 60 to 30 days ago, answered (采纳 / 部分采纳 /
  不采纳 / 不属于本文件调整范围, one group of duplicates, one answer revised before publication), revised into a
  second version (one article inserted, so the later ones are renumbered) and its outcome published 10 days ago.
* 成都市户外广告设施设置管理规定（征求意见稿） — a 规章 starting in 5 days. Every kind used here has a
  calendar-day minimum (30 days) or none, so no working-day calendar for 2027 is needed, whenever the demo runs.

Replaying history: a consultation that is already closed and answered cannot be created as such in the present —
the services refuse, rightly, to publish a period that has ended or to take a comment outside its window. The
demo therefore *replays* each historical action at its past date: ``replaying(moment)`` patches
``django.utils.timezone.now`` for the duration of one action, so the services, the ``auto_now`` fields and the
audit log all see that moment. This is demo-only code; nothing in production moves the clock.

Idempotent: a consultation is looked up by title and, if found, left alone with everything in it; a reason
template by title. Commenters without a demo login (staff of three associations, users of two 餐厨 member firms)
are created with unusable passwords. One audit entry (actor ``seed_demo``) records what the step created; the
services write their own entries for everything else.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from unittest import mock

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from associations.models import Association, AssociationStaff, Firm, FirmUser
from associations.services import firm_user_bind, staff_bind
from consultations import permissions, services
from consultations.models import Audience, Comment, Consultation, Kind, ReasonTemplate, Result, Visibility
from core.audit import audit_log

from .accounts import LIGHTING, SANITATION, STAFF_ADMIN
from .organisations import ASSOCIATIONS_BY_SECTOR, demo_data

DATA = Path(__file__).parent / "data"
ADMIN_EMAIL = "committee@demo.local"

OPEN_TITLE = "成都市餐厨垃圾管理办法（征求意见稿）"
CLOSED_TITLE = "道路照明维护管理规范（征求意见稿）"
UPCOMING_TITLE = "成都市户外广告设施设置管理规定（征求意见稿）"
TITLES = (CLOSED_TITLE, OPEN_TITLE, UPCOMING_TITLE)

KITCHEN = ASSOCIATIONS_BY_SECTOR["kitchen_waste"]
RECYCLING = ASSOCIATIONS_BY_SECTOR["recycling"]
MUNICIPAL = ASSOCIATIONS_BY_SECTOR["municipal"]
KITCHEN_FIRM = KITCHEN.anchor_firms[0]  # 成都蓉城餐厨废弃物处理有限公司, the 会长单位


@contextmanager
def replaying(moment: datetime) -> Iterator[None]:
    """Demo only: run the real services as if it were ``moment`` (see the module docstring)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@dataclass(frozen=True)
class Timeline:
    """Moments relative to the day of the seed run, in Asia/Shanghai."""

    today: date

    def at(self, days: int, hour: int, minute: int = 0) -> datetime:
        day = self.today + timedelta(days=days)
        return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


# --- Who comments ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commenter:
    """A user without a demo login, created only to submit the demo comments (unusable password)."""

    email: str
    full_name: str
    association: str = ""  # bound as staff of this association
    firm: str = ""  # or as a user of this firm ("" with firm_index: a 餐厨 member picked from the demo data)
    firm_index: int = 0


COMMENTERS = (
    Commenter("kitchen_waste@demo.local", KITCHEN.contact_person, association=KITCHEN.name),
    Commenter("recycling@demo.local", RECYCLING.contact_person, association=RECYCLING.name),
    Commenter("municipal@demo.local", MUNICIPAL.contact_person, association=MUNICIPAL.name),
    Commenter("kitchen-firm1@demo.local", "赵永强", firm=KITCHEN_FIRM),
    Commenter("kitchen-firm2@demo.local", "孙丽娟", firm_index=1),
)


def kitchen_member_firm(index: int) -> str:
    """The name of the index-th firm listed as a member of the 餐厨 association in the demo data."""
    data = demo_data()
    usccs = [m.firm_uscc for m in data.memberships if m.association == KITCHEN.name]
    return next(f.name for f in data.firms if f.uscc == usccs[index])


# --- What they say ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    """One comment (or, with ``point=True``, a member firm's draft point to its association)."""

    by: str  # email of the submitter
    day: int
    hour: int
    article: str  # label such as 第十条; "" for a general comment
    problem: str
    reason: str = ""
    suggestion: str = ""
    as_firm: bool = False  # speak as the user's firm rather than its association
    adopts: tuple[int, ...] = ()  # indexes into the points list


KITCHEN_POINTS = (
    Say("kitchen-firm1@demo.local", -7, 10, "第十条", "“每日至少收运一次”的要求对小微餐饮单位不经济。",
        "本公司服务的小型餐馆中，不少日产生量在10公斤左右，每日上门收运空驶率高。", "建议按产生量分级确定收运频次。"),
    Say("kitchen-firm2@demo.local", -6, 15, "第十条", "收运车辆全部加装车载称重设备，改造成本较高。",
        "单车改造费用约1.5万元，本公司现有收运车辆42辆。", "建议对现有车辆设置一年的改造过渡期。"),
    Say("kitchen-firm2@demo.local", -6, 16, "第二十一条", "第二十一条罚款下限偏高。",
        "遗撒、滴漏情节轻微并当场清理的，处五千元罚款过重。", "建议增加“情节轻微并及时改正的，可以不予处罚”。"),
)
KITCHEN_DROPPED_NOTE = "经会内讨论，《行政处罚法》已有首违不罚的规定，本次暂不单独提出。"

OPEN_COMMENTS = (
    Say("recycling@demo.local", -5, 11, "第十四条", "第十四条对废弃食用油脂的流向监管规定不够具体。",
        "废弃食用油脂回收价值较高，实践中存在流入非法渠道的风险，需要与再生资源回收体系做好衔接。",
        "建议增加一款：“废弃食用油脂应当交由具备相应能力的资源化利用企业，实行收购、运输、利用全过程台账和"
        "电子联单管理。”"),
    Say("kitchen_waste@demo.local", -4, 10, "第十条",
        "第十条第（一）项要求“每日至少收运一次”，对日产生量较小的小微餐饮单位不尽合理；第（二）项要求收运车辆"
        "全部安装车载称重设备，会员企业普遍反映改造成本较高。",
        "本会征集了会员单位意见：中心城区约四成产生单位日产生量不足20公斤，每日上门收运空驶率高；现有收运车辆"
        "约三成尚未安装称重设备，单车改造费用约1.5万元。",
        "建议第（一）项修改为“按照约定的时间和频次上门收运，日产生量不足20公斤的可以隔日收运，但间隔不得超过"
        "48小时”；第（二）项对现有车辆给予一年的改造过渡期。", adopts=(0, 1)),
    Say("kitchen_waste@demo.local", -3, 15, "第十五条", "第十五条未规定收运、处置服务费用标准的调整机制。",
        "近年来人工、燃油和设备维护成本持续上涨，服务费用标准多年未作调整，处置企业运营压力较大。",
        "建议增加一款：“服务费用标准应当根据人工、能源等成本变化情况定期评估，原则上每三年调整一次。”"),
    Say("kitchen-firm1@demo.local", -3, 16, "第十三条",
        "第十三条第（二）项要求在线监测设备与监管平台联网，但目前尚无统一的数据接口标准。",
        "本公司此前已按区级平台要求建设监测系统，接口标准不统一将造成企业重复投入。",
        "建议由市城市管理行政主管部门统一发布监管平台数据接口标准，并给予六个月的对接期。", as_firm=True),
    Say("recycling@demo.local", -2, 9, "", "建议明确餐厨垃圾与可回收物的界限，避免与再生资源回收管理的规定交叉。",
        "餐饮单位产生的纸箱、塑料瓶、玻璃瓶等包装物属于可回收物，目前部分收运单位将其与餐厨垃圾一并收运，"
        "影响分类效果。",
        "建议在第二条第二款后增加：“餐饮服务单位产生的包装物等可回收物，按照再生资源回收的有关规定处理。”"),
)

CLOSED_COMMENTS = (
    Say("lighting@demo.local", -55, 10, "第五条", "第五条规定的夜间巡查频次没有考虑单灯监控系统的应用。",
        "全市已有约六成路段安装单灯监控系统，故障可以实时上报，人工夜巡频次可以适当调整，把人力用于故障修复。",
        "建议已安装单灯监控系统的路段，夜间巡查调整为每两周一次。"),
    Say("lighting@demo.local", -50, 15, "第十条", "单灯故障24小时内修复的要求对支路偏紧。",
        "支路灯具型号多、备件分散，部分故障需要协调交通管制后才能作业。",
        "建议主干道、次干道维持24小时，支路放宽至72小时。"),
    Say("lighting@demo.local", -45, 9, "", "规范没有涉及智慧多功能灯杆上挂载设备的维护责任。",
        "智慧多功能灯杆挂载通信、监控、交通等多家单位的设备，出现故障时责任不清，影响照明设施维护。参见"
        "《智慧多功能灯杆设备及材料技术规范》（DB5101/T 112-2023）。",
        "建议增加一条：维护单位与挂载设备的权属单位签订维护协议，明确维护责任界面。"),
    Say("municipal@demo.local", -40, 14, "", "建议对智慧多功能灯杆挂载设备的维护分工作出规定。",
        "市政设施养护中多次出现灯杆挂载设备故障无人认领的情况。", "建议明确灯杆与挂载设备的维护分工。"),
    Say("municipal@demo.local", -36, 11, "第十一条", "灯杆损坏后5个工作日内完成更换，对需要定制的非标灯杆难以做到。",
        "景观道路使用的非标灯杆定制周期一般为10至15个工作日。",
        "建议需要定制的灯杆，更换期限延长至15个工作日，其间设置临时照明。"),
    Say("municipal@demo.local", -33, 16, "", "建议在规范中明确道路照明设施维护经费的测算标准。",
        "维护经费标准直接影响维护质量，目前各区（市）县差异较大。", "建议增加维护经费定额标准。"),
    Say("firm@demo.local", -31, 10, "第六条", "接地电阻不大于4欧姆的要求对采用TN-S系统的路段偏严。",
        "TN-S系统有专用保护线，重复接地电阻按现行国家标准可以适当放宽。",
        "建议区分接地形式，TN-S系统的重复接地电阻不大于10欧姆。", as_firm=True),
)
DUPLICATES = ((3, 2),)  # (comment index, index of the comment it duplicates)


@dataclass(frozen=True)
class Answer:
    comment: int  # index into CLOSED_COMMENTS
    day: int
    result: str  # consultations.models.Result value
    reason: str
    new_article: str = ""  # label in version 2


ANSWERS = (
    Answer(1, -21, "not_adopted", "维修时限关系夜间通行安全，维持24小时的要求。"),  # revised below
    Answer(0, -20, "partly", "主干道、次干道的夜间巡查频次不变；已安装单灯监控系统且能实时报告故障的支路，调整为每两周"
           "不少于一次。", "第五条"),
    Answer(1, -19, "partly", "经与维护单位座谈，支路单灯故障修复时限放宽至48小时；主干道、次干道维持24小时。",
           "第十一条"),
    Answer(2, -19, "adopted", "新增第八条，原第八条至第十六条依次顺延。", "第八条"),
    Answer(4, -19, "adopted", "第十二条增加需要定制灯杆的更换期限。", "第十二条"),
    Answer(6, -18, "not_adopted", "道路照明设施多设于人员密集的公共区域，为降低触电风险，维持接地电阻不大于4欧姆的"
           "要求，与现行地方标准保持一致。"),
)
OUT_OF_SCOPE = 5  # answered with the 不属于本文件调整范围 template
CHANGE_NOTE = (
    "根据征求意见情况修改：1. 第五条增加已安装单灯监控系统路段的巡查频次；2. 新增第八条，明确智慧多功能灯杆挂载设备的"
    "维护责任界面，原第八条至第十六条依次顺延为第九条至第十七条；3. 第十一条（原第十条）区分道路等级规定单灯故障修复"
    "时限；4. 第十二条（原第十一条）增加需要定制灯杆的更换期限。"
)

REASON_TEMPLATES = (
    ("已有上位法规定", "already", "该事项上位法已有明确规定，本文件不再重复规定。"),
    ("不属于本文件调整范围", "out_of_scope", "所提事项不属于本文件的调整范围，已转交相关部门研究。"),
    ("建议已采纳", "adopted", "建议已采纳，已在修改稿中相应修改。"),
    ("部分采纳", "partly", "建议的合理部分已吸收，其余内容因与现行规定衔接的需要暂不采纳。"),
    ("与现行标准不一致", "not_adopted", "所提建议与现行国家标准或行业标准不一致，不予采纳。"),
    ("在配套文件中研究", "not_adopted", "所提建议较为具体，将在配套实施细则或操作指引中研究明确。"),
)


def _text(name: str) -> str:
    return (DATA / f"consultation_{name}.txt").read_text(encoding="utf-8")


# --- The step ----------------------------------------------------------------------------------------------


class _Run:
    """One run of the step: the timeline, the users by email, and what was created."""

    def __init__(self, actor: str):
        self.actor = actor
        self.t = Timeline(timezone.localdate())
        self.users: dict = {}
        self.created_users: list[str] = []
        self.comments = 0

    @property
    def admin(self):
        return self.user(ADMIN_EMAIL)

    def user(self, email: str):
        """The user behind a demo email (as seed_accounts finds it), created for a commenter without a login."""
        if email not in self.users:
            address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
            user = address.user if address else get_user_model().objects.filter(email__iexact=email).first()
            self.users[email] = user or self._create_commenter(email)
        return self.users[email]

    def _create_commenter(self, email: str):
        spec = next(c for c in COMMENTERS if c.email == email)
        user = get_user_model()(username=email, email=email, full_name=spec.full_name)
        user.set_unusable_password()
        user.save()
        self.created_users.append(email)
        if spec.association:
            association = Association.objects.get(name=spec.association)
            if not AssociationStaff.objects.filter(user=user, association=association).exists():
                staff_bind(actor=self.actor, user=user, association=association, role=STAFF_ADMIN)
        else:
            name = spec.firm or kitchen_member_firm(spec.firm_index)
            firm_user_bind(actor=self.actor, user=user, firm=Firm.objects.get(uscc=demo_data().firm_named(name).uscc))
        return user

    def create(self, *, text: str, when: datetime, invited: tuple[str, ...], **fields) -> Consultation:
        """Create the consultation with its first version at ``when`` (a draft; publish separately)."""
        associations = list(Association.objects.filter(name__in=invited))
        with replaying(when):
            consultation = services.consultation_create(actor=self.admin, invited=associations, **fields)
            services.version_create(actor=self.admin, consultation=consultation, text=_text(text))
        return consultation

    def publish(self, consultation: Consultation, when: datetime) -> None:
        with replaying(when):
            services.consultation_publish(actor=self.admin, consultation=consultation)
        consultation.refresh_from_db()

    def say(self, consultation: Consultation, say: Say, *, points=()) -> Comment:
        """Submit ``say`` at its moment, as the association (or, with ``as_firm``, the firm) of its author."""
        user = self.user(say.by)
        kind = Comment.AuthorKind.FIRM if say.as_firm else Comment.AuthorKind.ASSOCIATION
        with replaying(self.t.at(say.day, say.hour)):
            speaker = next(s for s in permissions.speakers_for(user, consultation) if s.kind == kind)
            comment = services.comment_submit(
                actor=user, consultation=consultation, speaker=speaker.value, article=_article(consultation, say),
                problem=say.problem, reason=say.reason, suggestion=say.suggestion,
                adopted_points=[points[i] for i in say.adopts])
        self.comments += 1
        return comment

    def point(self, consultation: Consultation, say: Say, association: Association):
        user = self.user(say.by)
        firm = FirmUser.objects.select_related("firm").get(user=user).firm
        with replaying(self.t.at(say.day, say.hour)):
            return services.member_point_submit(
                actor=user, consultation=consultation, firm=firm, association=association,
                article=_article(consultation, say), problem=say.problem, reason=say.reason, suggestion=say.suggestion)


def _article(consultation: Consultation, say: Say, *, number: int | None = None):
    """The article ``say`` quotes, in the given version (default: the latest published one)."""
    if not say.article:
        return None
    versions = consultation.versions.filter(published_at__isnull=False).order_by("-number")
    version = versions.get(number=number) if number else versions.first()
    return version.articles.get(label=say.article)


def seed_open(run: _Run) -> Consultation:
    """成都市餐厨垃圾管理办法（征求意见稿）: open now; member points, a consolidated comment, a firm's comment."""
    t = run.t
    consultation = run.create(
        text="kitchen_waste", when=t.at(-11, 16), title=OPEN_TITLE, kind=Kind.NORMATIVE_MARKET,
        department="市城管委固体废弃物管理处", starts_at=t.at(-10, 9), ends_at=t.at(25, 18),
        audience=Audience.MEMBERS, visibility=Visibility.PUBLIC,
        invited=(SANITATION, KITCHEN.name, RECYCLING.name, MUNICIPAL.name),
        summary="修订后的办法共六章二十六条，主要修改源头减量、收运频次和车辆要求、处置单位在线监测联网、服务费用标准和"
                "信用管理等内容，并相应调整法律责任。",
        explanation="<p>现行《成都市餐厨垃圾管理办法》（成都市人民政府令第231号）施行以来，全市餐厨垃圾收运处置体系基本建立。"
                    "随着生活垃圾分类全面推行、收运处置企业增多，收运频次、车辆监控和处置监管等方面出现了新情况。</p>"
                    "<p>本次修订在总结实施经验、听取行业协会和企业意见的基础上形成征求意见稿。办法涉及市场主体的权利义务，"
                    "征求意见期限不少于30日。</p>",
        legal_basis="《中华人民共和国固体废物污染环境防治法》《城市市容和环境卫生管理条例》《四川省城乡环境综合治理条例》",
        contact="市城管委固体废弃物管理处 张伟 028-61881234 gfc@cdcg.demo.local",
    )
    run.publish(consultation, t.at(-10, 9))
    kitchen = Association.objects.get(name=KITCHEN.name)
    points = [run.point(consultation, say, kitchen) for say in KITCHEN_POINTS]
    for say in OPEN_COMMENTS:
        run.say(consultation, say, points=points)
    with replaying(t.at(-4, 11)):
        services.member_point_decide(actor=run.user("kitchen_waste@demo.local"), point=points[2],
                                     note=KITCHEN_DROPPED_NOTE)
    return consultation


def seed_closed(run: _Run) -> Consultation:
    """道路照明维护管理规范（征求意见稿）: consulted 60–30 days ago, answered, version 2, outcome published."""
    t = run.t
    admin = run.admin
    consultation = run.create(
        text="road_lighting_v1", when=t.at(-61, 15), title=CLOSED_TITLE, kind=Kind.STANDARD,
        department="市城管委城市照明管理处", starts_at=t.at(-60, 9), ends_at=t.at(-30, 18),
        audience=Audience.MEMBERS, visibility=Visibility.PUBLIC, invited=(LIGHTING, MUNICIPAL.name),
        summary="修订《道路照明维护管理规范》（DB5101/T 108-2023），调整巡查检测频次、故障修复时限和灯杆更换要求，"
                "增加维护质量考核。",
        explanation="<p>《成都市城市照明管理条例》施行后，单灯监控系统和智慧多功能灯杆在全市推广应用，原规范的部分要求"
                    "需要相应调整。本规范由市城管委会同四川省照明电器协会起草。</p>",
        legal_basis="《成都市城市照明管理条例》；《城市道路照明设计标准》（CJJ 45）",
        contact="市城管委城市照明管理处 刘敏 028-61881256 zmc@cdcg.demo.local",
    )
    run.publish(consultation, t.at(-60, 9))
    comments = [run.say(consultation, say) for say in CLOSED_COMMENTS]
    with replaying(t.at(-29, 10)):
        for index, of in DUPLICATES:
            services.comment_mark_duplicate(actor=admin, comment=comments[index], of=comments[of])
    with replaying(t.at(-26, 10)):
        version = services.version_create(actor=admin, consultation=consultation, text=_text("road_lighting_v2"),
                                          change_note=CHANGE_NOTE)
    with replaying(t.at(-25, 9)):
        services.version_publish(actor=admin, version=version)
    for answer in ANSWERS:
        new_article = version.articles.get(label=answer.new_article) if answer.new_article else None
        with replaying(t.at(answer.day, 15)):
            services.response_save(actor=admin, comment=comments[answer.comment], result=answer.result,
                                   reason=answer.reason, new_article=new_article)
    with replaying(t.at(-18, 16)):
        services.response_bulk(actor=admin, consultation=consultation, comments=[comments[OUT_OF_SCOPE]],
                               result="", template=ReasonTemplate.objects.get(title="不属于本文件调整范围"))
    with replaying(t.at(-10, 10)):
        services.outcome_publish(
            actor=admin, consultation=consultation,
            note="<p>征求意见期间共收到3家单位的意见，已逐条研究处理。根据采纳的意见形成第2稿，修改说明和修改对照同时公布。</p>")
    return consultation


def seed_upcoming(run: _Run) -> Consultation:
    """成都市户外广告设施设置管理规定（征求意见稿）: a 规章 published now, starting in 5 days for 36 days."""
    t = run.t
    consultation = run.create(
        text="outdoor_ads", when=timezone.now(), title=UPCOMING_TITLE, kind=Kind.RULE,
        department="市城管委广告招牌管理处", starts_at=t.at(5, 9), ends_at=t.at(40, 18),
        audience=Audience.PUBLIC, visibility=Visibility.COMMITTEE,
        invited=(ASSOCIATIONS_BY_SECTOR["advertising"].name, LIGHTING),
        summary="规定共四章十三条，明确户外广告设施设置专项规划、禁止设置情形、安全检测和到期拆除等要求。",
        explanation="<p>为落实《成都市户外广告和招牌设置管理条例》，细化户外广告设施设置规划和安全管理要求，"
                    "市城管委起草了本规定。规章的征求意见期限不少于30日。</p>",
        legal_basis="《成都市户外广告和招牌设置管理条例》",
        contact="市城管委广告招牌管理处 陈静 028-61881278 ggc@cdcg.demo.local",
    )
    run.publish(consultation, timezone.now())
    return consultation


def seed_reason_templates() -> list[str]:
    existing = set(ReasonTemplate.objects.filter(title__in=[t for t, _r, _x in REASON_TEMPLATES])
                   .values_list("title", flat=True))
    new = [ReasonTemplate(title=title, result=Result(result), text=text)
           for title, result, text in REASON_TEMPLATES if title not in existing]
    ReasonTemplate.objects.bulk_create(new)
    return [template.title for template in new]


SEEDERS = ((CLOSED_TITLE, seed_closed), (OPEN_TITLE, seed_open), (UPCOMING_TITLE, seed_upcoming))


def seed_consultations() -> str:
    """The demo consultations and reason templates; whatever exists (by title) is left as it is."""
    from .steps import ACTOR  # steps imports this module

    templates = seed_reason_templates()  # before the consultations: the closed one's answers use one
    run = _Run(ACTOR)
    existing = set(Consultation.objects.filter(title__in=TITLES).values_list("title", flat=True))
    created = []
    for title, seed in SEEDERS:
        if title not in existing:
            seed(run)
            created.append(title)
    if created or templates:
        audit_log(actor=ACTOR, action="portal.seed_demo.consultations",
                  data={"created": created, "comments": run.comments, "accounts": run.created_users,
                        "reason_templates": templates})
    return (f"征求意见：新建 {len(created)} 项，共 {len(TITLES)} 项（征求中、已反馈、未开始各一），"
            f"意见 {run.comments} 条；理由模板新建 {len(templates)} 条")
