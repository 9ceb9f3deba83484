"""Read-only public JSON API of credit ratings (/api/v1/credit/).

Public data only, as on the firm page: the current final rating, a rating in 公示, the records the public sees today
(indicator, points, dates, evidence document number and issuer; never the evidence file, who recorded the record
or its fact text) and the active red and black list entries. Conventions of the other APIs
(consultations/api.py): JSON with Chinese kept as is, 400 {"error", "field"} for a bad parameter, a JSON 404 for
anything else. Dates are ISO 8601 (Y-m-d); scores and points are JSON numbers.
"""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from associations.models import Sector
from core.api import error_response, json_response, paginate
from core.ratelimit import ratelimit
from core.uscc import normalize_uscc

from . import selectors

PAGE_SIZE = 50
CACHE_SECONDS = 300

_json, _error = json_response, error_response


def _number(value):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value):
    return value.isoformat() if value else None


def _round(request, rating_round) -> dict:
    return {"id": rating_round.pk, "name": rating_round.name, "sector": rating_round.sector,
            "url": request.build_absolute_uri(reverse("credit:round", args=[rating_round.pk]))}


def rating_data(request, rating) -> dict:
    """A rating; ``rating.round.scheme`` selected."""
    rating_round, scheme = rating.round, rating.round.scheme
    return {
        "level": rating.level,
        "score": _number(rating.score),
        "version": rating.version,
        "as_of": _date(rating_round.as_of),
        "valid_from": _date(rating_round.valid_from),
        "valid_until": _date(rating_round.valid_until),
        "round": _round(request, rating_round),
        "scheme": scheme.name,
        "scheme_version": scheme.version,
    }


def notice_data(request, rating) -> dict:
    rating_round = rating.round
    return rating_data(request, rating) | {"notice_ends_on": _date(rating_round.notice_ends_on),
                                           "objections_close_on": _date(rating_round.objections_close_on)}


def record_data(event, day) -> dict:
    indicator = event.indicator
    return {
        "number": event.number,
        "indicator_code": indicator.code,
        "indicator_name": indicator.name,
        "category": indicator.category,
        "category_label": str(indicator.get_category_display()),
        "points": _number(event.points),
        "status": event.status_on(day),
        "effective_from": _date(event.effective_from),
        "publication_ends_on": _date(event.publication_ends_on),
        "evidence_doc_no": event.evidence_doc_no,
        "evidence_issuer": event.evidence_issuer,
    }


def list_data(entry) -> dict:
    return {
        "kind": entry.kind,
        "kind_label": str(entry.get_kind_display()),
        "scheme": entry.scheme.name,
        "scheme_version": entry.scheme.version,
        "listed_on": _date(entry.listed_on),
        "automatic": entry.automatic,
        "rule": entry.rule,
        "counts": selectors.list_entry_counts(entry),
        "reason": entry.reason,
    }


def firm_data(request, firm) -> dict:
    today = timezone.localdate()
    summary = selectors.firm_credit_summary(firm, today, history=False)
    current = [rating_data(request, r) for r in summary.current]
    return {
        "code": firm.uscc,
        "name": firm.name,
        "url": request.build_absolute_uri(reverse("credit:firm", args=[firm.uscc])),
        "current_rating": current[0] if current else None,
        "current_ratings": current,
        "notice_rating": notice_data(request, summary.notice[0]) if summary.notice else None,
        "records": [record_data(e, today) for e in selectors.public_records(firm, today)],
        "lists": [list_data(e) for e in summary.lists],
    }


def list_row(request, rating) -> dict:
    firm = rating.firm
    return {"code": firm.uscc, "name": firm.name, "sector": rating.round.sector,
            "api_url": request.build_absolute_uri(reverse("credit_api:firm", args=[firm.uscc])),
            **rating_data(request, rating)}


# --- views ---------------------------------------------------------------------------------------------------
def _choice_param(params, name, allowed):
    """(value, error response): an empty value is no filter; an unknown one is a 400 naming the field."""
    value = params.get(name, "").strip()
    if value and value not in allowed:
        return None, _error(_("Unknown %(field)s “%(value)s”. Use one of: %(choices)s.")
                            % {"field": name, "value": value[:50], "choices": ", ".join(sorted(allowed))},
                            field=name)
    return value, None


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def rating_list(request):
    params = request.GET
    level, problem = _choice_param(params, "level", selectors.level_names())
    if problem:
        return problem
    sector, problem = _choice_param(params, "sector", Sector.values)
    if problem:
        return problem
    ratings = (selectors.current_final_ratings(valid_on=timezone.localdate())
               .order_by("firm__name_pinyin", "firm_id", "round_id"))
    if level:
        ratings = ratings.filter(level=level)
    if sector:
        ratings = ratings.filter(round__sector=sector)
    page, problem = paginate(request, ratings, page_size=PAGE_SIZE)
    if problem:
        return problem
    return _json(page.as_dict([list_row(request, r) for r in page.rows], level=level or None,
                              sector=sector or None))


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def firm_detail(request, code: str):
    firm = selectors.firm_by_code(code)
    if firm is None:
        return _error(_("No firm with the unified social credit code %(code)s is registered on the portal.")
                      % {"code": normalize_uscc(code)[:40]}, field="code", status=404)
    return _json(firm_data(request, firm))


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
def not_found(request, rest: str = ""):
    """Any other path under /api/v1/credit/: a JSON 404, not the site's HTML page."""
    return _error(_("There is no such API address. See /api/v1/credit/ and /api/v1/credit/<code>/."), status=404)
