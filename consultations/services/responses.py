"""Responses (意见处理): saved internally, superseded (never overwritten), published together with the outcome."""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import AssociationStaff
from core.audit import audit_log
from core.errors import DomainError
from core.sanitize import plain_text, sanitize_html

from .. import permissions
from ..models import Article, Comment, Consultation, ReasonTemplate, Response, Result
from .mail import send_after_commit


def _forbidden():
    return DomainError(_("You do not have permission to do this."))


def _save_one(*, actor, comment: Comment, result: str, reason: str, new_article, now) -> Response:
    if comment.status != Comment.Status.SUBMITTED:
        raise DomainError(_("Comment %(receipt)s was withdrawn and needs no answer.") % {
            "receipt": comment.receipt_number})
    if comment.duplicate_of_id:
        raise DomainError(_("Comment %(receipt)s is grouped with another comment: answer the group's first comment.")
                          % {"receipt": comment.receipt_number})
    Response.objects.current().filter(comment=comment).update(superseded_at=now)
    response = Response.objects.create(comment=comment, result=result, reason=reason, new_article=new_article,
                                       answered_by=actor, answered_at=now)
    audit_log(actor=actor, action="consultations.response.saved", obj=comment,
              data={"response": response.pk, "result": result, "reason": reason,
                    "new_article": new_article.label if new_article else ""})
    return response


def _check_answer(consultation, result: str, reason: str, new_article):
    if result not in Result.values:
        raise DomainError(_("Choose the result."), field="result")
    reason = plain_text(reason or "")
    if result != Result.ADOPTED and not reason:
        raise DomainError(_("Give the reason: every comment not fully adopted needs one."), field="reason")
    if new_article is not None:
        if not isinstance(new_article, Article):
            new_article = Article.objects.select_related("version").filter(pk=new_article).first()
        if new_article is None or new_article.version.consultation_id != consultation.pk:
            raise DomainError(_("Choose an article of this consultation's text."), field="new_article")
    return reason, new_article


def response_save(*, actor, comment: Comment, result: str, reason: str = "", new_article=None) -> Response:
    """Save (not publish) the answer to one comment or group of duplicates."""
    if not permissions.can_manage(actor):
        raise _forbidden()
    reason, new_article = _check_answer(comment.consultation, result, reason, new_article)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        return _save_one(actor=actor, comment=comment, result=result, reason=reason, new_article=new_article,
                         now=timezone.now())


def response_bulk(*, actor, consultation: Consultation, comments, result: str, reason: str = "",
                  template: ReasonTemplate | None = None) -> list[Response]:
    """Answer the selected comments the same way, with a typed reason or a reason template."""
    if not permissions.can_manage(actor):
        raise _forbidden()
    if template is not None:
        result, reason = result or template.result, reason or template.text
    reason, _article = _check_answer(consultation, result, reason, None)
    ids = [getattr(c, "pk", c) for c in comments]
    if not ids:
        raise DomainError(_("Select at least one comment."), field="comments")
    with transaction.atomic():
        selected = list(Comment.objects.select_for_update().filter(pk__in=ids, consultation=consultation))
        if len(selected) != len(set(ids)):
            raise DomainError(_("Select comments of this consultation only."), field="comments")
        now = timezone.now()
        return [_save_one(actor=actor, comment=c, result=result, reason=reason, new_article=None, now=now)
                for c in selected]


def unanswered(consultation: Consultation):
    """Submitted comments that lead a group (or stand alone) and have no saved answer."""
    answered = Response.objects.current().filter(comment=OuterRef("pk"))
    return Comment.objects.submitted().filter(consultation=consultation, duplicate_of__isnull=True).exclude(
        Exists(answered))


def outcome_publish(*, actor, consultation: Consultation, note: str = "", final_page=None) -> int:
    """Publish every saved answer at once (the 意见采纳情况). Returns how many answers became public.

    Can be run again after more answers are saved: the newer answers replace the published ones publicly.
    """
    if not permissions.can_publish(actor):
        raise _forbidden()
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        now = timezone.now()
        if consultation.published_at is None or now < consultation.ends_at:
            raise DomainError(_("The outcome can be published only after the consultation has closed."))
        missing = unanswered(consultation).count()
        if missing:
            raise DomainError(_("%(n)s comments have no answer yet; answer every comment before publishing.")
                              % {"n": missing})
        fresh = list(Response.objects.current().filter(comment__consultation=consultation, published_at__isnull=True,
                                                       comment__status=Comment.Status.SUBMITTED))
        Response.objects.published().filter(comment__in=[r.comment_id for r in fresh]).update(
            public_superseded_at=now)
        Response.objects.filter(pk__in=[r.pk for r in fresh]).update(published_at=now)
        first_time = consultation.outcome_published_at is None
        consultation.outcome_published_at = consultation.outcome_published_at or now
        if note:
            consultation.outcome_note = sanitize_html(note)
        if final_page is not None:
            consultation.final_page = final_page
        consultation.save(update_fields=["outcome_published_at", "outcome_note", "final_page", "updated_at"])
        audit_log(actor=actor, action="consultations.outcome.published", obj=consultation,
                  data={"answers": len(fresh), "first_time": first_time})
        send_after_commit(template="outcome", recipients=_outcome_recipients([r.comment_id for r in fresh]),
                          context={"consultation": consultation})
    return len(fresh)


def _outcome_recipients(comment_ids) -> list[str]:
    """Whoever submitted the newly answered comments online, and the staff of the associations that made them."""
    comments = Comment.objects.filter(pk__in=comment_ids)
    submitters = comments.filter(channel="online", submitted_by__isnull=False).values_list(
        "submitted_by__email", flat=True)
    staff = AssociationStaff.objects.filter(association__consultation_comments__in=comments).values_list(
        "user__email", flat=True)
    return sorted(set(submitters) | set(staff))
