"""Read-only public JSON API of the expert pool (/api/v1/experts/).

Active experts' public fields only, as on the directory: name, title, fields, employer, position (and on the detail,
the biography, pools and term). Never phone, email, birth year or anything staff-only. Conventions of the other
APIs (credit/api.py): JSON with Chinese kept as is, 400 {"error", "field"} for a bad parameter, a JSON 404 for
anything else. ``title`` is a minimum title, as on the directory.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from core.api import error_response, json_response, paginate
from core.ratelimit import ratelimit

from . import selectors
from .models import Field, Title

PAGE_SIZE = 50
CACHE_SECONDS = 300

_json, _error = json_response, error_response


def _date(value):
    return value.isoformat() if value else None


def expert_data(request, expert) -> dict:
    """The public fields of an expert (``employer_firm`` selected)."""
    return {
        "id": expert.pk,
        "name": expert.name,
        "title": expert.title,
        "title_label": str(expert.get_title_display()),
        "fields": list(expert.fields),
        "field_labels": expert.field_labels(),
        "employer": expert.employer,
        "position": expert.position,
        "senior": expert.senior,
        "url": request.build_absolute_uri(reverse("experts:detail", args=[expert.pk])),
        "api_url": request.build_absolute_uri(reverse("experts_api:detail", args=[expert.pk])),
    }


def _choice_param(params, name, allowed):
    """(value, error response): an empty value is no filter; an unknown one is a 400 naming the parameter."""
    value = params.get(name, "").strip()
    if value and value not in allowed:
        return None, _error(_("Unknown %(field)s “%(value)s”. Use one of: %(choices)s.")
                            % {"field": name, "value": value[:50], "choices": ", ".join(allowed)}, field=name)
    return value, None


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def expert_list(request):
    params = request.GET
    field, problem = _choice_param(params, "field", Field.values)
    if problem:
        return problem
    title, problem = _choice_param(params, "title", Title.values)
    if problem:
        return problem
    experts = selectors.public_experts(field=field, min_title=title)
    page, problem = paginate(request, experts, page_size=PAGE_SIZE)
    if problem:
        return problem
    return _json(page.as_dict([expert_data(request, e) for e in page.rows], field=field or None,
                              title=title or None))


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def expert_detail(request, pk: int):
    expert = selectors.public_expert(pk)
    if expert is None:
        return _error(_("No expert %(id)s is in the pool.") % {"id": pk}, field="id", status=404)
    return _json(expert_data(request, expert) | {
        "years_in_field": expert.years_in_field,
        "bio": expert.bio,
        "pools": [m.pool.name for m in expert.pool_memberships.all()],
        "term_start": _date(expert.term_start),
        "term_end": _date(expert.term_end),
    })


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
def not_found(request, rest: str = ""):
    """Any other path under /api/v1/experts/: a JSON 404, not the site's HTML page."""
    return _error(_("There is no such API address. See /api/v1/experts/ and /api/v1/experts/<id>/."), status=404)
