"""The demo award campaigns (评比表彰) of seed_demo, issue 9 §8 and seed 000, run through the real services.

* 2026年成都市户外广告招牌评比 — by 四川省广告协会 (approved 川社管审〔2026〕27号 by 四川省民政厅), open to its members,
  no minimum credit level; categories 示范街区招牌 (3 awards), 商业综合体招牌 (3) and 文旅街区招牌 (2). 30 entries of
  member firms saved and submitted by the association's staff (``advertising@demo.local``, created by the events
  step) and reviewed: 28 eligible, 2 ineligible with their reasons. The committee draws five advertising experts
  (two alternates) from the expert pool with every entrant firm excluded; they confirm and ``panel_sync`` makes
  them judges. 周文博 (``expert@demo.local``) is not an advertising expert, so he is added to the panel directly
  (a Judge without a draw selection, logged) — this keeps him out of the draw, and so out of any “busy” exclusion
  in the experts demo's browser journey. 初评 (blind, quorum 3, median, best 10 per category advance): every judge
  scores every entry, closed. 复评 (blind, quorum 3, trimmed mean) open: three drawn judges scored everything,
  周文博 the first six entries only, so entries are left for the browser journey to score as him.
* 2025年度成都市优秀环卫企业评选 — by 成都市环境卫生协会 (成社管审〔2025〕15号, 成都市民政局), long past: one category
  优秀环卫企业 (3 awards), 8 entries, five sanitation experts drawn from the association's pool, one 终评 round
  scored and closed, a 公示 of five working days, the results made final after it by the association's staff, and
  the 环卫工人节文艺汇演 of the events demo as its award ceremony. No credit indicator: the demo credit scheme is the
  municipal maintenance one (and its demo counts are pinned by tests/portal/test_demo_credit.py).

Drawn experts get a login-less account (unusable password) so their scores go through ``score_submit`` as them.
Past steps are replayed at their dates (``replaying``). Idempotent: a campaign is looked up by name and, when
found, left alone with everything in it; one audit entry (actor ``seed_demo``) records what the step created.
"""

import random
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from associations.models import Association, Firm
from awards import services
from awards.models import Aggregation, Campaign, Category, Criterion, Entry, EntryState, Judge, Round, RoundKind
from core.audit import audit_log
from experts import services as experts
from experts.models import Expert, Pool, Selection

from .accounts import SANITATION
from .consultations import ADMIN_EMAIL, Timeline, replaying
from .events import ADVERTISING_STAFF, GALA
from .experts import EXPERT_EMAIL, SANITATION_POOL
from .organisations import ASSOCIATIONS_BY_SECTOR, demo_data

ADVERTISING = ASSOCIATIONS_BY_SECTOR["advertising"].name
SANITATION_STAFF = "sanitation@demo.local"
SIGNS = "2026年成都市户外广告招牌评比"
SANITATION_AWARD = "2025年度成都市优秀环卫企业评选"
NAMES = (SIGNS, SANITATION_AWARD)
SIGN_CATEGORIES = (("示范街区招牌", "市级、区级广告招牌示范街区内的门头招牌", 3, 12),
                   ("商业综合体招牌", "商业综合体、写字楼的外墙招牌和楼顶标识", 3, 10),
                   ("文旅街区招牌", "历史文化街区、特色商业街区和旅游景区的招牌", 2, 8))
STREETS = ("春熙路", "太古里", "宽窄巷子", "锦里", "建设路", "玉林路", "东郊记忆", "交子大道", "天府大道北段",
           "金融城", "双楠片区", "人民南路四段", "九眼桥", "猛追湾", "望平街", "祠堂街", "奎星楼街", "华兴街",
           "大慈寺路", "红星路", "青龙场", "驷马桥", "枣子巷", "文殊坊", "水井坊", "音乐坊", "铁像寺", "黄龙溪",
           "安仁古镇", "街子古镇")
INELIGIBLE = {
    4: "申报的招牌未取得户外招牌设置审批手续，不符合评比规则第五条。",
    17: "申报作品为临时性促销广告，不属于“商业综合体招牌”类别。",
}
SIGN_FIELDS = [{"label": "招牌所在位置", "required": True}, {"label": "设置审批文号", "required": False},
               {"label": "设计单位", "required": False}]
