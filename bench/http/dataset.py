"""The scaled dataset of `make bench`, added on top of `manage.py seed_demo` (run with bench.http.settings).

At scale 1: 5,000 published policy pages in the policy library, 300 consultations (the demo's open one gets 500
submitted comments; the demo's closed one has its published outcome), 10,000 firms × 20 credit events with the
ratings of a finalised round (bench/credit.py's builder), 2,000 experts, 50 events with 1,000 registrations
(bench/bench_events.py's builder, all on one event), and the demo's award campaign with final results.

Pages are written without revisions, as an import of already published pages would: the Page rows with
bulk_create (tree paths computed here), then the PolicyPage rows into their own table. The search index is not
touched (AUTO_UPDATE is off while building); `manage.py update_index` rebuilds it afterwards.
"""

import random
import time
import uuid
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from wagtail.models import Page

from associations.models import name_pinyin
from awards.models import Campaign, CampaignState
from bench import bench_events
from bench import credit as credit_bench
from consultations import permissions as consultation_permissions
from consultations import services as consultation_services
from consultations.models import Comment, Consultation, Kind
from credit import services as credit_services
from credit.models import Rating, RatingRound
from events.models import EventPage
from experts.models import Expert
from portal.demo.consultations import CLOSED_TITLE, OPEN_TITLE, replaying
from portal.policies.models import Category, IssuingBody, PolicyIndexPage, PolicyPage

TOPICS = ["道路照明", "城市照明", "户外广告", "环境卫生", "餐厨垃圾", "再生资源", "渣土运输", "市政设施", "机动车清洗",
          "园林绿化", "窨井盖", "智慧灯杆", "垃圾分类", "公厕", "扬尘"]
