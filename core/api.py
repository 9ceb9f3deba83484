"""What the read-only JSON APIs share: JSON with Chinese kept as is, errors as {"error", "field"}, pages."""

import math
from dataclasses import dataclass

from django.http import JsonResponse
from django.utils.translation import gettext as _

from core.params import parse_positive_int

JSON_OPTIONS = {"ensure_ascii": False}


def json_response(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params=JSON_OPTIONS)


def error_response(message, *, field: str | None = None, status: int = 400) -> JsonResponse:
    body = {"error": str(message)}
    if field:
        body["field"] = field
    return json_response(body, status=status)


def positive_int(params, name: str, default: int) -> int | None:
    """The parameter as a whole number ≥ 1, ``default`` when absent, None when malformed."""
    raw = params.get(name, "").strip()
    if not raw:
        return default
    return parse_positive_int(raw, max_digits=6)


@dataclass
class ApiPage:
    count: int
    number: int
    pages: int
    rows: list
    next: str | None
    previous: str | None

    def as_dict(self, results: list, **extra) -> dict:
        return {"count": self.count, "page": self.number, "pages": self.pages, **extra, "next": self.next,
                "previous": self.previous, "results": results}


def paginate(request, queryset, *, page_size: int):
    """(ApiPage, None) or (None, error response) for ?page= of ``queryset``: two queries (count, one page)."""
    params = request.GET
    number = positive_int(params, "page", 1)
    if number is None:
        return None, error_response(_("page must be a whole number from 1 upwards."), field="page")
    count = queryset.count()
    pages = max(1, math.ceil(count / page_size))
    if number > pages:
        message = _("There is no page %(page)s: the results have %(pages)s page(s).") % {
            "page": number, "pages": pages}
        return None, error_response(message, field="page", status=404)
    start = (number - 1) * page_size
    rows = list(queryset[start : start + page_size]) if count else []

    def link(n):
        if n < 1 or n > pages:
            return None
        query = params.copy()
        query["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return ApiPage(count, number, pages, rows, link(number + 1), link(number - 1)), None
