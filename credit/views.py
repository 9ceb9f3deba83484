"""Public credit pages (信用查询): the lookup, a firm's credit page, rating rounds in 公示, the red and black lists
and the CSV of current final ratings.

Thin views: parse → one selector → render. Nothing here needs a login; only firm-level facts are shown (see
credit.selectors). Every page reads a fixed number of queries: lists are paginated, relations are prefetched.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_safe

from . import selectors
from .charts import rating_chart
from .exports import ratings_csv
from .models import ListKind, RatingRound, RoundState, Severity
from .scoring import num

LOOKUP_PAGE_SIZE = 20
RECORDS_PAGE_SIZE = 50
ROUND_PAGE_SIZE = 50
ROUNDS_PAGE_SIZE = 20
LISTS_PAGE_SIZE = 50
CREDIT_CHINA = "https://www.creditchina.gov.cn/xinyongxinxi/index.html"


def _page(request, queryset, size):
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    return {"page": page, "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)}


def credit_china_url(code: str) -> str:
    """信用中国's search for the code (the portal links to it; it never copies its data)."""
    return f"{CREDIT_CHINA}?{urlencode({'keyword': code})}"


def _scores(ratings) -> None:
    for rating in ratings:
        rating.score_text = num(rating.score)


def _points(events) -> None:
    for event in events:
        event.points_text = ("+" if event.points > 0 else "") + num(event.points)


def count_lines(entry) -> list[str]:
    """The counts behind an automatic listing, as sentences ("Bad-conduct records since …: General: 5")."""
    facts = selectors.list_entry_counts(entry)
    lines = []
    severities = [_("%(severity)s: %(n)s") % {"severity": Severity(key).label, "n": n}
                  for key, n in facts.get("by_severity", {}).items() if key in Severity.values]
    if severities:
        lines.append(_("Bad-conduct records since %(date)s: %(counts)s") % {
            "date": facts.get("since", ""), "counts": pgettext("list separator", ", ").join(severities)})
    if facts.get("rounds"):
        n = facts["rounds"]
        lines.append(ngettext("Top level in %(n)s final round", "Top level in %(n)s consecutive final rounds", n)
                     % {"n": n})
    return lines


def _entries(entries) -> None:
    for entry in entries:
        entry.kinds = [entry.kind]
        entry.count_lines = count_lines(entry)


def _annotate_firms(firms) -> None:
    """The current final rating (latest round) and the list kinds of each firm on a page."""
    for firm in firms:
        firm.current_rating = firm.final_ratings[0] if firm.final_ratings else None
        firm.list_kinds = sorted({entry.kind for entry in firm.active_lists})


# --- lookup --------------------------------------------------------------------------------------------------
@require_safe
def lookup(request):
    query = selectors.parse_lookup(request.GET.get("q", ""))
    context = {"lookup": query, "q": query.text}
    if not query.active:
        return render(request, "credit/public/lookup.html", {**context, **selectors.lookup_intro()})
    if query.valid_code:
        firm = selectors.firm_by_code(query.valid_code)
        if firm is not None:
            return redirect("credit:firm", firm.uscc)
        context["unknown_code"] = query.valid_code
        context["credit_china_url"] = credit_china_url(query.valid_code)
    paged = _page(request, selectors.firm_search(query), LOOKUP_PAGE_SIZE)
    _annotate_firms(paged["page"])
    return render(request, "credit/public/lookup.html", {**context, **paged})


# --- firm page -----------------------------------------------------------------------------------------------
@require_safe
def firm(request, code):
    firm = selectors.firm_by_code(code)
    if firm is None:
        raise Http404
    if code != firm.uscc:
        return redirect("credit:firm", firm.uscc)
    today = timezone.localdate()
    summary = selectors.firm_credit_summary(firm, today)
    paged = _page(request, selectors.public_records(firm, today), RECORDS_PAGE_SIZE)
    _points(paged["page"])
    _scores([*summary.current, *summary.notice, *summary.history])
    _entries(summary.lists)
    return render(request, "credit/public/firm.html", {
        "firm": firm,
        "summary": summary,
        "rating": summary.rating,
        "list_kinds": sorted({entry.kind for entry in summary.lists}),
        "today": today,
        "chart": rating_chart(summary.history, chart_id=f"credit-chart-{firm.pk}"),
        "credit_china_url": credit_china_url(firm.uscc),
        **paged,
    })


# --- rounds --------------------------------------------------------------------------------------------------
@require_safe
def rounds(request):
    return render(request, "credit/public/rounds.html", _page(request, selectors.public_rounds(), ROUNDS_PAGE_SIZE))


@require_safe
def round_detail(request, pk):
    rating_round = get_object_or_404(RatingRound.objects.public().select_related("scheme"), pk=pk)
    levels = [lv.name for lv in rating_round.scheme.levels.all()]
    level = request.GET.get("level", "")
    level = level if level in levels else ""
    query = selectors.parse_lookup(request.GET.get("q", ""))
    ratings = selectors.round_ratings(rating_round, level=level, lookup=query)
    distribution = selectors.level_distribution(rating_round, levels)
    paged = _page(request, ratings, ROUND_PAGE_SIZE)
    _scores(paged["page"])
    return render(request, "credit/public/round.html", {
        "round": rating_round,
        "scheme": rating_round.scheme,
        "in_notice": rating_round.state == RoundState.PUBLISHED,
        "levels": levels,
        "level": level,
        "q": query.text,
        "distribution": distribution,
        "total": sum(n for _level, n in distribution),
        **paged,
    })


# --- lists ---------------------------------------------------------------------------------------------------
@require_safe
def lists(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in ListKind.values else ""
    paged = _page(request, selectors.active_list_entries(kind), LISTS_PAGE_SIZE)
    _entries(paged["page"])
    return render(request, "credit/public/lists.html", {"kind": kind, "kinds": ListKind.choices, **paged})


# --- export --------------------------------------------------------------------------------------------------
@require_safe
def export(request):
    return ratings_csv()
