"""Read-only public JSON API of the policy library (/api/v1/policies/). Documented in docs/api.md.

Plain Django views returning JsonResponse. Filters reuse the library page's PolicyFilters; unlike the library
page, the API answers an unknown filter value with 400 {"error", "field"} so that a client learns about its typo.
"""


from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from core.api import error_response, json_response, paginate, positive_int
from core.ratelimit import ratelimit

from .models import Category, Disclosure, IssuingBody, PolicyAttachment, PolicyPage, SubjectCategory, Validity
from .selectors import PAGE_SIZE, SORTS, PolicyFilters, filter_policies, live_policies

MAX_PAGE_SIZE = 100
CACHE_SECONDS = 300
_json, _error = json_response, error_response


def _choices_text(values) -> str:
    return ", ".join(values)


# --- parameter checks --------------------------------------------------------------
def _filter_error(params, filters: PolicyFilters):
    """The first invalid filter value as (field, message), or None."""
    for name in filters.ignored:
        value = str(params.get(name, "")).strip()
        if name == "category":
            message = _("Unknown category “%(value)s”. Use one of: %(choices)s.") % {
                "value": value,
                "choices": _choices_text(Category.values),
            }
        elif name == "validity":
            message = _("Unknown validity “%(value)s”. Use one of: %(choices)s.") % {
                "value": value,
                "choices": _choices_text(Validity.values),
            }
        elif name == "issuing_body":
            message = _("issuing_body must be the numeric id of an issuing body, not “%(value)s”.") % {"value": value}
        elif name == "year":
            message = _("year must be a year between 1949 and 2100, not “%(value)s”.") % {"value": value}
        elif name == "sort":
            message = _("Unknown sort “%(value)s”. Use one of: %(choices)s.") % {
                "value": value,
                "choices": _choices_text(SORTS),
            }
        else:
            message = _("The value “%(value)s” of %(field)s is not recognised.") % {"value": value, "field": name}
        return name, message
    if filters.issuing_body and not IssuingBody.objects.filter(pk=filters.issuing_body).exists():
        return "issuing_body", _("There is no issuing body with the id %(value)s.") % {"value": filters.issuing_body}
    return None


# --- serialisation -----------------------------------------------------------------
def _choice(value, choices):
    return {"value": value, "label": str(choices(value).label)} if value else None


def _date(value):
    return value.isoformat() if value else None


def _datetime(value):
    return timezone.localtime(value).isoformat() if value else None


def _absolute(request, url):
    return request.build_absolute_uri(url) if url else None


def _page_url(request, page):
    return _absolute(request, page.get_url(request))


def _link(request, page):
    if page is None:
        return None
    return {"id": page.pk, "title": page.title, "url": _page_url(request, page)}


def policy_summary(request, page: PolicyPage) -> dict:
    """The fields of a policy shown in the list (no relations beyond the issuing body and the tags)."""
    validity = page.effective_validity
    return {
        "id": page.pk,
        "title": page.title,
        "url": _page_url(request, page),
        "api_url": request.build_absolute_uri(reverse("policy_api_detail", args=[page.pk])),
        "index_number": page.index_number,
        "document_number": page.document_number,
        "issuing_body": {"id": page.issuing_body_id, "name": page.issuing_body.name},
        "category": _choice(page.category, Category),
        "subject_category": _choice(page.subject_category, SubjectCategory),
        "tags": sorted(tag.name for tag in page.tags.all()),
        "date_written": _date(page.date_written),
        "date_published": _date(page.date_published),
        "date_effective": _date(page.date_effective),
        "validity": _choice(validity, Validity),
        "summary": page.summary,
    }


def _attachment(request, attachment: PolicyAttachment) -> dict:
    document = attachment.document
    return {
        "title": attachment.display_title,
        "url": _absolute(request, document.url),
        "size": document.file_size,
        "type": document.file_extension.lower(),
        "content_type": document.content_type,
    }


def policy_detail(request, page: PolicyPage) -> dict:
    data = policy_summary(request, page)
    data.update(
        {
            "keywords": page.keywords,
            "disclosure": _choice(page.disclosure, Disclosure),
            "superseded_by": _link(request, page.superseded_by),
            "supersedes": [_link(request, p) for p in page.supersedes.all()],
            "interprets": _link(request, page.interprets),
            "interpretations": [_link(request, p) for p in page.interpretations.all()],
            "attachments": [_attachment(request, a) for a in page.attachments.all()],
            "first_published_at": _datetime(page.first_published_at),
            "last_published_at": _datetime(page.last_published_at),
        }
    )
    return data


# --- reads -------------------------------------------------------------------------
def _related_pages():
    """Live, public policies only: a link to a draft or a restricted page is left out."""
    return PolicyPage.objects.live().public().only("id", "title", "url_path", "superseded_by_id", "interprets_id")


def policy_detail_queryset():
    related = _related_pages()
    return live_policies().prefetch_related(
        "tags",
        Prefetch("superseded_by", queryset=related),
        Prefetch("interprets", queryset=related),
        Prefetch("supersedes", queryset=related.order_by("-date_published", "-pk")),
        Prefetch("interpretations", queryset=related.order_by("-date_published", "-pk")),
        Prefetch("attachments", queryset=PolicyAttachment.objects.select_related("document").order_by("sort_order")),
    )


# --- views -------------------------------------------------------------------------
@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def policy_list(request):
    params = request.GET
    filters = PolicyFilters.from_params(params)
    problem = _filter_error(params, filters)
    if problem:
        field, message = problem
        return _error(message, field=field)
    page_size = positive_int(params, "page_size", PAGE_SIZE)
    if page_size is None or page_size > MAX_PAGE_SIZE:
        return _error(
            _("page_size must be a whole number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}, field="page_size"
        )
    qs = filter_policies(live_policies(), filters).prefetch_related("tags")
    page, problem = paginate(request, qs, page_size=page_size)
    if problem:
        return problem
    return _json(page.as_dict([policy_summary(request, p) for p in page.rows], page_size=page_size))


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def policy_detail_view(request, pk: int):
    page = policy_detail_queryset().filter(pk=pk).first()
    if page is None:
        return _error(_("There is no published policy with the id %(id)s.") % {"id": pk}, status=404)
    return _json(policy_detail(request, page))


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def not_found(request, rest: str = ""):
    """Any other path under /api/v1/policies/ (e.g. a non-numeric id): a JSON 404, not the site's HTML page."""
    return _error(_("There is no such API address. See /api/v1/policies/ and /api/v1/policies/<id>/."), status=404)
