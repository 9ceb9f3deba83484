"""Reads of the policy library shared by the library page, the policy page, the feeds and the API.

Every function decides its own select_related/prefetch_related so that the pages using it keep a query count
that does not grow with the number of policies, attachments or interpretations.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import CharField, Q
from django.db.models.functions import Cast, Substr
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag

from core.params import single_line

from .models import Category, IssuingBody, PolicyAttachment, PolicyPage, Validity

PAGE_SIZE = 20
SORTS = {"newest": ("-date_published", "-pk"), "oldest": ("date_published", "pk")}
SORT_CHOICES = [("newest", gettext_lazy("Newest first")), ("oldest", gettext_lazy("Oldest first"))]
MAX_TEXT = 100

# Labels of the filter fields, used in the "ignored" notice.
FILTER_LABELS = {
    "category": gettext_lazy("Category"),
    "issuing_body": gettext_lazy("Issuing body"),
    "year": gettext_lazy("Year"),
    "validity": gettext_lazy("Validity"),
    "topic": gettext_lazy("Topic"),
    "sort": gettext_lazy("Sort order"),
}


def _clean_text(value) -> str:
    return single_line(value, limit=MAX_TEXT)


@dataclass
class PolicyFilters:
    """Cleaned filter values. Unknown values are dropped and reported in `ignored` (never an error page).

    `issuing_bodies` and `topics`, when given, are the values that exist; a value outside them is ignored too.
    """

    category: str = ""
    issuing_body: int | None = None
    year: int | None = None
    validity: str = ""
    topic: str = ""
    q: str = ""
    sort: str = "newest"
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params, *, issuing_bodies=None, topics=None) -> "PolicyFilters":
        f = cls()
        category = _clean_text(params.get("category"))
        if category:
            if category in Category.values:
                f.category = category
            else:
                f.ignored.append("category")
        body = _clean_text(params.get("issuing_body"))
        if body:
            if body.isascii() and body.isdigit() and (issuing_bodies is None or int(body) in issuing_bodies):
                f.issuing_body = int(body)
            else:
                f.ignored.append("issuing_body")
        year = _clean_text(params.get("year"))
        if year:
            if year.isascii() and year.isdigit() and 1949 <= int(year) <= 2100:
                f.year = int(year)
            else:
                f.ignored.append("year")
        validity = _clean_text(params.get("validity"))
        if validity:
            if validity in Validity.values:
                f.validity = validity
            else:
                f.ignored.append("validity")
        topic = _clean_text(params.get("topic"))
        if topic:
            if topics is None or topic in topics:
                f.topic = topic
            else:
                f.ignored.append("topic")
        f.q = _clean_text(params.get("q"))
        sort = _clean_text(params.get("sort"))
        if sort in SORTS:
            f.sort = sort
        elif sort:
            f.ignored.append("sort")
        return f

    @property
    def active(self) -> bool:
        return bool(self.category or self.issuing_body or self.year or self.validity or self.topic or self.q)

    def as_querydict(self) -> QueryDict:
        """The cleaned values as query parameters (for pagination links that keep the filters)."""
        params = QueryDict(mutable=True)
        for name in ("category", "issuing_body", "year", "validity", "topic", "q"):
            value = getattr(self, name)
            if value:
                params[name] = str(value)
        if self.sort != "newest":
            params["sort"] = self.sort
        return params

    @property
    def ignored_labels(self) -> list[str]:
        return [str(FILTER_LABELS[name]) for name in self.ignored]


def not_yet_in_force_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(validity=Validity.IN_FORCE, date_effective__gt=today)


def filter_policies(qs, f: PolicyFilters):
    if f.category:
        qs = qs.filter(category=f.category)
    if f.issuing_body:
        qs = qs.filter(issuing_body_id=f.issuing_body)
    if f.year:
        qs = qs.filter(date_published__year=f.year)
    if f.validity:
        not_yet = not_yet_in_force_q()
        if f.validity == Validity.NOT_YET:
            qs = qs.filter(not_yet)
        elif f.validity == Validity.IN_FORCE:
            qs = qs.filter(validity=Validity.IN_FORCE).exclude(not_yet)
        else:
            qs = qs.filter(validity=f.validity)
    if f.topic:
        qs = qs.filter(pk__in=PolicyPage.objects.filter(tags__name=f.topic).values("pk"))
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(document_number__icontains=f.q) | Q(keywords__icontains=f.q))
    return qs.order_by(*SORTS[f.sort])


def live_policies():
    return PolicyPage.objects.live().public().select_related("issuing_body")


def policy_topics(index=None) -> list[str]:
    """主题 tags used by live policies (of one library), sorted by pinyin."""
    pages = PolicyPage.objects.live()
    if index is not None:
        pages = pages.child_of(index)
    names = Tag.objects.filter(portal_policypagetag_items__content_object__in=pages.values("pk"))
    return sorted(set(names.values_list("name", flat=True)), key=pinyin_key)


def pinyin_key(text: str) -> str:
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # pragma: no cover - pypinyin is a dependency; sort by code point without it
        return text
    return " ".join(lazy_pinyin(text))


def policy_years(index) -> set[int]:
    """The years with a live policy. The year is cut from the date's text (YYYY-MM-DD) in SQL: ``.dates()`` would
    truncate every row's date in a Python function on SQLite (5,000 calls per page view on a large library)."""
    year = Substr(Cast("date_published", CharField()), 1, 4)
    values = (PolicyPage.objects.live().child_of(index).annotate(year=year).order_by()
              .values_list("year", flat=True).distinct())
    return {int(value) for value in values if value and value.isdigit()}


