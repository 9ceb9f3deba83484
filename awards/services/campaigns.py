"""The campaign's life: open (only with an approval document and approving body; a restricted word in the name
needs the second confirmation), start judging, 公示 of the proposed winners for N working days with objections,
and the final results (optionally a 良好行为 credit record for each winner, through the credit app)."""

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError
from core.workdays import add_workdays

from .. import permissions
from ..models import Campaign, CampaignState, Entry, EntryState, Objection, Round, Winner
from .judging import rank


def _require(allowed: bool):
    if not allowed:
        raise DomainError(_("You are not allowed to do this."))


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")


def _transition(campaign, *, actor, allowed_from, to, action, data=None, **fields) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state not in allowed_from:
            raise DomainError(_("The campaign is now “%(state)s”; refresh the page.")
                              % {"state": campaign.get_state_display()})
        was = campaign.state
        campaign.state = to
        for key, value in fields.items():
            setattr(campaign, key, value)
        campaign.save()
        audit_log(actor=actor, action=action, obj=campaign, data={"from": was, **(data or {})})
    return campaign


def campaign_open(*, actor, campaign: Campaign) -> Campaign:
    """Open for entries. Refused without the approval document number and approving body, without categories,
    or with 中国/全国/国际/世界 in the name until the organiser confirms the approval covers it."""
    _require(permissions.can_manage_campaign(actor, campaign))
    if not campaign.approval_number.strip() or not campaign.approving_body.strip():
        raise DomainError(_("A campaign opens only with its approval: enter the approval document number and the "
                            "approving body (国评组发〔2012〕2号)."), field="approval_number")
    if campaign.restricted_words and not campaign.restricted_name_confirmed:
        raise DomainError(_("The name contains %(words)s, which needs specific approval: confirm that the approval "
                            "covers the name.") % {"words": "、".join(campaign.restricted_words)},
                          field="restricted_name_confirmed")
    if not campaign.categories.exists():
        raise DomainError(_("Add at least one award category first."))
    if campaign.entries_close <= campaign.entries_open:
        raise DomainError(_("Entries must close after they open."), field="entries_close")
    return _transition(campaign, actor=actor, allowed_from=(CampaignState.DRAFT,), to=CampaignState.OPEN,
                       action="awards.campaign.opened", opened_at=timezone.now(),
                       data={"approval_number": campaign.approval_number, "approving_body": campaign.approving_body})


def judging_start(*, actor, campaign: Campaign) -> Campaign:
    """Close the entries (after their deadline); submitted entries not yet reviewed stay to be reviewed."""
    _require(permissions.can_manage_campaign(actor, campaign))
    if timezone.now() < campaign.entries_close:
        raise DomainError(_("Entries are open until %(end)s.") % {"end": _local(campaign.entries_close)})
    return _transition(campaign, actor=actor, allowed_from=(CampaignState.OPEN,), to=CampaignState.JUDGING,
                       action="awards.campaign.judging")


def publicity_start(*, actor, campaign: Campaign) -> Campaign:
    """Publish the proposed winners of the last round (the best ``awards`` per category; ties share the place)
    for ``publicity_days`` working days."""
    _require(permissions.can_manage_campaign(actor, campaign))
    if campaign.publicity_days < 1:
        raise DomainError(_("The public notice lasts at least one working day."), field="publicity_days")
    last = campaign.rounds.order_by("-position").first()
    if last is None or last.state != Round.State.CLOSED or campaign.rounds.exclude(state=Round.State.CLOSED).exists():
        raise DomainError(_("Close every judging round before publishing the results."))
    now = timezone.now()
    # The 公示 ends at the end of the N-th working day after the day it starts (Asia/Shanghai).
    end_day = add_workdays(timezone.localdate(now), campaign.publicity_days)
    ends = timezone.make_aware(datetime.combine(end_day, time(23, 59, 59)))
    with transaction.atomic():
        rows = list(last.round_entries.filter(entry__state=EntryState.ELIGIBLE).select_related("entry__category"))
        by_category = {}
        for row in rows:
            by_category.setdefault(row.entry.category, []).append(row)
        winners = []
        for category, category_rows in by_category.items():
            ranks = rank([(r.pk, r.score) for r in category_rows if r.score is not None])
            for r in category_rows:
                if r.pk in ranks and ranks[r.pk] <= category.awards:
                    winners.append(Winner(campaign=campaign, category=category, entry=r.entry, rank=ranks[r.pk],
                                          score=r.score))
        Winner.objects.bulk_create(winners)
        campaign = _transition(campaign, actor=actor, allowed_from=(CampaignState.JUDGING,),
                               to=CampaignState.PUBLICITY, action="awards.campaign.publicity",
                               publicity_starts=now, publicity_ends=ends,
                               data={"winners": len(winners), "ends": ends.isoformat()})
    return campaign


