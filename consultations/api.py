"""Read-only public JSON API of consultations (/api/v1/consultations/).

Public data only: published consultations that are not internal; no contact details; comments appear as a count
and, once the outcome is published, as the rows of the outcome with their published answers (a hidden comment
keeps its row, without its text). Conventions of the policy API (portal/policies/api.py): JSON with Chinese kept
as is, 400 {"error", "field"} for a bad parameter, a JSON 404 for anything else. Datetimes are ISO 8601 in
Asia/Shanghai (+08:00). ``summary``, ``explanation``, ``legal_basis`` and ``outcome_note`` are sanitised HTML.
"""

import html

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from core.api import error_response, json_response, paginate
from core.ratelimit import ratelimit

from . import selectors
from .models import Article, Consultation, DraftVersion, Kind, Result, Status

PAGE_SIZE = 20
CACHE_SECONDS = 60  # statuses change with the clock and counts with every comment: keep it short
STATUS_FILTERS = ("open", "upcoming", "closed", "responded")
KIND_FILTERS = tuple(value for value in Kind.values if value != Kind.INTERNAL)


_json, _error = json_response, error_response


def _datetime(value):
    return timezone.localtime(value).isoformat() if value else None


def _text(value: str) -> str:
    """Sanitised HTML of a comment as plain text."""
    return html.unescape(strip_tags(value or "")).strip()


# --- serialisation -------------------------------------------------------------------------------------------
def consultation_summary(request, consultation: Consultation) -> dict:
    """The fields shown in the list. ``consultation`` comes from selectors.consultation_list (with the count)."""
    status = consultation.status
    return {
        "id": consultation.pk,
        "number": consultation.number,
        "title": consultation.title,
        "kind": consultation.kind,
        "kind_label": str(consultation.get_kind_display()),
        "department": consultation.department,
        "status": status,
        "status_label": str(Status(status).label),
        "starts_at": _datetime(consultation.starts_at),
        "ends_at": _datetime(consultation.ends_at),
        "url": request.build_absolute_uri(consultation.get_absolute_url()),
        "comment_count": consultation.public_comment_count,
    }


def _version(version: DraftVersion) -> dict:
    return {
        "number": version.number,
        "title": version.title,
        "change_note": version.change_note,
        "published_at": _datetime(version.published_at),
        "articles": [{"key": a.key, "label": a.label, "heading": a.heading, "text": a.text, "kind": a.kind}
                     for a in version.articles.all()],
    }


def _notice(notice) -> dict:
    return {
        "kind": notice.kind,
        "kind_label": str(notice.get_kind_display()),
        "old_ends_at": _datetime(notice.old_ends_at),
        "new_ends_at": _datetime(notice.new_ends_at),
        "reason": notice.reason,
        "published_at": _datetime(notice.created_at),
    }


def _outcome_row(row) -> dict:
    comment, response = row.comment, row.response
    hidden = comment.is_hidden
    return {
        "number": row.number,
        "authors": row.authors,
        "article": comment.quoted_label or str(_("General comment")),
        "hidden": hidden,
        "problem": None if hidden else _text(comment.problem),
        "suggestion": None if hidden else _text(comment.suggestion),
        "result": response.result if response else None,
        "result_label": str(Result(response.result).label) if response else None,
        "reason": response.reason if response else None,
        "new_article": response.new_article.label if response and response.new_article else None,
    }


def consultation_detail_data(request, consultation: Consultation) -> dict:
    versions = consultation.versions.filter(published_at__isnull=False).order_by("number").prefetch_related(
        Prefetch("articles", queryset=Article.objects.order_by("position")))
    data = consultation_summary(request, consultation) | {
        "summary": consultation.summary,
        "explanation": consultation.explanation,
        "legal_basis": consultation.legal_basis,
        "audience": consultation.audience,
        "audience_label": str(consultation.get_audience_display()),
        "shortened_reason": consultation.shortened_reason,
        "notices": [_notice(n) for n in consultation.notices.all()],
        "versions": [_version(v) for v in versions],
        "outcome_published_at": _datetime(consultation.outcome_published_at),
    }
    if consultation.outcome_published_at is not None:
        data["outcome_note"] = consultation.outcome_note
        data["outcome"] = [_outcome_row(row) for row in selectors.outcome_rows(consultation, published_only=True)]
    return data


# --- views ---------------------------------------------------------------------------------------------------
def _choice_param(params, name, allowed):
    """(value, error response): an empty value is no filter; an unknown one is a 400 naming the field."""
    value = params.get(name, "").strip()
    if value and value not in allowed:
        return None, _error(_("Unknown %(field)s “%(value)s”. Use one of: %(choices)s.")
                            % {"field": name, "value": value, "choices": ", ".join(allowed)}, field=name)
    return value, None


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def consultation_list(request):
    params = request.GET
    status, problem = _choice_param(params, "status", STATUS_FILTERS)
    if problem:
        return problem
    kind, problem = _choice_param(params, "kind", KIND_FILTERS)
    if problem:
        return problem
    page, problem = paginate(request, selectors.consultation_list(status=status, kind=kind), page_size=PAGE_SIZE)
    if problem:
        return problem
    return _json(page.as_dict([consultation_summary(request, c) for c in page.rows]))


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def consultation_detail(request, pk: int):
    consultation = selectors.consultation_list().filter(pk=pk).first()
    if consultation is None:
        return _error(_("There is no published consultation with the id %(id)s.") % {"id": pk}, status=404)
    return _json(consultation_detail_data(request, consultation))


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
def not_found(request, rest: str = ""):
    """Any other path under /api/v1/consultations/: a JSON 404, not the site's HTML page."""
    return _error(_("There is no such API address. See /api/v1/consultations/ and /api/v1/consultations/<id>/."),
                  status=404)
