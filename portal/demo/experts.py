"""The demo expert pool (专家库) of seed_demo.

* Three pools: the committee's 成都市城市管理委员会专家库 (every demo expert is in it) and the pools of the lighting and
  the sanitation associations (the experts of those fields).
* 120 generated experts across every field (deterministic: the same names and data on every run), a third of them
  employed by demo member firms, the others by universities, design institutes and firms outside the demo; public
  bios, and phone and email (staff only, @example.cn). Relations for 回避: past employment with dates (one inside,
  one outside the three-year window), board seats and a family tie to the legal representative of 成都蓉光照明工程
  有限公司, the lighting association's 会长单位.
* 周文博 (expert@demo.local) is in the committee's pool, active, with the lighting and 信息化 fields; only one other
  expert has 信息化, so a draw of two 信息化 experts always invites him (the browser journey relies on it).
* Two pending applications: one nominated by the sanitation association, one by an applicant for themself.
* A past draw, replayed through the services at its dates (``replaying`` from portal/demo/consultations.py):
  《城市道路照明设施维护规范》团体标准 review, five lighting experts and two alternates from the lighting association's
  pool with 成都蓉光照明工程有限公司 as a party (its related experts are excluded with their reasons), drawn 30 days
  ago; four members confirm with the 回避承诺, one declines with a reason and the first alternate is invited and
  confirms; the result is published; the engagement ends 20 days ago and every confirmed expert is evaluated two
  working days later.

Idempotent: pools by name, experts by name, the applications by the applicant's name, the draw by its title.
One audit entry (actor ``seed_demo``) records what the step created; the services write their own entries.
"""

import random
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from associations.models import Association, Firm, name_pinyin
from core import workdays
from core.audit import audit_log
from experts import services
from experts.models import Draw, Expert, ExpertStatus, Field, Membership, Pool, Purpose, Relation, Selection
from experts.services.conflicts import years_before

from .accounts import DEMO_FIRM, LIGHTING, SANITATION
from .consultations import ADMIN_EMAIL, Timeline, replaying
from .organisations import ASSOCIATIONS_BY_SECTOR, COMMITTEE_NAME, demo_data, uscc

COMMITTEE_POOL = f"{COMMITTEE_NAME}专家库"
LIGHTING_POOL = f"{LIGHTING}专家库"
SANITATION_POOL = f"{SANITATION}专家库"
EXPERT_EMAIL, EXPERT_NAME = "expert@demo.local", "周文博"
IT_PEER = "郑晓东"  # the only other 信息化 expert
DRAW_TITLE = "《城市道路照明设施维护规范》团体标准技术审查"
DRAW_MATTER = "standards:cd-lighting-maintenance"
DECLINE_REASON = "审查期间在外地参加省住建厅组织的标准宣贯，无法到会。"
APPLICANT_EMAIL = "applicant@demo.local"
RNG_SEED = 20241015
COUNT = 120

# 王 five times and 李/张 several times first, then surnames common in Sichuan.
SURNAMES = "王王王王王王李李李李张张张张刘陈杨黄赵吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜"
GIVEN = ("建华", "志刚", "国强", "晓东", "丽华", "海燕", "德明", "红梅", "永康", "春林", "文军", "建平", "少华",
         "玉兰", "开明", "光辉", "树林", "秀英", "学文", "明远", "立新", "晓峰", "宏伟", "雪梅", "继红", "家富",
         "成刚", "嘉陵", "蜀光", "锦程", "维安", "清源", "子谦", "雅琴", "慧敏", "长青", "天佑", "若兰", "正和", "思远")