def objection_file(*, actor, campaign: Campaign, name: str, contact: str, reason: str, entry: Entry | None = None,
                   evidence=None) -> Objection:
    """An objection during the 公示 (signed in; reason required; evidence optional)."""
    from core.files import read_upload

    if not getattr(actor, "is_authenticated", False):
        raise DomainError(_("Sign in to file an objection."))
    now = timezone.now()
    if campaign.state != CampaignState.PUBLICITY or not campaign.publicity_starts <= now < campaign.publicity_ends:
        if campaign.publicity_starts:
            raise DomainError(_("Objections are accepted during the public notice, from %(start)s to %(end)s.")
                              % {"start": _local(campaign.publicity_starts), "end": _local(campaign.publicity_ends)})
        raise DomainError(_("The results of this campaign are not in public notice."))
    name, contact, reason = (name or "").strip()[:50], (contact or "").strip()[:100], (reason or "").strip()
    if not name:
        raise DomainError(_("Enter your name."), field="name")
    if not contact:
        raise DomainError(_("Enter a phone number or email so the organiser can answer."), field="contact")
    if len(reason) < 10:
        raise DomainError(_("Give the reason for the objection (at least 10 characters)."), field="reason")
    if entry is not None and entry.campaign_id != campaign.pk:
        raise DomainError(_("Choose an entry of this campaign."), field="entry")
    stored = None
    if evidence:
        stored = read_upload(evidence, allowed={"pdf", "jpeg", "png", "docx"}, max_bytes=10 * 1024 * 1024,
                             field="evidence", kinds_label="PDF、JPG、PNG、DOCX")
    with transaction.atomic():
        objection = Objection(campaign=campaign, entry=entry, filed_by=actor, name=name, contact=contact,
                              reason=reason[:5000])
        if stored is not None:
            from django.core.files.base import ContentFile

            objection.evidence.save(stored[0], ContentFile(stored[1]), save=False)
        objection.save()
        audit_log(actor=actor, action="awards.objection.filed", obj=campaign,
                  data={"objection": objection.pk, "entry": entry.pk if entry else None})
    return objection


def objection_decide(*, actor, objection: Objection, upheld: bool, outcome: str) -> Objection:
    """Record the organiser's outcome. Upheld against an entry: its proposed award is removed (kept, marked)."""
    _require(permissions.can_manage_campaign(actor, objection.campaign))
    outcome = (outcome or "").strip()
    if not outcome:
        raise DomainError(_("Record the outcome; the objector is told."), field="outcome")
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.state != Objection.State.PENDING:
            raise DomainError(_("This objection has already been decided."))
        objection.state = Objection.State.UPHELD if upheld else Objection.State.REJECTED
        objection.outcome, objection.decided_by, objection.decided_at = outcome[:5000], actor, timezone.now()
        objection.save()
        removed = 0
        if upheld and objection.entry_id:
            removed = Winner.objects.filter(campaign=objection.campaign, entry=objection.entry,
                                            withdrawn_at__isnull=True).update(
                withdrawn_at=timezone.now(), withdrawn_reason=outcome[:300])
        audit_log(actor=actor, action="awards.objection.decided", obj=objection.campaign,
                  data={"objection": objection.pk, "upheld": upheld, "winners_removed": removed})
    return objection


def results_finalise(*, actor, campaign: Campaign) -> Campaign:
    """Final results after the 公示 ends and every objection is decided; credit records for the winners."""
    _require(permissions.can_manage_campaign(actor, campaign))
    if campaign.state != CampaignState.PUBLICITY:
        raise DomainError(_("Publish the proposed winners for public notice first."))
    if timezone.now() < campaign.publicity_ends:
        raise DomainError(_("The public notice runs until %(end)s; the results are final after it.")
                          % {"end": _local(campaign.publicity_ends)})
    pending = campaign.objections.filter(state=Objection.State.PENDING).count()
    if pending:
        raise DomainError(_("%(n)d objections are still to be decided.") % {"n": pending})
    with transaction.atomic():
        campaign = _transition(campaign, actor=actor, allowed_from=(CampaignState.PUBLICITY,),
                               to=CampaignState.FINISHED, action="awards.campaign.finished",
                               finished_at=timezone.now())
        if campaign.credit_indicator_id:
            for winner in campaign.winners.filter(withdrawn_at__isnull=True).select_related("entry__firm",
                                                                                            "category"):
                winner.credit_event = _credit_record(actor, campaign, winner)
                winner.save(update_fields=["credit_event"])
    return campaign


def _credit_record(actor, campaign: Campaign, winner: Winner):
    """A 良好行为 record for a winner: recorded by the committee, or submitted by the organising association."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.roles import is_committee_staff
    from credit import services as credit

    from ..certificates import certificate_docx, certificate_name

    evidence = SimpleUploadedFile(certificate_name(winner), certificate_docx(winner))
    fields = {"evidence_upload": evidence, "indicator": campaign.credit_indicator, "firm": winner.entry.firm,
              "summary": f"荣获{campaign.name}“{winner.category.name}”（第{winner.rank}名）",
              "occurred_on": timezone.localdate(), "evidence_doc_no": campaign.approval_number,
              "evidence_issuer": campaign.organiser_name}
    if is_committee_staff(actor):
        return credit.event_record(actor=actor, **fields)
    return credit.event_submit(actor=actor, association=campaign.organiser, **fields)