def policy_library_context(*, index, params) -> dict:
    """Context of the library page: the filter form's options, the cleaned filters and one page of results.

    Queries: issuing bodies, topics, years, count, the page of rows (with their issuing bodies), the view
    restrictions of public(), whatever the number of policies.
    """
    issuing_bodies = list(IssuingBody.objects.all())
    topics = policy_topics(index)
    filters = PolicyFilters.from_params(params, issuing_bodies={b.pk for b in issuing_bodies}, topics=set(topics))
    qs = filter_policies(live_policies().child_of(index), filters)
    page = Paginator(qs, PAGE_SIZE).get_page(_clean_text(params.get("page")) or 1)
    years = policy_years(index)
    if filters.year:
        years.add(filters.year)  # a valid year without policies stays selected (and shows no results)
    years = sorted(years, reverse=True)
    ignored_message = ""
    if filters.ignored:
        ignored_message = _("Some filter values were not recognised and were ignored: %(fields)s.") % {
            "fields": "、".join(filters.ignored_labels)
        }
    return {
        "filters": filters,
        "filter_params": filters.as_querydict(),
        "policies": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "categories": Category.choices,
        "validities": Validity.choices,
        "sorts": SORT_CHOICES,
        "issuing_bodies": issuing_bodies,
        "topics": topics,
        "years": years,
        "ignored_message": ignored_message,
    }


def latest_policies(limit: int = 6):
    return list(live_policies().order_by("-date_published", "-pk")[:limit])


def current_version_of(page):
    """The newest live version reached through 'superseded by' (None when there is none), in two queries.

    The chain is followed over (id, superseded_by) pairs, so its length does not add queries; a loop in the
    data ends the walk.
    """
    if not page.superseded_by_id:
        return None
    links = dict(PolicyPage.objects.filter(superseded_by__isnull=False).values_list("pk", "superseded_by_id"))
    chain, seen, pk = [], {page.pk}, page.superseded_by_id
    while pk is not None and pk not in seen:
        chain.append(pk)
        seen.add(pk)
        pk = links.get(pk)
    live = live_policies().in_bulk(chain)
    for pk in reversed(chain):
        if pk in live:
            return live[pk]
    return None


def policy_detail_context(page) -> dict:
    """Everything the policy page shows besides the page's own fields, in a fixed number of queries."""
    attachments = list(
        PolicyAttachment.objects.filter(page=page).select_related("document").order_by("sort_order", "pk")
    )
    linked = [pk for pk in (page.interprets_id, page.superseded_by_id) if pk]
    related = (
        live_policies()
        .filter(Q(interprets=page) | Q(superseded_by=page) | Q(pk__in=linked))
        .order_by("-date_published", "-pk")
    )
    interpretations, supersedes, interprets, superseded_by = [], [], None, None
    for other in related:
        if other.pk == page.interprets_id:
            interprets = other
        if other.pk == page.superseded_by_id:
            superseded_by = other
        if other.interprets_id == page.pk:
            interpretations.append(other)
        if other.superseded_by_id == page.pk:
            supersedes.append(other)
    current_version = None
    if page.superseded_by_id:
        current_version = superseded_by if superseded_by and not superseded_by.superseded_by_id else None
        current_version = current_version or current_version_of(page)
    return {
        "library": page.get_parent(),
        "issuing_body": page.issuing_body,
        "attachments": attachments,
        "interpretations": interpretations,
        "interprets": interprets,
        "supersedes": supersedes,
        "superseded_by": superseded_by,
        "current_version": current_version,
        "topics": [tag.name for tag in page.tags.all()],
    }