FIRM_FIELDS = ("lighting", "advertising", "sanitation", "municipal", "kitchen_waste", "recycling", "muck")
# Employers outside the demo firms, by field; a code (事业单位 12…, 企业 91…) or none.
EMPLOYERS = {
    "default": ("西南交通大学", "四川省建筑设计研究院有限公司", "成都市市政工程设计研究院有限公司", "四川大学",
                "成都理工大学", "中国建筑西南设计研究院有限公司"),
    "lighting": ("四川省照明学会", "成都市城市照明管理中心", "西南交通大学"),
    "landscaping": ("成都市公园城市建设发展研究院", "四川农业大学", "成都市园林科学研究院"),
    "law": ("四川蜀都律师事务所", "北京大成（成都）律师事务所", "西南财经大学法学院"),
    "finance": ("四川华信（集团）会计师事务所", "信永中和会计师事务所成都分所", "西南财经大学会计学院"),
    "it": ("电子科技大学", "中国电信股份有限公司成都分公司"),
}
POSITIONS = ("总工程师", "副总工程师", "高级工程师", "技术负责人", "副院长", "所长", "教授", "副教授", "主任",
             "项目总监", "合伙人", "部门经理")
TOPICS = {
    "lighting": "城市道路照明工程设计、单灯监控与照明设施维护", "advertising": "户外广告设施结构安全检测与招牌设置规划",
    "sanitation": "城市环境卫生作业标准与道路清扫保洁质量评价", "municipal": "市政道路桥梁养护维修与设施检测",
    "kitchen_waste": "餐厨垃圾收运处置工艺与资源化利用", "recycling": "再生资源回收体系建设与分拣中心运营",
    "muck": "建筑垃圾运输车辆监管与消纳场管理", "landscaping": "园林绿化工程与公园城市建设",
    "law": "城市管理行政执法与行政复议诉讼", "finance": "政府购买服务成本审计与绩效评价",
    "it": "智慧城管平台建设与数据治理",
}
# 周文博: the demo login of an expert (his email is the login's, so the invitation reaches the demo inbox).
OWN = {"birth_year": 1978, "title": "senior", "years_in_field": 20, "fields": ["lighting", "it"],
       "employer_name": "西南交通大学", "position": "教授",
       "bio": "长期从事城市照明与智慧路灯系统研究，参编《智慧多功能灯杆设备及材料技术规范》。",
       "phone": "13808012345"}


def years_after(day: date, years: int) -> date:
    return years_before(day, -years)


def _person(rng: random.Random, taken: set[str], i: int) -> str:
    while True:
        surname = SURNAMES[i] if i < len(SURNAMES) else rng.choice(SURNAMES[14:])
        name = surname + rng.choice(GIVEN)
        if name not in taken and name not in (EXPERT_NAME, IT_PEER):
            taken.add(name)
            return name


def _code(rng: random.Random, public: bool) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(8))
    return uscc("12510000" if public else "91510100", body)


