"""Public reads of the expert pool: the directory (filters and name search) and an expert's public page.

Only active experts, and only their public fields: callers must never show phone or email from these rows
(the public templates and the API list the fields they show, explicitly).
"""

import re
import unicodedata

from django.db.models import Prefetch, Q, QuerySet

from .models import TITLE_RANK, Expert, Membership, Pool, Title

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalize_query(text: str) -> str:
    """NFKC (full-width letters, ideographic spaces), trimmed, inner spaces collapsed, at most 50 characters."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())[:50]


def titles_at_least(min_title: str) -> list[str]:
    rank = TITLE_RANK[Title(min_title)]
    return [str(t) for t, r in TITLE_RANK.items() if r >= rank]


def name_search(queryset: QuerySet, q: str) -> QuerySet:
    """One CJK character is a surname: the name starts with it. Anything else: part of the name, its pinyin
    (spaces ignored) or initials, the employer or the position."""
    if not q:
        return queryset
    if len(q) == 1 and CJK.match(q):
        return queryset.filter(name__startswith=q)
    latin = q.replace(" ", "").lower()
    condition = (Q(name__icontains=q) | Q(employer_name__icontains=q) | Q(employer_firm__name__icontains=q)
                 | Q(position__icontains=q))
    if latin.isascii():
        condition |= Q(name_pinyin__icontains=latin) | Q(name_initials__icontains=latin)
    return queryset.filter(condition)


def public_experts(*, q: str = "", field: str = "", min_title: str = "", pool: int | None = None) -> QuerySet:
    """Active experts for the directory and the API, with the employer firm selected; ordered by pinyin."""
    experts = Expert.objects.active().select_related("employer_firm")
    if field:
        experts = experts.in_field(field)
    if min_title:
        experts = experts.filter(title__in=titles_at_least(min_title))
    if pool:
        experts = experts.filter(pool_memberships__pool_id=pool)  # one membership per pool: no duplicates
    return name_search(experts, q).order_by("name_pinyin", "id")


def public_expert(pk: int) -> Expert | None:
    """An active expert with the pools they are in, or None."""
    memberships = Prefetch("pool_memberships", queryset=Membership.objects.select_related("pool").order_by("pool_id"))
    return (Expert.objects.active().select_related("employer_firm").prefetch_related(memberships)
            .filter(pk=pk).first())


def pools() -> list[Pool]:
    return list(Pool.objects.order_by("id"))


def draw_result(pk: int, user):
    """A draw and its panel (the experts who confirmed, with their field) when the user may see the results:
    published draws for everyone, unpublished ones for the committee only; else None (404)."""
    from .models import Draw, Selection
    from .permissions import can_view_draw_results

    draw = Draw.objects.filter(pk=pk).exclude(state=Draw.State.DRAFT).first()
    if draw is None or not can_view_draw_results(user, draw):
        return None, []
    panel = list(draw.selections.filter(response=Selection.Response.CONFIRMED)
                 .select_related("expert__employer_firm").order_by("field", "order"))
    return draw, panel
