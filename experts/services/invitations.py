"""Invitations of drawn experts: a signed link to confirm (with the 回避承诺) or decline (with a reason) before a
deadline. A decline or a missed deadline invites the next alternate of the same field automatically, logged."""

from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError
from core.mail import send_after_commit

from ..models import Selection

SALT = "experts.invitation"


def invitation_token(selection: Selection) -> str:
    return signing.dumps({"s": selection.pk, "e": selection.expert_id}, salt=SALT)


def selection_for_token(token: str) -> Selection:
    """The selection a link is for; DomainError for a tampered or unknown link."""
    try:
        data = signing.loads(token, salt=SALT)
        return Selection.objects.select_related("draw", "expert").get(pk=data["s"], expert_id=data["e"])
    except (signing.BadSignature, Selection.DoesNotExist, KeyError, TypeError) as exc:
        raise DomainError(_("This invitation link is not valid. Use the link in the email exactly as sent.")) from exc


def invite(selection: Selection, *, actor) -> Selection:
    """Invite one drawn expert (inside the caller's transaction): deadline, audit, mail after commit."""
    now = timezone.now()
    selection.response, selection.invited_at = Selection.Response.WAITING, now
    selection.answer_by = now + timedelta(hours=selection.draw.response_hours)
    selection.save(update_fields=["response", "invited_at", "answer_by"])
    audit_log(actor=actor, action="experts.selection.invited", obj=selection.draw,
              data={"expert": selection.expert_id, "field": selection.field, "alternate": selection.alternate,
                    "answer_by": selection.answer_by.isoformat()})
    if selection.expert.email:
        send_after_commit(template="experts/email/invitation", recipients=[selection.expert.email],
                          context={"selection": selection, "draw": selection.draw,
                                   "path": reverse("experts:invitation", args=[invitation_token(selection)])})
    return selection


def promote_next(selection: Selection, *, actor, why: str) -> Selection | None:
    """Invite the next alternate of the field (by drawing order); None (logged) when none is left."""
    nxt = (Selection.objects.select_for_update().select_related("draw", "expert")
           .filter(draw_id=selection.draw_id, field=selection.field, alternate=True,
                   response=Selection.Response.STANDBY).order_by("order").first())
    if nxt is None:
        audit_log(actor=actor, action="experts.selection.no_alternate_left", obj=selection.draw,
                  data={"field": selection.field, "replacing": selection.expert_id, "why": why})
        return None
    nxt.replaces = selection
    nxt.save(update_fields=["replaces"])
    audit_log(actor=actor, action="experts.selection.alternate_promoted", obj=selection.draw,
              data={"expert": nxt.expert_id, "replacing": selection.expert_id, "why": why})
    return invite(nxt, actor=actor)


def invitation_answer(*, token: str, accept: bool, reason: str = "", pledge: bool = False) -> Selection:
    selection = selection_for_token(token)
    with transaction.atomic():
        selection = Selection.objects.select_for_update().select_related("draw", "expert").get(pk=selection.pk)
        if selection.response != Selection.Response.WAITING:
            raise DomainError(_("This invitation has already been answered or has lapsed."))
        now = timezone.now()
        if now > selection.answer_by:
            raise DomainError(_("The deadline to answer was %(deadline)s; the invitation has lapsed.")
                              % {"deadline": timezone.localtime(selection.answer_by).strftime("%Y-%m-%d %H:%M")})
        actor = selection.expert.user or f"expert:{selection.expert_id}"
        if accept:
            if not pledge:
                raise DomainError(_("Confirm the recusal pledge to accept."), field="pledge")
            selection.response, selection.recusal_pledge = Selection.Response.CONFIRMED, True
        else:
            reason = (reason or "").strip()[:300]
            if not reason:
                raise DomainError(_("Give a reason for declining."), field="reason")
            selection.response, selection.decline_reason = Selection.Response.DECLINED, reason
        selection.answered_at = now
        selection.save(update_fields=["response", "recusal_pledge", "decline_reason", "answered_at"])
        audit_log(actor=actor, action="experts.selection.answered", obj=selection.draw,
                  data={"expert": selection.expert_id, "accepted": accept, "reason": reason})
        if not accept:
            promote_next(selection, actor=actor, why=_("Declined: %(reason)s") % {"reason": reason})
    return selection


def expire_due(*, now=None) -> int:
    """Lapse the invitations past their deadline and invite the next alternates. Returns how many lapsed."""
    now = now or timezone.now()
    lapsed = 0
    for pk in Selection.objects.filter(response=Selection.Response.WAITING, answer_by__lt=now).values_list(
            "pk", flat=True):
        with transaction.atomic():
            selection = Selection.objects.select_for_update().select_related("draw").get(pk=pk)
            if selection.response != Selection.Response.WAITING:
                continue
            selection.response = Selection.Response.EXPIRED
            selection.save(update_fields=["response"])
            audit_log(actor="expire_expert_invitations", action="experts.selection.expired", obj=selection.draw,
                      data={"expert": selection.expert_id})
            promote_next(selection, actor="expire_expert_invitations", why=_("No answer before the deadline"))
            lapsed += 1
    return lapsed
