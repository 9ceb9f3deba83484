"""The demo events (活动) of seed_demo, issue 8 §11 and seed 000, registered through the real services.

* 2026成都国际广告节 — a forum of the advertising association in about 25 days at 成都世纪城新国际会展中心, two days
  of agenda, speakers, a 晚宴 sub-event with its own quota. Ticket types 企业代表 (quota 120), 媒体 (quota 3: full,
  two more on the waiting list) and 嘉宾 (by invitation only, quota 30); questions 手机号, 身份证号 (企业代表 and 嘉宾,
  personal data), 是否需要停车位 → 车牌号 (only when yes), 餐饮禁忌, 座次安排 (staff only); check-in lists 主会场 and
  晚宴. Member-firm representatives registered by the association's staff; one guest of honour registered through
  an invitation and one invitation still open. ``firm@demo.local`` is *not* registered: the browser journey does it,
  and 企业代表 keeps plenty of places.
* 企业家论坛 — the committee's forum for member firms of the demo associations: approval required, at most two per
  firm; four registrations await approval, one is confirmed and one rejected with a reason.
* 2026年环卫工人节文艺汇演 — the sanitation association's gala about 60 days ago, replayed at its dates
  (``replaying`` from portal/demo/consultations.py): registrations, then entries at the door (one attendee left
  early, two never came). Its phone numbers are past their 30-day retention, so ``purge_event_personal_data``
  has something to erase.
* 《城市道路照明设施维护规范》宣贯培训 — the lighting association's public training in 10 days, one ticket type, 60
  places; ``firm@demo.local`` is registered (so “My events” shows a ticket).

Setup objects (ticket types, quotas, questions, check-in lists) are created directly; everything with a state
(registrations, approvals, invitations, check-ins) goes through ``events.services`` so the audit log is real.
``Registration.created_at`` and ``Checkin.at`` default to the unpatched clock, so the replayed ones are moved to their
moment afterwards. Idempotent: an event is looked up by title and, if found, left alone with everything in it.
"""

from datetime import time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from associations.models import Association, AssociationStaff, Firm
from associations.services import staff_bind
from core.audit import audit_log
from events import services
from events.models import (
    Audience,
    Checkin,
    CheckinList,
    EventPage,
    EventSpeaker,
    Question,
    Quota,
    Registration,
    RegistrationSetup,
    SubEvent,
    TicketType,
)
from events.services.questions import ID_CHECK, ID_WEIGHTS

from .accounts import DEMO_FIRM, LIGHTING, SANITATION, STAFF_STAFF
from .consultations import ADMIN_EMAIL, Timeline, replaying
from .organisations import ASSOCIATIONS_BY_SECTOR, demo_data

ADVERTISING = ASSOCIATIONS_BY_SECTOR["advertising"]
FESTIVAL = "2026成都国际广告节"
FORUM = "企业家论坛"
GALA = "2026年环卫工人节文艺汇演"
TRAINING = "《城市道路照明设施维护规范》宣贯培训"
TITLES = (FESTIVAL, FORUM, GALA, TRAINING)
ADVERTISING_STAFF = "advertising@demo.local"
FIRM_EMAIL = "firm@demo.local"
REJECT_REASON = "本期论坛面向会员单位主要负责人，报名人员不是企业负责人，请由企业负责人报名。"
PEOPLE = ("王志远", "李秀兰", "张德明", "刘海燕", "陈建平", "杨丽华", "黄永康", "赵春林", "吴晓峰", "周雪梅",
          "徐宏伟", "孙玉兰", "马立新", "朱红梅", "胡光辉", "郭思远", "何雅琴", "罗慧敏", "高长青", "林若兰",
          "梁正和", "宋子谦", "唐学文", "韩锦程", "冯清源", "邓维安", "曹家富", "彭成刚", "曾嘉陵", "肖蜀光")
PRESS = (("赵敏", "成都日报社"), ("钱晓宇", "四川广播电视台"), ("孙佳怡", "红星新闻"), ("李子航", "封面新闻"),
         ("周若彤", "成都商报社"))