VERBS = ["管理办法", "实施细则", "技术规范", "专项整治方案", "考核办法", "工作通知", "服务标准", "应急预案"]
DISTRICTS = ["锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "新都区", "温江区", "双流区", "郫都区"]
ORGS = ["成城管发", "成城管函", "成城管规", "成办发"]


def sizes(scale: float) -> dict:
    def n(full):
        return max(1, round(full * scale))

    return {"policies": n(5000), "consultations": max(3, n(300)), "comments": n(500), "firms": n(10_000),
            "credit_events": 20, "experts": n(2000), "events": max(2, n(50)), "registrations": n(1000)}


def _paragraphs(rnd: random.Random, topic: str, district: str) -> list[dict]:
    sentences = [
        f"为加强{topic}管理，提升城市精细化管理水平，根据有关法律法规，结合本市实际，制定本办法。",
        f"{district}城市管理部门负责本辖区{topic}的监督检查，每月开展巡查不少于{rnd.randint(2, 8)}次。",
        f"对{topic}养护不到位的，由城市管理部门责令限期改正，"
        f"处{rnd.randint(1, 5)}千元以上{rnd.randint(6, 20)}千元以下罚款。",
        "推广LED和智慧照明技术，道路照明亮灯率应当不低于98%。",
        "市民可通过12345热线反映问题，有关部门应当在5个工作日内答复。",
    ]
    rnd.shuffle(sentences)
    return [{"type": "paragraph", "value": f"<p>{text}</p>", "id": str(uuid.uuid4())}
            for text in sentences[:rnd.randint(3, 5)]]


def build_policies(n: int, seed: int = 1) -> PolicyIndexPage:
    """``n`` live PolicyPages under the policy library, with treebeard paths after the existing children."""
    rnd = random.Random(seed)
    library = PolicyIndexPage.objects.get(pk=PolicyIndexPage.objects.first().pk)
    bodies = list(IssuingBody.objects.order_by("sort_order"))
    content_type = ContentType.objects.get_for_model(PolicyPage)
    last = library.get_children().aggregate(last=Max("path"))["last"]
    step = Page._str2int(last[-Page.steplen:]) if last else 0
    categories = [c for c in Category.values if c != Category.INTERPRETATION]
    now = timezone.now()
    policies = []
    for i in range(n):
        topic, district = TOPICS[i % len(TOPICS)], DISTRICTS[rnd.randrange(len(DISTRICTS))]
        year = 2015 + i % 11
        written = date(year, 1 + i % 12, 1 + i % 28)
        slug = f"bench-policy-{i:05d}"
        title = f"{district}{topic}{VERBS[rnd.randrange(len(VERBS))]}（第{i + 1}号）"
        policies.append(PolicyPage(
            title=title, draft_title=title, slug=slug, content_type=content_type, locale_id=library.locale_id,
            live=True, has_unpublished_changes=False, url_path=f"{library.url_path}{slug}/",
            path=Page._get_path(library.path, library.depth + 1, step + i + 1), depth=library.depth + 1, numchild=0,
            first_published_at=now, last_published_at=now, translation_key=uuid.uuid4(),
            index_number=f"BENCH/{year}-{i:05d}", document_number=f"{ORGS[i % len(ORGS)]}〔{year}〕{100 + i}号",
            issuing_body=bodies[i % len(bodies)], category=categories[i % len(categories)], keywords=topic,
            date_written=written, date_published=written + timedelta(days=3), date_effective=written + timedelta(30),
            summary=f"规范{district}{topic}工作，明确职责分工和监督考核要求。", body=_paragraphs(rnd, topic, district)))
    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    own_fields = PolicyPage._meta.local_concrete_fields
    with transaction.atomic():
        for start in range(0, n, 500):
            batch = policies[start:start + 500]
            rows = Page.objects.bulk_create(
                [Page(**{f.attname: getattr(p, f.attname) for f in page_fields}) for p in batch])
            for policy, row in zip(batch, rows, strict=True):
                policy.pk = policy.page_ptr_id = row.pk
            for chunk in range(0, len(batch), 50):  # SQLite's limit on parameters per statement
                PolicyPage._base_manager._insert(batch[chunk:chunk + 50], fields=own_fields, using=connection.alias)
        Page.objects.filter(pk=library.pk).update(numchild=F("numchild") + n)
    return library


def build_consultations(total: int, comments: int) -> tuple[Consultation, Consultation]:
    """Fill the demo's three consultations up to ``total`` (past ones, bulk) and give the open one ``comments``
    submitted comments through the service (as the 餐厨 association's staff). Returns (open, closed)."""
    opened = Consultation.objects.get(title=OPEN_TITLE)
    closed = Consultation.objects.get(title=CLOSED_TITLE)
    now = timezone.now()
    existing = Consultation.objects.count()
    Consultation.objects.bulk_create(
        (Consultation(title=f"{TOPICS[i % len(TOPICS)]}{VERBS[i % len(VERBS)]}（征求意见稿）第{i}稿",
                      kind=Kind.STANDARD, department="市城管委法规处", starts_at=now - timedelta(days=60 + i),
                      ends_at=now - timedelta(days=30 + i), year=2020 + i % 6, sequence=1000 + i,
                      published_at=now - timedelta(days=60 + i))
         for i in range(max(0, total - existing))), batch_size=200)
    user = (opened.comments.filter(author_kind=Comment.AuthorKind.ASSOCIATION).select_related("submitted_by")
            .order_by("pk").first().submitted_by)  # an association's staff who commented in the demo
    speaker = next(s for s in consultation_permissions.speakers_for(user, opened)
                   if s.kind == Comment.AuthorKind.ASSOCIATION)
    version = opened.versions.filter(published_at__isnull=False).order_by("-number").first()
    articles = [a for a in version.articles.all() if a.commentable]
    with replaying(opened.starts_at + timedelta(hours=1)):
        for i in range(comments):
            consultation_services.comment_submit(
                actor=user, consultation=opened, speaker=speaker.value,
                article=articles[i % len(articles)] if i % 5 else None,
                problem=f"第{i + 1}条基准意见：收运频次的规定与{DISTRICTS[i % len(DISTRICTS)]}实际不符。",
                reason="基准测试", suggestion="建议按区分类规定。")
    return opened, closed


def build_credit(n_firms: int, n_events: int) -> RatingRound:
    """bench/credit.py's firms and events, then a round computed, published and finalised after its 公示."""
    admin, scheme = credit_bench.build(n_firms, n_events)
    rating_round = credit_services.round_open(actor=admin, scheme=scheme, sector="municipal", name="基准测试年度评价",
                                              as_of=credit_bench.AS_OF)
    credit_services.round_compute(actor=admin, rating_round=rating_round)
    rating_round = credit_services.round_publish(actor=admin, rating_round=rating_round)
    RatingRound.objects.filter(pk=rating_round.pk).update(notice_ends_on=timezone.localdate() - timedelta(days=1))
    rating_round.refresh_from_db()
    return credit_services.round_finalise(actor=admin, rating_round=rating_round)


def build_experts(n: int) -> None:
    experts = []
    for i in range(n):
        name = f"{'王李张刘陈杨黄赵周吴'[i % 10]}{'建国丽华志强晓燕海涛文静'[i % 6 * 2:i % 6 * 2 + 2]}{i:04d}"
        full, initials = name_pinyin(name)
        field = ["lighting", "advertising", "sanitation", "municipal"][i % 4]
        experts.append(Expert(name=name, name_pinyin=full, name_initials=initials[:20], birth_year=1960 + i % 30,
                              title="senior" if i % 3 else "intermediate", years_in_field=5 + i % 25, fields=[field],
                              fields_key=f"|{field}|", status="active", employer_name="成都市市政工程设计研究院",
                              bio="长期从事城市管理领域的技术和管理工作。"))
    Expert.objects.bulk_create(experts, batch_size=500)


def build_events(n_events: int, n_registrations: int) -> EventPage:
    """One event with every registration (bench/bench_events.py), and ``n_events - 1`` more without any."""
    _admin, users, event, parts = bench_events.build(n_registrations)
    for i, user in enumerate(users):
        bench_events.register_one(event, user, i, parts)
    start = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    for i in range(n_events - 1):
        bench_events.add_event(f"基准测试：{TOPICS[i % len(TOPICS)]}行业交流会{i + 1}", f"bench-event-{i:03d}",
                               start + timedelta(days=i))
    return event


def build_all(scale: float, log=print) -> dict:
    """Everything above at ``scale``; returns the sizes built."""
    n = sizes(scale)
    steps = (
        ("policies", lambda: build_policies(n["policies"])),
        ("consultations", lambda: build_consultations(n["consultations"], n["comments"])),
        ("credit", lambda: build_credit(n["firms"], n["credit_events"])),
        ("experts", lambda: build_experts(n["experts"])),
        ("events", lambda: build_events(n["events"], n["registrations"])),
    )
    for label, step in steps:
        started = time.perf_counter()
        step()
        log(f"  built {label} in {time.perf_counter() - started:.1f} s")
    return n


def award_with_results() -> Campaign:
    return Campaign.objects.filter(state=CampaignState.FINISHED).order_by("pk").first()


def bench_urls() -> dict[str, str]:
    """The pages to measure, found in the built database (label → path)."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.urls import reverse

    policy = PolicyPage.objects.live().filter(slug__startswith="bench-policy-").order_by("path").first()
    # A firm of bench/credit.py (20 events, rated in the final round). Its code fails the check character, so the
    # lookup runs its search and lists the match; a valid code of a known firm would be a 302 to the firm page.
    firm_code = (Rating.objects.filter(round__name="基准测试年度评价", firm__uscc__startswith="915101000")
                 .order_by("firm_id").values_list("firm__uscc", flat=True)[0])
    opened = Consultation.objects.get(title=OPEN_TITLE)
    closed = Consultation.objects.get(title=CLOSED_TITLE)
    event = EventPage.objects.live().get(slug="bench-festival")
    from django.utils.encoding import iri_to_uri

    urls = {
        "home": "/",
        "policy library": PolicyIndexPage.objects.first().url,
        "policy page": policy.url,
        "site search": "/search/?q=照明",
        "consultation (open, comments)": reverse("consultations:detail", args=[opened.pk]),
        "consultation outcome": reverse("consultations:outcome", args=[closed.pk]),
        "credit lookup by code": f"{reverse('credit:lookup')}?q={firm_code}",
        "firm credit page": reverse("credit:firm", args=[firm_code]),
        "expert directory": reverse("experts:directory"),
        "event page": event.url,
        "award results": reverse("awards:detail", args=[award_with_results().pk]),
        "static CSS": staticfiles_storage.url("css/portal.css"),
    }
    return {label: iri_to_uri(path) for label, path in urls.items()}

