"""Comments: submitted online as an organisation (or person), registered from offline channels, withdrawn,
hidden, grouped as duplicates; member firms' draft points consolidated by their association."""

import hashlib
import json
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError
from core.files import sniff_file_type
from core.sanitize import plain_text, sanitize_html

from .. import permissions
from ..models import Article, Channel, Comment, CommentAttachment, Consultation, MemberPoint
from .consultations import period_dates
from .mail import send_after_commit

MAX_FIELD_CHARS = 10_000
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {"pdf", "docx", "png", "jpeg", "gif"}


def _forbidden():
    return DomainError(_("You cannot comment on this consultation."))


def clean_fields(problem: str, reason: str, suggestion: str) -> dict:
    """Sanitised rich text of the three fields; the problem is required; each at most MAX_FIELD_CHARS."""
    cleaned = {}
    for name, raw in (("problem", problem), ("reason", reason), ("suggestion", suggestion)):
        raw = raw or ""
        if len(raw) > MAX_FIELD_CHARS:
            raise DomainError(_("The field is too long: at most %(max)s characters.") % {"max": MAX_FIELD_CHARS},
                              field=name)
        value = sanitize_html(raw).strip()
        if not strip_tags(value).strip():
            value = ""
        cleaned[name] = value
    if not cleaned["problem"]:
        raise DomainError(_("Describe the problem: this field is required."), field="problem")
    return cleaned


def _read_files(files) -> list[tuple[str, bytes, str]]:
    files = [f for f in files or () if f]
    if len(files) > MAX_ATTACHMENTS:
        raise DomainError(_("At most %(n)s attachments.") % {"n": MAX_ATTACHMENTS}, field="attachments")
    out = []
    for upload in files:
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise DomainError(_("%(name)s is larger than 20 MB.") % {"name": upload.name}, field="attachments")
        data = upload.read()
        kind = sniff_file_type(data)
        if kind not in ATTACHMENT_TYPES:
            raise DomainError(_("%(name)s is not a PDF, DOCX or image file.") % {"name": upload.name},
                              field="attachments")
        name = upload.name.replace("/", "_").replace("\\", "_")[-150:]
        out.append((name, data, kind))
    return out


def _resolve_article(consultation: Consultation, article) -> Article | None:
    if article is None:
        return None
    if not isinstance(article, Article):
        article = Article.objects.filter(pk=article).select_related("version").first()
    if (article is None or article.version.consultation_id != consultation.pk
            or article.version.published_at is None or not article.commentable):
        raise DomainError(_("Choose an article of the published draft."), field="article")
    return article


