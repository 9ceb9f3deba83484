"""Reads of the policy library shared by the library page, the feeds and the API."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Category, IssuingBody, PolicyPage, Validity

PAGE_SIZE = 20
SORTS = {"newest": ("-date_published", "-pk"), "oldest": ("date_published", "pk")}


@dataclass
class PolicyFilters:
    """Cleaned filter values. Unknown values are dropped and reported in `ignored` (never an error page)."""

    category: str = ""
    issuing_body: int | None = None
    year: int | None = None
    validity: str = ""
    topic: str = ""
    q: str = ""
    sort: str = "newest"
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params) -> "PolicyFilters":
        f = cls()
        category = params.get("category", "").strip()
        if category:
            if category in Category.values:
                f.category = category
            else:
                f.ignored.append("category")
        body = params.get("issuing_body", "").strip()
        if body:
            if body.isdigit():
                f.issuing_body = int(body)
            else:
                f.ignored.append("issuing_body")
        year = params.get("year", "").strip()
        if year:
            if year.isdigit() and 1949 <= int(year) <= 2100:
                f.year = int(year)
            else:
                f.ignored.append("year")
        validity = params.get("validity", "").strip()
        if validity:
            if validity in Validity.values:
                f.validity = validity
            else:
                f.ignored.append("validity")
        f.topic = params.get("topic", "").strip()[:100]
        f.q = params.get("q", "").strip()[:100]
        sort = params.get("sort", "newest")
        f.sort = sort if sort in SORTS else "newest"
        return f

    @property
    def active(self) -> bool:
        return bool(self.category or self.issuing_body or self.year or self.validity or self.topic or self.q)


def filter_policies(qs, f: PolicyFilters):
    if f.category:
        qs = qs.filter(category=f.category)
    if f.issuing_body:
        qs = qs.filter(issuing_body_id=f.issuing_body)
    if f.year:
        qs = qs.filter(date_published__year=f.year)
    if f.validity:
        today = timezone.localdate()
        not_yet = Q(validity=Validity.IN_FORCE, date_effective__gt=today)
        if f.validity == Validity.NOT_YET:
            qs = qs.filter(not_yet)
        elif f.validity == Validity.IN_FORCE:
            qs = qs.filter(validity=Validity.IN_FORCE).exclude(not_yet)
        else:
            qs = qs.filter(validity=f.validity)
    if f.topic:
        qs = qs.filter(tags__name=f.topic)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(document_number__icontains=f.q) | Q(keywords__icontains=f.q))
    return qs.order_by(*SORTS[f.sort]).distinct() if f.topic else qs.order_by(*SORTS[f.sort])


def live_policies():
    return PolicyPage.objects.live().public().select_related("issuing_body")


def policy_library_context(*, index, params) -> dict:
    filters = PolicyFilters.from_params(params)
    qs = filter_policies(live_policies().child_of(index), filters)
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    years = sorted(
        {d.year for d in PolicyPage.objects.live().child_of(index).dates("date_published", "year")}, reverse=True
    )
    return {
        "filters": filters,
        "policies": page,
        "categories": Category.choices,
        "validities": Validity.choices,
        "issuing_bodies": list(IssuingBody.objects.all()),
        "years": years,
        "ignored_message": _("Some filter values were not recognised and were ignored.") if filters.ignored else "",
    }


def latest_policies(limit: int = 6):
    return list(live_policies().order_by("-date_published", "-pk")[:limit])