DIET = ["清真", "素食", "不吃辣", "海鲜过敏"]


def id_number(i: int) -> str:
    """A valid (checksummed) demo 身份证号: 成都市锦江区, born 1970–1995."""
    body = f"510104{1970 + i % 26}{1 + i % 12:02d}{1 + i % 28:02d}{100 + i:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def _session(h1, m1, h2, m2, *, title, day=None, speakers="", location=""):
    """One agenda session in the StreamField's (block type, value) form."""
    return ("session", {"day": day, "start": time(h1, m1), "end": time(h2, m2), "title": title,
                        "speakers": speakers, "location": location})


def phone(i: int) -> str:
    return f"139{80000000 + i * 7919:08d}"


class _Run:
    def __init__(self):
        self.t = Timeline(timezone.localdate())
        self.created: dict[str, int] = {}
        self.people = iter(PEOPLE)

    def count(self, key: str, n: int = 1):
        self.created[key] = self.created.get(key, 0) + n

    def user(self, email: str):
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        return address.user if address else get_user_model().objects.filter(email__iexact=email).first()

    def extra_user(self, email: str, full_name: str, association: Association | None = None):
        """A user without a demo login (unusable password), created for the demo registrations only."""
        user = self.user(email)
        if user is None:
            user = get_user_model()(username=email, email=email, full_name=full_name)
            user.set_unusable_password()
            user.save()
            self.count("users")
        if association and not AssociationStaff.objects.filter(user=user, association=association).exists():
            staff_bind(actor="seed_demo", user=user, association=association, role=STAFF_STAFF)
        return user

    def member_firms(self, association: str, n: int, skip=()) -> list[Firm]:
        data = demo_data()
        usccs = [m.firm_uscc for m in data.memberships if m.association == association]
        skipped = {data.firm_named(name).uscc for name in skip}
        usccs = [u for u in dict.fromkeys(usccs) if u not in skipped][:n]
        by_uscc = {f.uscc: f for f in Firm.objects.filter(uscc__in=usccs)}
        return [by_uscc[u] for u in usccs]

    def page(self, title: str, slug: str, **fields) -> EventPage | None:
        """The published event page, or None when it exists already (then the event is left alone)."""
        from portal.setup import ensure_event_index

        if EventPage.objects.filter(title=title).exists():
            return None
        index = ensure_event_index()
        event = EventPage(title=title, slug=slug, **fields)
        index.add_child(instance=event)
        event.save_revision().publish()
        event.refresh_from_db()
        self.count("events")
        return event

    def colleague(self, event, actor, firm, ticket, i, answers=None, sub_events=()) -> Registration:
        name = next(self.people)
        return services.register(event=event, actor=actor, ticket_type=ticket, name=name,
                                 email=f"demo-attendee{i:03d}@example.cn", firm=firm, answers=answers or {},
                                 sub_events=sub_events, for_colleague=True)

    # --- the events ----------------------------------------------------------------------------------------

    def festival(self):
        t, start = self.t, self.t.at(25, 9)
        organiser = Association.objects.get(name=ADVERTISING.name)
        day1, day2 = start.date(), start.date() + timedelta(days=1)
        agenda = [
            _session(9, 0, 9, 30, day=day1, title="开幕式",
                     speakers="市城管委、四川省广告协会领导", location="主会场"),
            _session(9, 30, 11, 30, day=day1, title="主旨演讲：公园城市的户外广告与城市风貌",
                     speakers="罗文静", location="主会场"),
            _session(14, 0, 17, 0, day=day1, title="户外广告招牌示范街创建经验交流",
                     speakers="各区（市）县城管部门", location="主会场"),
            _session(18, 30, 20, 30, day=day1, title="晚宴", location="宴会厅"),
            _session(9, 0, 11, 30, day=day2, title="户外广告设施结构安全论坛",
                     speakers="行业专家", location="2号会议室"),
            _session(14, 0, 16, 30, day=day2, title="年度优秀户外广告作品颁奖",
                     location="主会场"),
        ]
        event = self.page(
            FESTIVAL, "2026-chengdu-advertising-festival", event_type="forum", organiser=organiser,
            co_organisers=f"{ASSOCIATIONS_BY_SECTOR['lighting'].name}", starts_at=start,
            ends_at=t.at(26, 17), venue="成都世纪城新国际会展中心", venue_address="成都市高新区天府大道中段1号",
            summary="广告行业年度盛会：主旨演讲、示范街创建经验交流、结构安全论坛和优秀作品颁奖。",
            body="<p>成都国际广告节由市城管委指导、四川省广告协会主办，搭建政企间交流合作的平台。</p>",
            agenda=agenda, speakers=[
                EventSpeaker(name="罗文静", affiliation="四川省广告协会秘书长", topic="公园城市的户外广告与城市风貌"),
                EventSpeaker(name="梁建新", affiliation="西南交通大学教授", topic="户外广告设施结构安全")])
        if event is None:
            return
        RegistrationSetup.objects.create(event=event, opens_at=t.at(-10, 9), closes_at=t.at(23, 18),
                                         contact="四川省广告协会 028-86600000")
        rep = TicketType.objects.create(event=event, name="企业代表", position=1)
        press = TicketType.objects.create(event=event, name="媒体", position=2)
        guest = TicketType.objects.create(event=event, name="嘉宾", invitation_only=True, position=3)
        for name, size, ticket in (("企业代表", 120, rep), ("媒体", 3, press), ("嘉宾", 30, guest)):
            Quota.objects.create(event=event, name=name, size=size).ticket_types.add(ticket)
        dinner = SubEvent.objects.create(event=event, name="晚宴", starts_at=t.at(25, 18, 30), ends_at=t.at(25, 20, 30),
                                         location="会展中心宴会厅")
        Quota.objects.create(event=event, name="晚宴", size=80, sub_event=dinner)
        q = {}
        q["phone"] = Question.objects.create(event=event, label="手机号", kind="phone", required=True,
                                             personal_data=True, retention_days=90, position=1)
        q["id"] = Question.objects.create(event=event, label="身份证号", kind="id_number", required=True,
                                          personal_data=True, retention_days=30, position=2,
                                          help_text="会场安保实名登记使用，活动结束30天后删除。")
        q["id"].ticket_types.set([rep, guest])
        q["parking"] = Question.objects.create(event=event, label="是否需要停车位", kind="yesno", position=3)
        q["plate"] = Question.objects.create(event=event, label="车牌号", kind="text", show_if=q["parking"],
                                             show_if_values=["yes"], show_at_checkin=True, position=4)
        q["diet"] = Question.objects.create(event=event, label="餐饮禁忌", kind="multi", choices=DIET, position=5)
        q["seat"] = Question.objects.create(event=event, label="座次安排", kind="text", staff_only=True,
                                            show_at_checkin=True, position=6)
        CheckinList.objects.create(event=event, name="主会场")
        CheckinList.objects.create(event=event, name="晚宴", sub_event=dinner)
        self.count("setup")

        staff = self.extra_user(ADVERTISING_STAFF, ADVERTISING.contact_person, organiser)
        for i, firm in enumerate(self.member_firms(ADVERTISING.name, 10)):
            answers = {q["phone"].field_name: phone(i), q["id"].field_name: id_number(i),
                       q["parking"].field_name: "yes" if i % 3 == 0 else "no",
                       q["diet"].field_name: [DIET[i % 4]] if i % 4 == 1 else []}
            if i % 3 == 0:
                answers[q["plate"].field_name] = f"川A{12345 + i * 11:05d}"
            self.colleague(event, staff, firm, rep, i, answers, sub_events=[dinner] if i % 2 == 0 else [])
            self.count("registrations")
        for i, (name, outlet) in enumerate(PRESS):  # the third fills the quota; two join the waiting list
            email = f"press{i + 1}@example.cn"
            reporter = self.extra_user(email, name)
            services.register(event=event, actor=reporter, ticket_type=press, name=name, email=email,
                              company=outlet, answers={q["phone"].field_name: phone(40 + i)})
            self.count("registrations")
        admin = self.user(ADMIN_EMAIL)
        honour = services.invitation_create(event=event, actor=admin, ticket_type=guest, name="刘明远",
                                            email="liumingyuan@example.cn", lock_email=True, valid_until=start)
        guest_user = self.extra_user("liumingyuan@example.cn", "刘明远")
        services.register(event=event, actor=guest_user, ticket_type=guest, name="刘明远",
                          email="liumingyuan@example.cn", company="四川省广告协会（名誉会长）",
                          answers={q["phone"].field_name: phone(50), q["id"].field_name: id_number(50)},
                          sub_events=[dinner], invitation=honour)
        services.invitation_create(event=event, actor=admin, ticket_type=guest, name="张国华",
                                   email="zhangguohua@example.cn", lock_email=True, valid_until=start)
        self.count("invitations", 2)
        self.count("registrations")

    def forum(self):
        t = self.t
        event = self.page(
            FORUM, "entrepreneurs-forum", event_type="forum", organiser=None, starts_at=t.at(20, 14),
            ends_at=t.at(20, 17, 30), venue="成都市城市管理委员会 3楼报告厅", venue_address="成都市锦江区三色路38号",
            summary="市城管委与各行业协会会员企业负责人座谈：融资、市场、技术等实际困难和城市管理产业链合作。",
            agenda=[_session(14, 0, 15, 30, title="主题发言", location="报告厅"),
                    _session(15, 30, 17, 30, title="企业家座谈", location="报告厅")])
        if event is None:
            return
        setup = RegistrationSetup.objects.create(event=event, opens_at=t.at(-7, 9), closes_at=t.at(17, 18),
                                                 audience=Audience.MEMBERS, approval_required=True,
                                                 limit_per_firm=2, contact="市城管委 028-61880000")
        setup.associations.set(Association.objects.filter(name__in=[a.name for a in ASSOCIATIONS_BY_SECTOR.values()]))
        ticket = TicketType.objects.create(event=event, name="企业负责人")
        Quota.objects.create(event=event, name="报告厅", size=80)
        CheckinList.objects.create(event=event, name="报告厅")
        self.count("setup")
        lighting, sanitation = self.user("lighting@demo.local"), self.user("sanitation@demo.local")
        regs = []
        for j, firm in enumerate(self.member_firms(LIGHTING, 3, skip=(DEMO_FIRM,))):
            regs.append(self.colleague(event, lighting, firm, ticket, 100 + j))
        for j, firm in enumerate(self.member_firms(SANITATION, 3)):
            regs.append(self.colleague(event, sanitation, firm, ticket, 110 + j))
        self.count("registrations", len(regs))
        admin = self.user(ADMIN_EMAIL)
        services.approve(regs[0], actor=admin)
        services.reject(regs[3], actor=admin, reason=REJECT_REASON)

    def gala(self):
        t = self.t
        organiser = Association.objects.get(name=SANITATION)
        start = t.at(-60, 19)
        event = self.page(
            GALA, "2026-sanitation-workers-day-gala", event_type="performance", organiser=organiser,
            starts_at=start, ends_at=t.at(-60, 21, 30), venue="成都市城市音乐厅", venue_address="成都市武侯区致民路1号",
            summary="致敬城市美容师：环卫工人节文艺汇演，节目由各环卫作业单位职工自编自演。",
            agenda=[_session(19, 0, 19, 15, title="致辞"),
                    _session(19, 15, 21, 30, title="文艺演出")])
        if event is None:
            return
        RegistrationSetup.objects.create(event=event, opens_at=t.at(-80, 9), closes_at=t.at(-61, 18))
        ticket = TicketType.objects.create(event=event, name="观众")
        Quota.objects.create(event=event, name="音乐厅", size=200)
        q_phone = Question.objects.create(event=event, label="手机号", kind="phone", required=True,
                                          personal_data=True, retention_days=30)
        door = CheckinList.objects.create(event=event, name="主会场")
        self.count("setup")
        staff = self.user("sanitation@demo.local")
        regs = []
        for j, firm in enumerate(self.member_firms(SANITATION, 8)):
            moment = t.at(-75 + j, 10)
            with replaying(moment):
                regs.append(self.colleague(event, staff, firm, ticket, 200 + j, {q_phone.field_name: phone(200 + j)}))
            Registration.objects.filter(pk=regs[-1].pk).update(created_at=moment)
        self.count("registrations", len(regs))
        for j, reg in enumerate(regs[:6]):  # the last two never came
            self.scan(door, reg, staff, t.at(-60, 18, 30 + j * 4), "entry")
        self.scan(door, regs[2], staff, t.at(-60, 20, 10), "exit")

    def scan(self, door, registration, actor, moment, kind):
        with replaying(moment):
            result = services.scan(door, payload=registration.token, actor=actor, kind=kind)
        if not result.ok:
            raise RuntimeError(f"Demo check-in refused: {result.message}")
        Checkin.objects.filter(pk=result.checkin.pk).update(at=moment)
        self.count("checkins")

    def training(self):
        t = self.t
        organiser = Association.objects.get(name=LIGHTING)
        event = self.page(
            TRAINING, "lighting-maintenance-standard-training", event_type="training", organiser=organiser,
            starts_at=t.at(10, 9), ends_at=t.at(10, 17), venue="四川省照明电器协会培训中心",
            venue_address="成都市武侯区人民南路四段27号",
            summary="宣贯《城市道路照明设施维护规范》：巡查频次、故障修复时限、智慧多功能灯杆挂载设备的维护分工。",
            agenda=[_session(9, 0, 12, 0, title="规范条文解读", speakers="何光辉"),
                    _session(14, 0, 16, 30, title="案例分析与答疑")])
        if event is None:
            return
        RegistrationSetup.objects.create(event=event, opens_at=t.at(-5, 9), closes_at=t.at(9, 12),
                                         contact="四川省照明电器协会 028-86214375")
        ticket = TicketType.objects.create(event=event, name="学员")
        Quota.objects.create(event=event, name="培训教室", size=60)
        q_phone = Question.objects.create(event=event, label="手机号", kind="phone", required=True,
                                          personal_data=True, retention_days=90)
        CheckinList.objects.create(event=event, name="培训教室")
        self.count("setup")
        staff = self.user("lighting@demo.local")
        for j, firm in enumerate(self.member_firms(LIGHTING, 4, skip=(DEMO_FIRM,))):
            self.colleague(event, staff, firm, ticket, 300 + j, {q_phone.field_name: phone(300 + j)})
        demo_firm = Firm.objects.get(uscc=demo_data().firm_named(DEMO_FIRM).uscc)
        user = self.user(FIRM_EMAIL)
        services.register(event=event, actor=user, ticket_type=ticket, name=user.full_name or "陈志强",
                          email=FIRM_EMAIL, firm=demo_firm, answers={q_phone.field_name: "13880012345"})
        self.count("registrations", 5)


def seed_events() -> str:
    """The four demo events; an event that exists (by title) is left alone."""
    from .steps import ACTOR  # steps imports this module

    run = _Run()
    run.festival()
    run.forum()
    run.gala()
    run.training()
    created = {k: v for k, v in run.created.items() if v}
    if created:
        audit_log(actor=ACTOR, action="portal.seed_demo.events", data=created)
    total = Registration.objects.filter(event__title__in=TITLES).count()
    return (f"活动：新建 {created.get('events', 0)} 个（共 {EventPage.objects.filter(title__in=TITLES).count()} 个）、"
            f"报名 {created.get('registrations', 0)} 条（共 {total} 条）、签到 {created.get('checkins', 0)} 次、"
            f"邀请 {created.get('invitations', 0)} 份")
