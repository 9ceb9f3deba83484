"""Reads for the committee's back-office pages: the responses workbench (意见处理) and the tracker dashboard.

Every function here decides its select_related / prefetch_related so the pages' query counts do not grow with
the number of comments, associations or articles.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q

from .models import Article, Channel, Comment, CommentAttachment, Consultation, Reminder, Response, Result
from .selectors import articles_of, comment_counts_by_article, counts_by_author, current_version, outcome_rows
from .selectors import result_counts as outcome_result_counts

HEAT_LEVELS = 4
GENERAL = "general"


# --- Workbench -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkbenchFilters:
    """The workbench's GET filters, already checked against the offered choices ("" = no filter)."""

    article: str = ""  # an article key, or GENERAL for comments on the text as a whole
    author: str = ""
    answered: str = ""  # "yes" or "no"
    result: str = ""

    @classmethod
    def from_query(cls, query, *, article_keys, authors) -> "WorkbenchFilters":
        article = query.get("article", "")
        author = query.get("author", "")
        answered = query.get("answered", "")
        result = query.get("result", "")
        return cls(
            article=article if article in article_keys or article == GENERAL else "",
            author=author if author in authors else "",
            answered=answered if answered in ("yes", "no") else "",
            result=result if result in Result.values else "",
        )


def _current_answer(**extra):
    return Exists(Response.objects.current().filter(comment=OuterRef("pk"), **extra))


def _attachments():
    return Prefetch("attachments", queryset=CommentAttachment.objects.order_by("id"))


def workbench_comments(consultation: Consultation, filters: WorkbenchFilters):
    """Submitted comments (hidden ones included) that lead a group or stand alone, with their duplicates
    (``grouped``), their current saved answer (``current_responses``) and published answer
    (``published_responses``). Not yet sliced: the view paginates.

    A comment grouped under a comment that was later withdrawn is listed on its own so it can be ungrouped.
    """
    qs = Comment.objects.submitted().filter(consultation=consultation).filter(
        Q(duplicate_of__isnull=True) | Q(duplicate_of__status=Comment.Status.WITHDRAWN))
    if filters.article == GENERAL:
        qs = qs.filter(article__isnull=True)
    elif filters.article:
        qs = qs.filter(article__key=filters.article)
    if filters.author:
        grouped_by_author = Comment.objects.submitted().filter(duplicate_of=OuterRef("pk"), author_name=filters.author)
        qs = qs.filter(Q(author_name=filters.author) | Exists(grouped_by_author))
    if filters.answered == "yes":
        qs = qs.filter(_current_answer())
    elif filters.answered == "no":
        qs = qs.filter(~_current_answer())
    if filters.result:
        qs = qs.filter(_current_answer(result=filters.result))
    duplicates = (Comment.objects.submitted().select_related("association", "firm", "article", "version", "hidden_by")
                  .prefetch_related(_attachments(), "consulted_firms").order_by("sequence"))
    return qs.select_related("association", "firm", "article", "version", "hidden_by", "duplicate_of").prefetch_related(
        _attachments(),
        "consulted_firms",
        Prefetch("responses", queryset=Response.objects.current().select_related("new_article", "answered_by"),
                 to_attr="current_responses"),
        Prefetch("responses", queryset=Response.objects.published().select_related("new_article"),
                 to_attr="published_responses"),
        Prefetch("duplicates", queryset=duplicates, to_attr="grouped"),
    ).order_by("sequence")


def withdrawn_comments(consultation: Consultation) -> list[Comment]:
    return list(Comment.objects.filter(consultation=consultation, status=Comment.Status.WITHDRAWN)
                .select_related("article").order_by("sequence"))


def author_names(consultation: Consultation) -> list[str]:
    return list(Comment.objects.submitted().filter(consultation=consultation).order_by("author_name")
                .values_list("author_name", flat=True).distinct())


def newest_articles(consultation: Consultation) -> list[Article]:
    """Articles (条) of the newest version, published or not: the text an answer points to."""
    version = current_version(consultation, include_unpublished=True)
    return [a for a in articles_of(version) if a.commentable]


# --- Tracker ----------------------------------------------------------------------------------------


@dataclass
class InvitedRow:
    association: object
    comments: int
    last_submitted_at: object
    reminders: list[Reminder] = field(default_factory=list)


@dataclass
class HeatCell:
    article: Article
    count: int
    level: int  # 0 (none) … HEAT_LEVELS (most commented)


@dataclass
class Tracker:
    total: int
    hidden: int
    late: int
    withdrawn: int
    unanswered: int
    general: int
    invited: list[InvitedRow]
    heat: list[HeatCell]
    max_count: int
    by_author: list
    saved_results: list
    published_results: list
    by_channel: list[tuple[str, int]]


def _invited_rows(consultation: Consultation) -> list[InvitedRow]:
    mine = Q(consultation_comments__consultation=consultation,
             consultation_comments__status=Comment.Status.SUBMITTED)
    associations = consultation.invited_associations.annotate(
        n=Count("consultation_comments", filter=mine),
        last=Max("consultation_comments__submitted_at", filter=mine),
    ).order_by("name")
    reminders = defaultdict(list)
    for reminder in Reminder.objects.filter(consultation=consultation).order_by("sent_at", "id"):
        reminders[reminder.association_id].append(reminder)
    return [InvitedRow(a, a.n, a.last, reminders.get(a.pk, [])) for a in associations]


def heat_level(count: int, max_count: int) -> int:
    if count <= 0 or max_count <= 0:
        return 0
    return max(1, math.ceil(HEAT_LEVELS * count / max_count))


def _heat(consultation: Consultation) -> tuple[list[HeatCell], int]:
    counts = comment_counts_by_article(consultation, public=False)
    articles = articles_of(current_version(consultation) or current_version(consultation, include_unpublished=True))
    max_count = max(counts.values(), default=0)
    cells = [HeatCell(a, counts.get(a.key, 0), heat_level(counts.get(a.key, 0), max_count))
             for a in articles if a.commentable or a.kind == Article.NodeKind.CHAPTER]
    return cells, max_count


def tracker(consultation: Consultation) -> Tracker:
    """Everything the tracker dashboard shows, in a fixed number of queries."""
    saved = outcome_rows(consultation, published_only=False)
    published = outcome_rows(consultation, published_only=True)
    comments = [c for row in saved for c in (row.comment, *row.duplicates)]
    channels = Counter(c.channel for c in comments)
    heat, max_count = _heat(consultation)
    return Tracker(
        total=len(comments),
        hidden=sum(1 for c in comments if c.is_hidden),
        late=sum(1 for c in comments if c.is_late),
        withdrawn=Comment.objects.filter(consultation=consultation, status=Comment.Status.WITHDRAWN).count(),
        unanswered=sum(1 for row in saved if row.response is None),
        general=sum(1 for c in comments if c.article_id is None),
        invited=_invited_rows(consultation),
        heat=heat,
        max_count=max_count,
        by_author=[(name, n, [results.get(v, 0) for v in Result.values])
                   for name, n, results in counts_by_author(saved)],
        saved_results=outcome_result_counts(saved),
        published_results=outcome_result_counts(published),
        by_channel=[(label, channels.get(value, 0)) for value, label in Channel.choices],
    )