SIGN_RULES = ("一、参评对象：四川省广告协会会员单位在成都市中心城区设计、制作并已设置的户外广告招牌。\n"
              "二、评比不收取任何费用，不以营利为目的。\n"
              "三、评比分资格审查、初评、复评三个阶段；评委从市城管委专家库随机抽取，与参评单位有利害关系的专家回避。\n"
              "四、初评、复评均为盲评，参评材料中不得出现参评单位名称；每件作品至少三名评委评分；"
              "拟表彰名单公示五个工作日。")
DESIGNERS = ("本单位设计部", "成都市建筑设计研究院", "西南交通大学设计研究院", "四川省城乡规划设计研究院")
SANITATION_RULES = ("一、参评对象：成都市环境卫生协会会员单位中承担道路清扫保洁、垃圾收运的作业企业。\n"
                    "二、评选不收取任何费用。\n"
                    "三、由协会专家库随机抽取的评委终评打分，拟表彰名单公示五个工作日。")
SANITATION_TITLES = ("道路清扫保洁精细化作业", "垃圾分类收运一体化", "机械化作业全覆盖", "环卫作业智慧监管平台",
                     "公厕管护标准化", "背街小巷清扫保洁", "夜间冲洗作业组织", "环卫工人关爱行动")


class _Run:
    def __init__(self):
        self.t = Timeline(timezone.localdate())
        self.created: dict[str, int] = {}

    def count(self, key: str, n: int = 1):
        self.created[key] = self.created.get(key, 0) + n

    def user(self, email: str):
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        return address.user if address else get_user_model().objects.filter(email__iexact=email).first()

    def at(self, days: int, hour: int, minute: int = 0):
        return replaying(self.t.at(days, hour, minute))

    def eligible_members(self, campaign: Campaign, association: str, n: int) -> list[Firm]:
        data = demo_data()
        usccs = list(dict.fromkeys(m.firm_uscc for m in data.memberships if m.association == association))
        by_uscc = {f.uscc: f for f in Firm.objects.filter(uscc__in=usccs)}
        firms = [by_uscc[u] for u in usccs if u in by_uscc]
        firms = [f for f in firms if not services.eligibility_problems(campaign, f)]
        if len(firms) < n:
            raise RuntimeError(f"{association} has {len(firms)} eligible members; the demo needs {n}.")
        return firms

    def campaign(self, name: str, *, organiser: Association, actor, year: int, opens: int, closes: int,
                 categories, **fields) -> Campaign:
        with self.at(opens - 5, 10):
            campaign = Campaign.objects.create(name=name, year=year, organiser=organiser, created_by=actor,
                                               entries_open=self.t.at(opens, 9), entries_close=self.t.at(closes, 17),
                                               **fields)
            campaign.associations.set([organiser])
            for position, (cat_name, description, awards, _n) in enumerate(categories):
                Category.objects.create(campaign=campaign, name=cat_name, description=description, awards=awards,
                                        position=position)
        with self.at(opens, 9):
            campaign = services.campaign_open(actor=actor, campaign=campaign)
        self.count("campaigns")
        return campaign

    def round(self, campaign, position: int, kind: str, criteria, **fields) -> Round:
        rnd = Round.objects.create(campaign=campaign, position=position, kind=kind, **fields)
        for i, (name, weight) in enumerate(criteria):
            Criterion.objects.create(round=rnd, name=name, weight=Decimal(weight), position=i)
        return rnd

    def panel(self, campaign, *, field: str, count: int, alternates: int, day: int, ends: int, pool=None):
        """The committee draws the judges; every invited expert confirms; ``panel_sync`` makes them judges."""
        admin = self.user(ADMIN_EMAIL)
        with self.at(day, 10):
            draw = services.panel_draw(actor=admin, campaign=campaign, field=field, count=count,
                                       alternates=alternates, supervisor="市城管委驻委纪检组 李明",
                                       starts_on=self.t.today + timedelta(days=day + 1),
                                       ends_on=self.t.today + timedelta(days=ends), pool=pool)
        for i, selection in enumerate(draw.selections.filter(response=Selection.Response.WAITING).order_by("order")):
            with self.at(day, 14 + i % 4, 10 * i % 60):
                experts.invitation_answer(token=experts.invitation_token(selection), accept=True, pledge=True)
        with self.at(day + 1, 9):
            judges = services.panel_sync(actor=admin, campaign=campaign)
        for judge in judges:
            self.login_for(judge.expert)
        self.count("judges", len(judges))
        return judges

    def login_for(self, expert: Expert):
        """A login-less account for a drawn expert, so the demo scores are submitted as the expert."""
        if expert.user_id:
            return
        email = expert.email or f"expert{expert.pk}@example.cn"
        user = self.user(email)
        if user is None:
            user = get_user_model()(username=email, email=email, full_name=expert.name)
            user.set_unusable_password()
            user.save()
        expert.user = user
        expert.save(update_fields=["user"])

    def score(self, judge: Judge, row, rnd: Round, criteria) -> None:
        rng = random.Random(f"{rnd.campaign.name}:{rnd.kind}:{row.entry.number}:{judge.expert.name}")  # noqa: S311
        quality = random.Random(f"{rnd.campaign.name}:{row.entry.number}").uniform(5.5, 9.0)  # noqa: S311
        values = {}
        for c in criteria:
            value = max(c.scale_min, min(c.scale_max, round((quality + rng.uniform(-1.2, 1.2)) * 2) / 2))
            values[str(c.pk)] = str(value)
        comment = "创意突出，与街区风貌协调。" if quality > 8 else ("整体规范，细节可再提升。" if quality > 6.5 else "")
        services.score_submit(actor=judge.expert.user, judge=judge, round_entry=row, values=values, comment=comment)
        self.count("scores")

    def score_round(self, rnd: Round, judges, day: int, only=None) -> None:
        criteria = list(rnd.criteria.all())
        rows = list(rnd.round_entries.select_related("entry", "round__campaign").order_by("entry__number"))
        for j, judge in enumerate(judges):
            mine = rows if only is None else rows[: only.get(judge.pk, len(rows))]
            with self.at(day + j % 3, 9 + j):
                for row in mine:
                    self.score(judge, row, rnd, criteria)

    # --- the campaigns ---------------------------------------------------------------------------------------

    def signs(self):
        if Campaign.objects.filter(name=SIGNS).exists():
            return
        staff, admin = self.user(ADVERTISING_STAFF), self.user(ADMIN_EMAIL)
        organiser = Association.objects.get(name=ADVERTISING)
        campaign = self.campaign(
            SIGNS, organiser=organiser, actor=staff, year=2026, opens=-45, closes=-22,
            categories=SIGN_CATEGORIES, approval_number="川社管审〔2026〕27号", approving_body="四川省民政厅",
            summary="展示成都市中心城区户外广告招牌设置管理成果，评选一批设计精良、安全规范、与街区风貌协调的示范招牌。",
            rules=SIGN_RULES, entry_fields=SIGN_FIELDS, max_images=6, publicity_days=5)
        firms = self.eligible_members(campaign, ADVERTISING, max(n for *_x, n in SIGN_CATEGORIES))
        categories = list(campaign.categories.order_by("position"))
        i = 0
        for category, (cat_name, _d, _a, n) in zip(categories, SIGN_CATEGORIES, strict=True):
            for k in range(n):
                firm, street = firms[(k + 7 * category.position) % len(firms)], STREETS[i % len(STREETS)]
                with self.at(-40 + i // 2, 9 + i % 8, 5 * (i % 12)):
                    entry = services.entry_save(
                        actor=staff, campaign=campaign, firm=firm, category=category,
                        title=f"{street}{cat_name[:-2]}招牌改造项目",
                        # Blind rounds: the entry's texts never name the entrant (the rules say so).
                        description=f"本单位承担的{street}{cat_name}设计、制作与安装，统一色调与字体，"
                                    "采用内透光发光字，结构经第三方安全检测。",
                        answers={"f0": f"成都市{street}", "f1": f"成城管招审〔2025〕{100 + i}号" if i % 3 else "",
                                 "f2": DESIGNERS[i % len(DESIGNERS)]})
                    services.entry_submit(actor=staff, entry=entry)
                i += 1
        self.count("entries", i)
        with self.at(-21, 9):
            campaign = services.judging_start(actor=staff, campaign=campaign)
        entries = list(campaign.entries.order_by("number"))
        with self.at(-21, 14):
            for n, entry in enumerate(entries):
                reason = INELIGIBLE.get(n, "")
                services.entry_review(actor=staff, entry=entry, eligible=not reason, reason=reason)
        drawn = self.panel(campaign, field="advertising", count=5, alternates=2, day=-20, ends=10)
        zhou = Expert.objects.get(user=self.user(EXPERT_EMAIL))
        with self.at(-19, 11):
            own = Judge.objects.create(campaign=campaign, expert=zhou)
            audit_log(actor=admin, action="awards.judge.added", obj=campaign,
                      data={"expert": zhou.pk, "note": "seed_demo: added directly (not an advertising expert)"})
        self.count("judges")
        judges = [*drawn, own]
        first = self.round(campaign, 1, RoundKind.FIRST, (("创意设计", 2), ("与街区风貌协调", 2), ("安全规范", 1)),
                           quorum=3, aggregation=Aggregation.MEDIAN, advance_top=10)
        second = self.round(campaign, 2, RoundKind.SECOND, (("整体效果", 3), ("工艺质量", 2), ("安全规范", 1)),
                            quorum=3, aggregation=Aggregation.TRIMMED)
        with self.at(-18, 9):
            services.round_open(actor=staff, round=first)
        self.score_round(first, judges, -17)
        with self.at(-10, 16):
            services.round_close(actor=staff, round=first)
        with self.at(-8, 9):
            services.round_open(actor=staff, round=second)
        # Three drawn judges score everything, 周文博 the first six entries, the others nothing yet.
        self.score_round(second, [*drawn[:3], own], -7, only={own.pk: 6})

    def sanitation(self):
        if Campaign.objects.filter(name=SANITATION_AWARD).exists():
            return
        staff = self.user(SANITATION_STAFF)
        organiser = Association.objects.get(name=SANITATION)
        categories = (("优秀环卫企业", "道路清扫保洁、垃圾收运作业质量和管理水平突出的企业", 3, 8),)
        from events.models import EventPage

        campaign = self.campaign(
            SANITATION_AWARD, organiser=organiser, actor=staff, year=2025, opens=-160, closes=-135,
            categories=categories, approval_number="成社管审〔2025〕15号", approving_body="成都市民政局",
            summary="表彰2025年度作业质量好、管理规范、关爱一线环卫工人的会员企业。", rules=SANITATION_RULES,
            publicity_days=5, ceremony=EventPage.objects.filter(title=GALA).first())
        category = campaign.categories.get()
        firms = self.eligible_members(campaign, SANITATION, 8)
        for k, firm in enumerate(firms[:8]):
            with self.at(-155 + 2 * k, 10):
                entry = services.entry_save(
                    actor=staff, campaign=campaign, firm=firm, category=category,
                    title=f"{firm.name}：{SANITATION_TITLES[k]}",
                    description=f"{firm.name}2025年度{SANITATION_TITLES[k]}工作情况，附作业考核结果和市民评价。")
                services.entry_submit(actor=staff, entry=entry)
        self.count("entries", 8)
        with self.at(-134, 9):
            campaign = services.judging_start(actor=staff, campaign=campaign)
            for entry in campaign.entries.order_by("number"):
                services.entry_review(actor=staff, entry=entry, eligible=True)
        pool = Pool.objects.filter(name=SANITATION_POOL).first()
        judges = self.panel(campaign, field="sanitation", count=5, alternates=1, day=-133, ends=-125, pool=pool)
        # Not blind: the entry is the firm's own year of work (decided; the 招牌评比 rounds are blind).
        final = self.round(campaign, 1, RoundKind.FINAL, (("作业质量", 3), ("管理水平", 2), ("社会评价", 1)),
                           quorum=3, aggregation=Aggregation.TRIMMED, blind=False)
        with self.at(-130, 9):
            services.round_open(actor=staff, round=final)
        self.score_round(final, judges, -129)
        with self.at(-125, 16):
            services.round_close(actor=staff, round=final)
        with self.at(-124, 10):
            campaign = services.publicity_start(actor=staff, campaign=campaign)
        with self.at(-110, 10):  # well after the five working days of 公示
            services.results_finalise(actor=staff, campaign=campaign)


def seed_awards() -> str:
    """The demo award campaigns; a campaign that exists (by name) is left alone."""
    from .steps import ACTOR  # steps imports this module

    run = _Run()
    run.signs()
    run.sanitation()
    created = {k: v for k, v in run.created.items() if v}
    if created:
        audit_log(actor=ACTOR, action="portal.seed_demo.awards", data=created)
    total = Campaign.objects.filter(name__in=NAMES).count()
    entries = Entry.objects.filter(campaign__name__in=NAMES).exclude(state=EntryState.DRAFT).count()
    return (f"评比表彰：新建评比 {created.get('campaigns', 0)} 项（共 {total} 项）、参评作品 "
            f"{created.get('entries', 0)} 件（共 {entries} 件）、评委 {created.get('judges', 0)} 名、"
            f"评分 {created.get('scores', 0)} 条")
