"""Public pages of consultations (征求意见): the list, the notice with the draft text, the comments, the comment
form and its receipt, the redline between versions, and the outcome (意见采纳情况) with its downloads.

Thin views: parse → permission (what the user may not see is 404) → one selector or service call → render.
Every page reads a fixed number of rows per query: lists are paginated, relations are prefetched by selectors.
"""

import html
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.params import parse_positive_int, parse_positive_ints
from core.ratelimit import ratelimit
from core.roles import is_committee_staff
from core.views import stored_file_response

from . import diff, permissions, selectors, services
from .exports import export_outcome
from .forms import CommentForm
from .models import Comment, CommentAttachment, Consultation, Kind, MemberPoint, Result, Status

PAGE_SIZE = 20
LATEST_COMMENTS = 20
SUMMARY_CHARS = 120
EXPORT_FORMATS = ("docx", "xlsx", "csv")
STATUS_TABS = (
    ("", gettext_lazy("All")),
    ("open", Status.OPEN.label),
    ("upcoming", Status.UPCOMING.label),
    ("closed", Status.CLOSED.label),
    ("responded", Status.RESPONDED.label),
)
DIFF_LABELS = {
    "added": pgettext_lazy("consultation", "Added"),
    "removed": pgettext_lazy("consultation", "Removed"),
    "changed": pgettext_lazy("consultation", "Changed"),
    "unchanged": pgettext_lazy("consultation", "Unchanged"),
}


# --- helpers -----------------------------------------------------------------------------------------------
def _consultation(request, pk, *, select=()) -> Consultation:
    """The consultation if the user may see it, else 404 (drafts and internal consultations included)."""
    consultation = get_object_or_404(Consultation.objects.select_related(*select), pk=pk)
    if not permissions.can_view(request.user, consultation):
        raise Http404
    return consultation


