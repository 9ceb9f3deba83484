"""Reads shared by the consultation pages, the committee's pages, the API and the exports.

Each function decides its select_related / prefetch_related so a page's query count does not grow with the
number of comments.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from .models import Article, Comment, CommentAttachment, Consultation, DraftVersion, Response, Result


def published_versions(consultation: Consultation) -> list[DraftVersion]:
    return list(consultation.versions.filter(published_at__isnull=False).order_by("number"))


def current_version(consultation: Consultation, *, include_unpublished: bool = False) -> DraftVersion | None:
    qs = consultation.versions.all() if include_unpublished else consultation.versions.filter(
        published_at__isnull=False)
    return qs.order_by("-number").first()


def articles_of(version: DraftVersion | None) -> list[Article]:
    if version is None:
        return []
    return list(version.articles.order_by("position"))


def comment_counts_by_article(consultation: Consultation, *, public: bool) -> dict[str, int]:
    """Article key → number of comments (submitted; for the public, hidden comments are left out)."""
    qs = Comment.objects.visible_to_public() if public else Comment.objects.submitted()
    rows = qs.filter(consultation=consultation, article__isnull=False).values("article__key").annotate(n=Count("pk"))
    return {row["article__key"]: row["n"] for row in rows}


def comments_for_display(consultation: Consultation, *, public: bool, article_key: str | None = None):
    """Comments with what a page shows about them: attachments and the published answer. Not yet sliced."""
    qs = Comment.objects.visible_to_public() if public else Comment.objects.filter(
        status__in=[Comment.Status.SUBMITTED, Comment.Status.WITHDRAWN])
    qs = qs.filter(consultation=consultation)
    if article_key == "general":
        qs = qs.filter(article__isnull=True)
    elif article_key:
        qs = qs.filter(article__key=article_key)
    return qs.select_related("association", "firm", "article", "version").prefetch_related(
        Prefetch("attachments", queryset=CommentAttachment.objects.order_by("id")),
        Prefetch("responses", queryset=Response.objects.published().select_related("new_article"),
                 to_attr="published_responses"),
        "consulted_firms",
    ).order_by("sequence")


@dataclass
class OutcomeRow:
    """One row of the 意见采纳情况表: a comment with the comments grouped under it as duplicates."""

    number: int
    comment: Comment
    duplicates: list[Comment] = field(default_factory=list)
    response: Response | None = None

    @property
    def authors(self) -> list[str]:
        names = [self.comment.author_name] + [d.author_name for d in self.duplicates]
        return list(dict.fromkeys(names))

    @property
    def receipts(self) -> list[str]:
        return [self.comment.receipt_number] + [d.receipt_number for d in self.duplicates]


def _response_prefetch(published_only: bool):
    qs = Response.objects.published() if published_only else Response.objects.current()
    return Prefetch("responses", queryset=qs.select_related("new_article"), to_attr="shown_responses")


def outcome_rows(consultation: Consultation, *, published_only: bool = True) -> list[OutcomeRow]:
    """Rows of the outcome: submitted comments not grouped under another, each with its duplicates and answer.

    ``published_only`` (the public page and exports): only published answers; otherwise the latest saved answer
    (the committee's working view). Hidden comments stay in the outcome table (their handling is public), their
    text is replaced by the template.
    """
    comments = list(
        Comment.objects.submitted().filter(consultation=consultation)
        .select_related("association", "firm", "article")
        .prefetch_related(_response_prefetch(published_only), "consulted_firms")
        .order_by("sequence")
    )
    by_leader: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.duplicate_of_id:
            by_leader.setdefault(comment.duplicate_of_id, []).append(comment)
    rows = []
    for comment in comments:
        if comment.duplicate_of_id:
            continue
        response = comment.shown_responses[-1] if comment.shown_responses else None
        rows.append(OutcomeRow(len(rows) + 1, comment, by_leader.get(comment.pk, []), response))
    return rows


def result_counts(rows: list[OutcomeRow]) -> list[tuple[str, str, int]]:
    """(value, label, count) for every result, counting each comment of a group."""
    counter = Counter()
    for row in rows:
        if row.response is not None:
            counter[row.response.result] += 1 + len(row.duplicates)
    return [(value, label, counter.get(value, 0)) for value, label in Result.choices]


def counts_by_author(rows: list[OutcomeRow]) -> list[tuple[str, int, Counter]]:
    """(author, comments, Counter of results) per commenting organisation, most comments first."""
    totals: dict[str, list] = {}
    for row in rows:
        result = row.response.result if row.response else None
        for comment in [row.comment, *row.duplicates]:
            entry = totals.setdefault(comment.author_name, [0, Counter()])
            entry[0] += 1
            if result:
                entry[1][result] += 1
    return sorted(((name, n, c) for name, (n, c) in totals.items()), key=lambda t: (-t[1], t[0]))


def consultation_list(*, status: str = "", kind: str = ""):
    """Published, non-internal consultations for the public list, newest first."""
    from .models import Kind

    qs = Consultation.objects.published().exclude(kind=Kind.INTERNAL)
    if status in ("open", "upcoming", "closed", "responded"):
        qs = qs.with_status(status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        public_comment_count=Count("comments", filter=Q(comments__status=Comment.Status.SUBMITTED,
                                                        comments__hidden_at__isnull=True))
    ).order_by("-starts_at", "-id")