def expert_specs() -> list[dict]:
    """The generated experts (deterministic): field values, employer, contact, term."""
    rng = random.Random(RNG_SEED)  # noqa: S311 — demo data
    data = demo_data()
    firms_by_sector = {}
    for f in data.firms:
        firms_by_sector.setdefault(f.sector, []).append(f)
    fields = [f for f in Field.values if f != "it"]
    taken, specs = set(), []
    for i in range(COUNT):
        field = "lighting" if i % 5 == 0 else fields[i % len(fields)]  # lighting is the busiest field
        extra = rng.choice(fields) if rng.random() < 0.3 else None
        chosen = [f for f in Field.values if f in {field, extra}]
        name = _person(rng, taken, i)
        title = rng.choice(("senior", "associate_senior", "associate_senior", "intermediate"))
        years = rng.randint(9, 32) if title == "intermediate" else rng.randint(6, 35)
        spec = {"name": name, "birth_year": rng.randint(1958, 1988), "title": title, "years_in_field": years,
                "fields": chosen, "position": rng.choice(POSITIONS), "employer_firm": None, "employer_name": "",
                "employer_code": "", "phone": f"1{rng.choice('3589')}{rng.randint(10**8, 10**9 - 1)}",
                "email": f"{name_pinyin(name)[0]}{i:03d}@example.cn",
                "bio": f"从事{TOPICS[field]}工作{years}年，参与多项地方标准和行业规范的编制与审查。",
                "term_start": timezone.localdate() - timedelta(days=rng.randint(30, 900))}
        if field in FIRM_FIELDS and i % 3 == 0:
            spec["employer_firm"] = rng.choice(firms_by_sector[field][1:]).uscc  # never the 会长单位 here
        else:
            spec["employer_name"] = rng.choice(EMPLOYERS.get(field, EMPLOYERS["default"]))
            if rng.random() < 0.7:
                employer = spec["employer_name"]
                spec["employer_code"] = _code(rng, public="大学" in employer or "中心" in employer)
        specs.append(spec)
    # Two lighting experts work for the 会长单位 (excluded from the lighting draw as its employees).
    anchor = data.firm_named(DEMO_FIRM).uscc
    for spec in (specs[5], specs[10]):
        spec["employer_firm"], spec["employer_name"], spec["employer_code"] = anchor, "", ""
    specs.append({**specs[1], "name": IT_PEER, "fields": ["it"], "employer_firm": None,
                  "employer_name": "电子科技大学", "employer_code": _code(rng, True), "title": "senior",
                  "email": "zhengxiaodong@example.cn", "bio": f"从事{TOPICS['it']}工作18年。"})
    return specs


def relation_specs(today: date) -> list[tuple[int, dict]]:
    """(index into expert_specs, relation fields) for 回避: dates relative to the seed day."""
    anchor, second = (demo_data().firm_named(n) for n in ASSOCIATIONS_BY_SECTOR["lighting"].anchor_firms)
    sanitation = demo_data().firm_named(ASSOCIATIONS_BY_SECTOR["sanitation"].anchor_firms[0])
    return [
        (15, {"kind": "employment", "firm": anchor.uscc, "started_on": years_before(today, 9),
              "ended_on": years_before(today, 2), "note": "曾任技术部经理"}),
        (20, {"kind": "employment", "firm": anchor.uscc, "started_on": date(2008, 3, 1),
              "ended_on": date(2016, 6, 30), "note": "曾任项目经理（已满三年）"}),
        (25, {"kind": "board", "firm": anchor.uscc, "started_on": years_before(today, 4),
              "ended_on": None, "note": "独立董事"}),
        (30, {"kind": "family", "firm": anchor.uscc, "note": "与法定代表人系兄弟关系"}),
        (35, {"kind": "board", "firm": second.uscc, "started_on": date(2019, 5, 1), "ended_on": None,
              "note": "监事"}),
        (2, {"kind": "employment", "firm": sanitation.uscc, "started_on": date(2012, 1, 1),
             "ended_on": years_before(today, 1), "note": "曾任总工程师"}),
    ]