def countdown(ends_at: datetime, now: datetime | None = None) -> str:
    """"5 days left" / "3 hours left" / "12 minutes left": the server-rendered fallback of the JS countdown."""
    left = ends_at - (now or timezone.now())
    if left.total_seconds() <= 0:
        return ""
    if left.days >= 1:
        return ngettext("%(n)s day left", "%(n)s days left", left.days) % {"n": left.days}
    hours = left.seconds // 3600
    if hours >= 1:
        return ngettext("%(n)s hour left", "%(n)s hours left", hours) % {"n": hours}
    minutes = max(1, left.seconds // 60)
    return ngettext("%(n)s minute left", "%(n)s minutes left", minutes) % {"n": minutes}


def plain(text: str, limit: int = SUMMARY_CHARS) -> str:
    """Sanitised HTML as plain text, shortened to ``limit`` characters."""
    return Truncator(html.unescape(strip_tags(text or "")).strip()).chars(limit)


def _visible_versions(user, consultation: Consultation) -> list:
    """Published versions; the committee also sees a version not yet published."""
    if is_committee_staff(user):
        return list(consultation.versions.order_by("number"))
    return selectors.published_versions(consultation)


def _viewer(user) -> dict:
    staff = is_committee_staff(user)
    return {"is_staff": staff, "public": not staff}


# --- list --------------------------------------------------------------------------------------------------
def index(request):
    tabs = dict(STATUS_TABS)
    kinds = [(value, label) for value, label in Kind.choices if value != Kind.INTERNAL]
    status = request.GET.get("status", "")
    status = status if status in tabs else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in dict(kinds) else ""
    page = Paginator(selectors.consultation_list(status=status, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page"))
    now = timezone.now()
    for item in page:
        item.current_status = item.status_at(now)
        item.countdown = countdown(item.ends_at, now) if item.current_status == Status.OPEN else ""
    return render(request, "consultations/index.html", {
        "page": page, "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "tabs": STATUS_TABS, "status": status, "kinds": kinds, "kind": kind,
    })


# --- notice and text ---------------------------------------------------------------------------------------
def detail(request, pk):
    consultation = _consultation(request, pk)
    user = request.user
    staff = is_committee_staff(user)
    versions = _visible_versions(user, consultation)
    published = [v for v in versions if v.published_at is not None]
    current = published[-1] if published else None
    requested = {v.number: v for v in versions}.get(parse_positive_int(request.GET.get("version")))
    version = requested or current or (versions[-1] if versions else None)
    articles = selectors.articles_of(version)
    counts = selectors.comment_counts_by_article(consultation, public=not staff)
    for item in articles:
        item.comment_count = counts.get(item.key, 0)

    now = timezone.now()
    can_comment = permissions.can_comment(user, consultation)
    accepting = consultation.accepts_comments(now)
    see_comments = permissions.can_see_comments(user, consultation)
    latest, comment_total = [], 0
    if see_comments:
        comments = selectors.comments_for_display(consultation, public=not staff)
        comment_total = comments.count()
        latest = list(comments.order_by("-sequence")[:LATEST_COMMENTS])
    return render(request, "consultations/detail.html", {
        "consultation": consultation,
        "status": consultation.status_at(now),
        "countdown": countdown(consultation.ends_at, now),
        "notices": list(consultation.notices.all()),
        "invited": list(consultation.invited_associations.order_by("id")),
        "versions": versions,
        "version": version,
        "is_current": current is None or version == current,
        "articles": articles,
        "can_comment": can_comment,
        # Article links lead to the comment form: for users who may comment, and for visitors (to log in first).
        "comment_links": accepting and version == current and (can_comment or not user.is_authenticated),
        "see_comments": see_comments,
        "latest": latest,
        "comment_total": comment_total,
        **_viewer(user),
    })


# --- comments ----------------------------------------------------------------------------------------------
def comments(request, pk):
    consultation = _consultation(request, pk)
    user = request.user
    context = {"consultation": consultation, "status": consultation.status, **_viewer(user)}
    if not permissions.can_see_comments(user, consultation):
        return render(request, "consultations/comments.html", {**context, "withheld": True})
    filter_articles = [a for a in selectors.articles_of(selectors.current_version(consultation)) if a.commentable]
    article_key = request.GET.get("article", "")
    if article_key != "general" and article_key not in {a.key for a in filter_articles}:
        article_key = ""
    qs = selectors.comments_for_display(consultation, public=context["public"], article_key=article_key or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/comments.html", {
        **context, "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filter_articles": filter_articles, "article_key": article_key,
    })


def _pending_points(consultation: Consultation, speakers) -> list[MemberPoint]:
    """Member firms' points still waiting for one of the associations the user may speak for."""
    associations = [s.association.pk for s in speakers if s.kind == Comment.AuthorKind.ASSOCIATION]
    if not associations:
        return []
    return list(MemberPoint.objects.filter(
        consultation=consultation, association__in=associations, status=MemberPoint.Status.PENDING,
    ).select_related("firm", "association", "article").order_by("created_at", "id"))


def _requested_points(request) -> list[str]:
    """Points preselected by the workspace's "adopt" link: ?points=1,2."""
    return [str(pk) for pk in parse_positive_ints(request.GET.get("points", "").split(","))]


@ratelimit("comment")
def comment(request, pk):
    consultation = _consultation(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    speakers = permissions.speakers_for(request.user, consultation)
    if not speakers:
        raise Http404
    articles = [a for a in selectors.articles_of(selectors.current_version(consultation)) if a.commentable]
    form = CommentForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None,
        user=request.user, speakers=speakers, articles=articles,
        points=_pending_points(consultation, speakers), initial={"article": request.GET.get("article", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.comment_submit(actor=request.user, consultation=consultation,
                                              **form.service_arguments())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your comment was submitted. Receipt number: %(number)s.")
                             % {"number": created.receipt_number})
            return redirect("consultations:receipt", created.receipt_number)
    now = timezone.now()
    return render(request, "consultations/comment_form.html", {
        "consultation": consultation,
        "status": consultation.status_at(now),
        "countdown": countdown(consultation.ends_at, now),
        "accepting": consultation.accepts_comments(now) or request.method == "POST",
        "form": form,
        "articles": articles,
        "selected_article": form.selected_article_pk(),
        "checked_points": form.data.getlist("adopted_points") if form.is_bound else _requested_points(request),
        # Browsers do not refill file inputs: say so when a form with files comes back with an error.
        "reattach": form.is_bound and bool(request.FILES.getlist("attachments")),
        **_viewer(request.user),
    })


def _receipt_comment(request, receipt_number) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related("consultation", "association", "firm", "article", "version")
        .prefetch_related("attachments"),
        receipt_number=receipt_number)
    if not (is_committee_staff(request.user) or permissions.owns_comment(request.user, comment)):
        raise Http404
    return comment


@login_required
def receipt(request, receipt_number):
    comment = _receipt_comment(request, receipt_number)
    consultation = comment.consultation
    owner = permissions.owns_comment(request.user, comment)
    return render(request, "consultations/receipt.html", {
        "comment": comment,
        "consultation": consultation,
        "status": consultation.status,
        "can_withdraw": owner and comment.status == Comment.Status.SUBMITTED
        and timezone.now() < consultation.ends_at,
        **_viewer(request.user),
    })


@login_required
@require_POST
def withdraw(request, receipt_number):
    comment = _receipt_comment(request, receipt_number)
    try:
        services.comment_withdraw(actor=request.user, comment=comment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Comment %(number)s was withdrawn.") % {"number": comment.receipt_number})
    return redirect("consultations:receipt", comment.receipt_number)


def _may_open_attachment(user, comment: Comment) -> bool:
    """Files follow their comment: public with public comments; always for the committee and the owner."""
    if is_committee_staff(user) or permissions.owns_comment(user, comment):
        return True
    return (comment.status == Comment.Status.SUBMITTED and not comment.is_hidden
            and permissions.can_see_comments(user, comment.consultation))


def attachment(request, pk):
    item = get_object_or_404(
        CommentAttachment.objects.select_related("comment__consultation", "comment__association", "comment__firm"),
        pk=pk)
    if not _may_open_attachment(request.user, item.comment):
        raise Http404
    return stored_file_response(item.file, filename=item.name)


# --- versions ----------------------------------------------------------------------------------------------
def diff_view(request, pk):
    consultation = _consultation(request, pk)
    versions = _visible_versions(request.user, consultation)
    by_number = {v.number: v for v in versions}
    default_new = versions[-1] if versions else None
    default_old = versions[-2] if len(versions) >= 2 else None
    old = by_number.get(parse_positive_int(request.GET.get("from"))) or default_old
    new = by_number.get(parse_positive_int(request.GET.get("to"))) or default_new
    if old is None or new is None or old == new:
        old, new = default_old, default_new
    items = diff.diff_articles(selectors.articles_of(old), selectors.articles_of(new)) if old and new else []
    changed_only = request.GET.get("changed") == "1"
    for item in items:
        item.status_label = DIFF_LABELS[item.status]
        item.node = item.new or item.old
    return render(request, "consultations/diff.html", {
        "consultation": consultation,
        "status": consultation.status,
        "versions": versions,
        "old": old,
        "new": new,
        "items": [i for i in items if i.status != "unchanged"] if changed_only else items,
        "summary": diff.summary(items) if items else {},
        "changed_only": changed_only,
        **_viewer(request.user),
    })


# --- outcome -----------------------------------------------------------------------------------------------
def outcome(request, pk):
    consultation = _consultation(request, pk, select=("final_page",))
    staff = is_committee_staff(request.user)
    published = consultation.outcome_published_at is not None
    if not published and not staff:
        raise Http404
    preview = staff and (not published or request.GET.get("preview") == "1")
    rows = selectors.outcome_rows(consultation, published_only=not preview)
    for row in rows:
        row.problem_summary = plain(row.comment.problem)
        row.suggestion_summary = plain(row.comment.suggestion)
    results = Result.values
    by_author = [(name, total, [counter.get(value, 0) for value in results])
                 for name, total, counter in selectors.counts_by_author(rows)]
    return render(request, "consultations/outcome.html", {
        "consultation": consultation,
        "status": consultation.status,
        "preview": preview,
        "published": published,
        "is_staff": staff,
        "rows": rows,
        "result_counts": selectors.result_counts(rows),
        "result_labels": [label for _value, label in Result.choices],
        "by_author": by_author,
        "formats": EXPORT_FORMATS,
    })


def outcome_export(request, pk, fmt):
    """The published outcome as DOCX, XLSX or CSV (published answers only, also for the committee)."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    consultation = _consultation(request, pk)
    if consultation.outcome_published_at is None:
        raise Http404
    content, filename, content_type = export_outcome(consultation, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