def fingerprint(comment: Comment, attachment_hashes: list[str]) -> str:
    payload = {
        "receipt": comment.receipt_number, "author": comment.author_name, "article": comment.quoted_label,
        "quoted": comment.quoted_text, "problem": comment.problem, "reason": comment.reason,
        "suggestion": comment.suggestion, "attachments": attachment_hashes,
        "submitted_at": comment.submitted_at.isoformat(),
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _create(*, consultation: Consultation, article, fields: dict, files, **extra) -> Comment:
    """Number, fingerprint and store a comment. The caller holds the consultation row lock."""
    version = article.version if article else consultation.versions.filter(
        published_at__isnull=False).order_by("-number").first()
    consultation.comment_counter += 1
    consultation.save(update_fields=["comment_counter"])
    comment = Comment(
        consultation=consultation, version=version, article=article,
        quoted_label=article.label if article else "", quoted_text=article.text if article else "",
        sequence=consultation.comment_counter,
        receipt_number=f"{consultation.number}-{consultation.comment_counter:04d}",
        submitted_at=timezone.now(), **fields, **extra)
    hashes = [hashlib.sha256(data).hexdigest() for _name, data, _kind in files]
    comment.fingerprint = fingerprint(comment, hashes)
    comment.save()
    for (name, data, kind), digest in zip(files, hashes, strict=True):
        attachment = CommentAttachment(comment=comment, name=name, size=len(data), file_type=kind, sha256=digest)
        attachment.file.save(name, ContentFile(data), save=False)
        attachment.save()
    return comment


def comment_submit(*, actor, consultation: Consultation, speaker: str, article=None, problem: str,
                   reason: str = "", suggestion: str = "", contact: str = "", files=(),
                   adopted_points=()) -> Comment:
    """Submit a comment as ``speaker`` (a Speaker.value). The window is checked on the server, under a lock."""
    chosen = next((s for s in permissions.speakers_for(actor, consultation) if s.value == speaker), None)
    if chosen is None:
        raise _forbidden()
    fields = clean_fields(problem, reason, suggestion)
    uploads = _read_files(files)
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        now = timezone.now()
        if now < consultation.starts_at:
            raise DomainError(_("The consultation has not started yet."))
        late = now >= consultation.ends_at
        if late and not consultation.allow_late:
            deadline = timezone.localtime(consultation.ends_at).strftime("%Y-%m-%d %H:%M")
            raise DomainError(_("The consultation closed at %(deadline)s; comments are no longer accepted.")
                              % {"deadline": deadline})
        article = _resolve_article(consultation, article)
        if consultation.outcome_published_at is not None:
            raise _forbidden()
        # A person speaks under their full name, never their email address.
        name = chosen.name or actor.full_name.strip() or str(Comment.AuthorKind.PUBLIC.label)
        comment = _create(
            consultation=consultation, article=article, fields=fields, files=uploads, author_kind=chosen.kind,
            association=chosen.association, firm=chosen.firm, author_name=name, submitted_by=actor,
            contact=plain_text(contact or "")[:200], channel=Channel.ONLINE, is_late=late,
            received_on=timezone.localdate(now))
        adopted = []
        if chosen.association is not None and adopted_points:
            points = MemberPoint.objects.select_for_update().filter(
                pk__in=[getattr(p, "pk", p) for p in adopted_points], consultation=consultation,
                association=chosen.association, status=MemberPoint.Status.PENDING)
            adopted = list(points)
            for point in adopted:
                point.status, point.comment = MemberPoint.Status.ADOPTED, comment
                point.save(update_fields=["status", "comment"])
            comment.consulted_firms.set({p.firm_id for p in adopted})
        audit_log(actor=actor, action="consultations.comment.submitted", obj=comment,
                  data={"consultation": consultation.pk, "receipt": comment.receipt_number, "as": speaker,
                        "late": late, "fingerprint": comment.fingerprint, "points": [p.pk for p in adopted]})
        send_after_commit(template="receipt", recipients=[actor.email],
                          context={"comment": comment, "consultation": consultation})
    return comment


def comment_withdraw(*, actor, comment: Comment) -> Comment:
    """Withdraw before the deadline. The record stays, marked 已撤回."""
    if not permissions.owns_comment(actor, comment):
        raise _forbidden()
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=comment.consultation_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.status != Comment.Status.SUBMITTED:
            raise DomainError(_("This comment is already withdrawn."))
        if timezone.now() >= consultation.ends_at:
            raise DomainError(_("The consultation has closed; a comment can no longer be withdrawn."))
        comment.status, comment.withdrawn_at = Comment.Status.WITHDRAWN, timezone.now()
        comment.save(update_fields=["status", "withdrawn_at"])
        # A withdrawn comment no longer leads a group of duplicates: the earliest duplicate takes its place.
        duplicates = list(comment.duplicates.order_by("sequence"))
        if duplicates:
            leader = duplicates[0]
            Comment.objects.filter(pk=leader.pk).update(duplicate_of=None)
            Comment.objects.filter(pk__in=[d.pk for d in duplicates[1:]]).update(duplicate_of=leader)
        audit_log(actor=actor, action="consultations.comment.withdrawn", obj=comment,
                  data={"receipt": comment.receipt_number})
    return comment


def comment_register_offline(*, actor, consultation: Consultation, channel: str, received_on: date,
                             author_name: str, author_kind: str = Comment.AuthorKind.OTHER, association=None,
                             firm=None, article=None, problem: str, reason: str = "", suggestion: str = "",
                             files=()) -> Comment:
    """Committee staff register a comment received by letter, email or at a meeting."""
    if not permissions.can_manage(actor):
        raise _forbidden()
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise DomainError(_("Choose the channel the comment came through."), field="channel")
    if received_on is None or received_on > timezone.localdate():
        raise DomainError(_("Give the date the comment was received (not in the future)."), field="received_on")
    author_name = plain_text(author_name or "")[:200]
    if association is not None:
        author_kind, author_name = Comment.AuthorKind.ASSOCIATION, author_name or association.name
    elif firm is not None:
        author_kind, author_name = Comment.AuthorKind.FIRM, author_name or firm.name
    if not author_name:
        raise DomainError(_("Give the name of the organisation or person."), field="author_name")
    fields = clean_fields(problem, reason, suggestion)
    uploads = _read_files(files)
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.published_at is None:
            raise DomainError(_("The consultation is not published."))
        if consultation.outcome_published_at is not None:
            raise DomainError(_("The outcome is already published."))
        article = _resolve_article(consultation, article)
        late = received_on > period_dates(consultation.starts_at, consultation.ends_at)[1]
        comment = _create(
            consultation=consultation, article=article, fields=fields, files=uploads, author_kind=author_kind,
            association=association, firm=firm, author_name=author_name, submitted_by=actor, channel=channel,
            received_on=received_on, is_late=late)
        audit_log(actor=actor, action="consultations.comment.registered", obj=comment,
                  data={"channel": channel, "received_on": received_on.isoformat(),
                        "receipt": comment.receipt_number})
    return comment


def comment_hide(*, actor, comment: Comment, reason: str) -> Comment:
    """Hide from public view with a reason; the text is kept and staff still see it."""
    if not permissions.can_manage(actor):
        raise _forbidden()
    reason = plain_text(reason or "")
    if not reason:
        raise DomainError(_("Give the reason for hiding the comment."), field="reason")
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.hidden_at, comment.hidden_reason, comment.hidden_by = timezone.now(), reason, actor
        comment.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        audit_log(actor=actor, action="consultations.comment.hidden", obj=comment, data={"reason": reason})
    return comment


def comment_unhide(*, actor, comment: Comment) -> Comment:
    if not permissions.can_manage(actor):
        raise _forbidden()
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        previous = comment.hidden_reason
        comment.hidden_at, comment.hidden_reason, comment.hidden_by = None, "", None
        comment.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        audit_log(actor=actor, action="consultations.comment.unhidden", obj=comment, data={"reason": previous})
    return comment


def comment_mark_duplicate(*, actor, comment: Comment, of: Comment | None) -> Comment:
    """Group ``comment`` under ``of`` (answered together), or ungroup it with ``of=None``."""
    if not permissions.can_manage(actor):
        raise _forbidden()
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.consultation.outcome_published_at is not None:
            raise DomainError(_("The outcome is published: comments can no longer be regrouped."))
        if of is not None:
            of = Comment.objects.get(pk=of.pk)
            if of.duplicate_of_id:
                of = of.duplicate_of
            if (of.consultation_id != comment.consultation_id or of.pk == comment.pk
                    or of.status != Comment.Status.SUBMITTED):
                raise DomainError(_("Choose another comment of the same consultation."), field="duplicate_of")
            comment.duplicates.update(duplicate_of=of)
        comment.duplicate_of = of
        comment.save(update_fields=["duplicate_of"])
        audit_log(actor=actor, action="consultations.comment.grouped", obj=comment,
                  data={"duplicate_of": of.receipt_number if of else None})
    return comment


def member_point_submit(*, actor, consultation: Consultation, firm, association, article=None, problem: str,
                        reason: str = "", suggestion: str = "") -> MemberPoint:
    """A member firm sends a draft point to its association (not public, not a comment yet)."""
    targets = permissions.point_targets_for(actor, consultation)
    if not any(f.pk == firm.pk and a.pk == association.pk for f, a in targets):
        raise _forbidden()
    fields = clean_fields(problem, reason, suggestion)
    article = _resolve_article(consultation, article)
    with transaction.atomic():
        point = MemberPoint.objects.create(consultation=consultation, association=association, firm=firm,
                                           author=actor, article=article, **fields)
        audit_log(actor=actor, action="consultations.point.submitted", obj=consultation,
                  data={"point": point.pk, "firm": firm.pk, "association": association.pk})
    return point


def member_point_decide(*, actor, point: MemberPoint, note: str = "") -> MemberPoint:
    """Association staff decide not to take a member's point up (adopting happens when they submit)."""
    if not permissions.can_handle_points(actor, point.association):
        raise _forbidden()
    with transaction.atomic():
        point = MemberPoint.objects.select_for_update().get(pk=point.pk)
        if point.status != MemberPoint.Status.PENDING:
            raise DomainError(_("This point has already been handled."))
        point.status, point.note = MemberPoint.Status.DROPPED, plain_text(note)[:300]
        point.save(update_fields=["status", "note"])
        audit_log(actor=actor, action="consultations.point.dropped", obj=point.consultation,
                  data={"point": point.pk, "note": point.note})
    return point
