"""The search page (/search/), title suggestions (/search/suggest/) and the JSON API (/api/v1/search/).

All three read only live, public pages and the public objects of the non-page models that take part in the site
search (docs/search.md, "Non-page content") through :mod:`search.selectors`; whatever is typed is plain text and is
escaped wherever it is shown. Unknown ``type`` values are ignored; on the page a bad ``page`` falls back to the
nearest page, in the API it is a 400 JSON error.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.ratelimit import ratelimit

from . import selectors

JSON_OPTIONS = {"ensure_ascii": False}


def _json(data, status=200):
    return JsonResponse(data, status=status, safe=isinstance(data, dict), json_dumps_params=JSON_OPTIONS)


def _date(obj):
    value = selectors.result_date(obj)
    return value.isoformat() if value else None


def _item(obj, request, q: str) -> dict:
    return {
        "object": obj,
        "url": selectors.result_url(obj, request),
        "title": selectors.highlight(selectors.result_title(obj), q),
        "type_label": selectors.result_type_label(obj),
        "type_key": selectors.type_key_for(obj),
        "date": selectors.result_date(obj),
        "snippet": selectors.snippet(obj, q),
    }


@ratelimit("search", methods=("GET", "HEAD"))
@require_safe
def search_index(request):
    params = request.GET
    query, results = selectors.search_site(params.get("q", ""), params.get("type", ""))
    paginator = Paginator(results, selectors.PAGE_SIZE)
    page_obj = paginator.get_page(params.get("page"))
    items = [_item(obj, request, query.q) for obj in page_obj.object_list]
    # Without a chosen type, the first page starts with the top hits of each non-page type (征求意见 …).
    groups = []
    if query.active and not query.type_key and page_obj.number == 1:
        groups = [
            {"type": group.type, "items": [_item(obj, request, query.q) for obj in group.hits]}
            for group in selectors.result_groups(query)
        ]
    filter_params = params.copy()
    filter_params.pop("page", None)
    filter_params["q"] = query.q
    if query.type_key:
        filter_params["type"] = query.type_key
    else:
        filter_params.pop("type", None)
    type_params = filter_params.copy()
    type_params.pop("type", None)
    context = {
        "query": query,
        "q": query.q,
        "page_obj": page_obj,
        "items": items,
        "groups": groups,
        # the figure in the heading: every result of every type, or those of the chosen type
        "result_count": paginator.count if query.type_key else query.total,
        "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
        "filter_params": filter_params,
        "type_params": type_params,
    }
    return render(request, "search/search.html", context)


@ratelimit("search", methods=("GET", "HEAD"))
@require_safe
def suggest(request):
    objects = selectors.suggest(request.GET.get("q", ""))
    return _json([
        {
            "title": selectors.result_title(obj),
            "url": selectors.result_url(obj, request),
            "type": selectors.result_type_label(obj),
        }
        for obj in objects
    ])


def _absolute(request, url):
    return request.build_absolute_uri(url) if url else None


@ratelimit("search", methods=("GET", "HEAD"))
@require_safe
def search_api(request):
    params = request.GET
    raw_page = params.get("page", "").strip()
    if raw_page and (not raw_page.isdigit() or int(raw_page) < 1):
        return _json({"error": _("page must be a whole number from 1 upwards."), "field": "page"}, status=400)
    number = int(raw_page) if raw_page else 1
    query, results = selectors.search_site(params.get("q", ""), params.get("type", ""))
    count = len(results) if isinstance(results, list) else results.count()
    pages = selectors.page_count(count)
    if number > pages:
        message = _("There is no page %(page)s: the results have %(pages)s page(s).") % {"page": number, "pages": pages}
        return _json({"error": message, "field": "page"}, status=400)
    start = (number - 1) * selectors.PAGE_SIZE
    rows = list(results[start : start + selectors.PAGE_SIZE]) if count else []
    return _json(
        {
            "count": count,
            "page": number,
            "pages": pages,
            "results": [
                {
                    "title": selectors.result_title(obj),
                    "url": _absolute(request, selectors.result_url(obj, request)),
                    "type": selectors.result_type_label(obj),
                    "snippet": selectors.plain_snippet(obj, query.q),
                    "date": _date(obj),
                }
                for obj in rows
            ],
            # the non-page types with results (征求意见 …): list them with ?type=<type>
            "groups": [{"type": t.key, "label": t.label, "count": t.count} for t in query.groups],
        }
    )