class _Run:
    def __init__(self, actor: str):
        self.actor, self.t = actor, Timeline(timezone.localdate())
        self.created: dict[str, int] = {}

    def user(self, email: str):
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        return address.user if address else get_user_model().objects.filter(email__iexact=email).first()

    def pools(self) -> dict[str, Pool]:
        specs = {COMMITTEE_POOL: None, LIGHTING_POOL: LIGHTING, SANITATION_POOL: SANITATION}
        pools = {}
        for name, association in specs.items():
            pool = Pool.objects.filter(name=name).first()
            if pool is None:
                pool = Pool.objects.create(
                    name=name, association=Association.objects.get(name=association) if association else None)
                self.created["pools"] = self.created.get("pools", 0) + 1
            pools[name] = pool
        return pools

    def experts(self, pools: dict[str, Pool]) -> list[Expert]:
        specs = expert_specs()
        existing = {e.name: e for e in Expert.objects.filter(name__in=[s["name"] for s in specs])}
        firms = dict(Firm.objects.filter(uscc__in={s["employer_firm"] for s in specs if s["employer_firm"]})
                     .values_list("uscc", "id"))
        new = []
        for spec in specs:
            if spec["name"] in existing:
                continue
            values = {k: v for k, v in spec.items() if k != "employer_firm"}
            values["employer_firm_id"] = firms.get(spec["employer_firm"] or "")
            start = values["term_start"]
            expert = Expert(status=ExpertStatus.ACTIVE, term_end=years_after(start, 3), **values)
            expert.name_pinyin, initials = name_pinyin(expert.name)  # bulk_create bypasses save()
            expert.name_initials, expert.fields_key = initials[:20], "|" + "|".join(expert.fields) + "|"
            new.append(expert)
        Expert.objects.bulk_create(new)
        self.created["experts"] = len(new)
        memberships = []
        for expert in new:
            memberships.append(Membership(expert=expert, pool=pools[COMMITTEE_POOL], since=expert.term_start))
            if "lighting" in expert.fields:
                memberships.append(Membership(expert=expert, pool=pools[LIGHTING_POOL], since=expert.term_start))
            if "sanitation" in expert.fields:
                memberships.append(Membership(expert=expert, pool=pools[SANITATION_POOL], since=expert.term_start))
        Membership.objects.bulk_create(memberships)
        if new:
            by_name = {e.name: e for e in new}
            firm_ids = dict(Firm.objects.values_list("uscc", "id"))
            relations = [Relation(expert=by_name[specs[i]["name"]], firm_id=firm_ids[r["firm"]],
                                  **{k: v for k, v in r.items() if k != "firm"})
                         for i, r in relation_specs(self.t.today) if specs[i]["name"] in by_name]
            Relation.objects.bulk_create(relations)
            self.created["relations"] = len(relations)
        return list(Expert.objects.filter(name__in=[s["name"] for s in specs]))

    def own(self, pools: dict[str, Pool]) -> None:
        """周文博 (expert@demo.local): an active expert of the committee's pool, linked to the login."""
        user = self.user(EXPERT_EMAIL)
        if Expert.objects.filter(user=user).exists() or Expert.objects.filter(email=EXPERT_EMAIL).exists():
            return
        today = self.t.today
        start = today - timedelta(days=400)
        expert = Expert.objects.create(name=EXPERT_NAME, user=user, email=EXPERT_EMAIL, status=ExpertStatus.ACTIVE,
                                       term_start=start, term_end=years_after(start, 3), **OWN)
        Membership.objects.create(expert=expert, pool=pools[COMMITTEE_POOL], since=start)
        self.created["own"] = 1

    def applications(self, pools: dict[str, Pool]) -> None:
        """One nomination by the sanitation association, one application by an applicant for themself."""
        nominee = {"name": "冉光明", "birth_year": 1972, "title": "associate_senior", "years_in_field": 24,
                   "fields": ["sanitation"], "employer_name": "成都市环境卫生科学研究所", "position": "副所长",
                   "bio": "从事环卫作业机械化与道路清扫保洁质量评价研究。", "phone": "13908023456",
                   "email": "ranguangming@example.cn"}
        applicant = {"name": "苟文静", "birth_year": 1986, "title": "intermediate", "years_in_field": 11,
                     "fields": ["recycling", "kitchen_waste"], "employer_name": "成都市固体废物管理中心",
                     "position": "工程师", "bio": "从事再生资源回收网点规划与餐厨垃圾监管。",
                     "phone": "13608034567", "email": APPLICANT_EMAIL}
        if not Expert.objects.filter(name=nominee["name"]).exists():
            with replaying(self.t.at(-3, 10)):
                services.application_submit(actor=self.user("sanitation@demo.local"), pool=pools[SANITATION_POOL],
                                            profile=nominee, nominated_by=Association.objects.get(name=SANITATION))
            self.created["applications"] = self.created.get("applications", 0) + 1
        if not Expert.objects.filter(name=applicant["name"]).exists():
            user = self.user(APPLICANT_EMAIL)
            if user is None:
                user = get_user_model()(username=APPLICANT_EMAIL, email=APPLICANT_EMAIL, full_name=applicant["name"])
                user.set_unusable_password()
                user.save()
            with replaying(self.t.at(-1, 16)):
                services.application_submit(actor=user, pool=pools[COMMITTEE_POOL], profile=applicant)
            self.created["applications"] = self.created.get("applications", 0) + 1

    def draw(self, pools: dict[str, Pool]) -> None:
        """The past lighting draw, replayed: drawn, answered (one decline), published, evaluated."""
        if Draw.objects.filter(title=DRAW_TITLE).exists():
            return
        t, admin = self.t, self.user(ADMIN_EMAIL)
        party = Firm.objects.get(uscc=demo_data().firm_named(DEMO_FIRM).uscc)
        starts_on = t.today - timedelta(days=21)
        with replaying(t.at(-31, 15)):
            draw = services.draw_create(
                actor=admin, title=DRAW_TITLE, purpose=Purpose.STANDARD, matter=DRAW_MATTER,
                pool=pools[LIGHTING_POOL], criteria=[{"field": "lighting", "count": 5, "min_title": "intermediate",
                                                      "alternates": 2}],
                starts_on=starts_on, ends_on=starts_on + timedelta(days=1), supervisor="市城管委驻委纪检组 李明",
                excluded_firms=[party], response_hours=48)
        with replaying(t.at(-30, 10)):
            services.draw_run(actor=admin, draw=draw)
        members = list(draw.selections.filter(alternate=False).order_by("order"))
        for i, selection in enumerate(members):
            token = services.invitation_token(selection)
            with replaying(t.at(-30, 14 + i)):
                if i == 2:
                    services.invitation_answer(token=token, accept=False, reason=DECLINE_REASON)
                else:
                    services.invitation_answer(token=token, accept=True, pledge=True)
        promoted = draw.selections.get(response=Selection.Response.WAITING)
        with replaying(t.at(-29, 9, 30)):
            services.invitation_answer(token=services.invitation_token(promoted), accept=True, pledge=True)
        with replaying(t.at(-28, 10)):
            services.draw_publish(actor=admin, draw=draw)
        draw.refresh_from_db()
        evaluated_on = workdays.add_workdays(draw.ends_on, 2)
        scores = (92, 88, 85, 95, 78)
        good, plain = "审查意见具体、有依据，按时提交书面意见。", "按时到会，意见较简略。"
        confirmed = draw.selections.filter(response=Selection.Response.CONFIRMED).order_by("order")
        with replaying(t.at((evaluated_on - t.today).days, 10)):
            for selection, score in zip(confirmed, scores, strict=False):
                services.evaluate(actor=admin, selection=selection, score=score,
                                  comment=good if score >= 85 else plain)
        self.created["draws"] = 1


def seed_experts() -> str:
    """The demo expert pools, experts, relations, applications and one past draw; what exists is left alone."""
    from .steps import ACTOR  # steps imports this module

    run = _Run(ACTOR)
    pools = run.pools()
    run.experts(pools)
    run.own(pools)
    run.applications(pools)
    run.draw(pools)
    created = {k: v for k, v in run.created.items() if v}
    if created:
        audit_log(actor=ACTOR, action="portal.seed_demo.experts", data=created)
    total = Expert.objects.filter(status=ExpertStatus.ACTIVE).count()
    experts = created.get("experts", 0) + created.get("own", 0)
    return (f"专家库：新建专家库 {created.get('pools', 0)} 个、专家 {experts} 名"
            f"（在库共 {total} 名）、回避关系 {created.get('relations', 0)} 条、入库申请 "
            f"{created.get('applications', 0)} 件、抽取 {created.get('draws', 0)} 次")
