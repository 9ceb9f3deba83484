"""Entries: eligibility, drafts, submission (frozen, numbered, fingerprinted), withdrawal, and the organisers'
eligibility review. Entrants are never charged: there is no fee anywhere in this flow.

Eligibility of a firm: active; a current member of one of the campaign's associations (any association when none
is listed); not on the credit black list (the reason is shown); at least the campaign's minimum credit level in
its current final rating, when a minimum is set."""

import hashlib
import json

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Membership
from core.audit import audit_log
from core.errors import DomainError
from core.files import read_upload

from .. import permissions
from ..models import Campaign, CampaignState, Entry, EntryFile, EntryState

IMAGE_KINDS = {"jpeg", "png"}
ATTACHMENT_KINDS = {"pdf", "docx", "xlsx", "jpeg", "png"}
IMAGE_MAX = 5 * 1024 * 1024
ATTACHMENT_MAX = 20 * 1024 * 1024
MAX_ATTACHMENTS = 5


def _require(allowed: bool, message=None):
    if not allowed:
        raise DomainError(message or _("You are not allowed to do this."))


def eligibility_problems(campaign: Campaign, firm) -> list[str]:
    """Why this firm may not enter (empty: it may)."""
    from credit.models import ListEntry, SchemeLevel
    from credit.selectors import current_final_ratings

    problems = []
    if firm.status != firm.Status.ACTIVE:
        problems.append(_("%(firm)s is not an active firm.") % {"firm": firm.name})
    associations = list(campaign.associations.all())
    memberships = Membership.objects.current().filter(firm=firm)
    if associations:
        memberships = memberships.filter(association__in=associations)
    if not memberships.exists():
        names = "、".join(a.name for a in associations) or _("an industry association")
        problems.append(_("%(firm)s is not a current member of %(associations)s.")
                        % {"firm": firm.name, "associations": names})
    black = ListEntry.objects.active().filter(firm=firm, kind="black").first()
    if black is not None:
        problems.append(_("%(firm)s is on the credit black list (since %(day)s: %(reason)s), so it cannot enter.")
                        % {"firm": firm.name, "day": black.listed_on.isoformat(),
                           "reason": black.rule or black.reason})
    if campaign.min_credit_level:
        rating = current_final_ratings(valid_on=timezone.localdate()).filter(firm=firm).first()
        if rating is None:
            problems.append(_("The campaign requires credit level %(level)s or better; %(firm)s has no valid "
                              "credit rating.") % {"level": campaign.min_credit_level, "firm": firm.name})
        else:
            levels = {lv.name: lv.min_score for lv in SchemeLevel.objects.filter(scheme=rating.round.scheme)}
            needed = levels.get(campaign.min_credit_level)
            if needed is None or levels.get(rating.level, -1) < needed:
                problems.append(_("The campaign requires credit level %(level)s or better; %(firm)s is rated "
                                  "%(got)s.") % {"level": campaign.min_credit_level, "firm": firm.name,
                                                 "got": rating.level})
    return problems


def _check_window(campaign: Campaign):
    now = timezone.now()
    if campaign.state != CampaignState.OPEN or not campaign.entries_open <= now < campaign.entries_close:
        raise DomainError(_("Entries are accepted from %(start)s to %(end)s.")
                          % {"start": timezone.localtime(campaign.entries_open).strftime("%Y-%m-%d %H:%M"),
                             "end": timezone.localtime(campaign.entries_close).strftime("%Y-%m-%d %H:%M")})


def _clean_answers(campaign: Campaign, answers: dict) -> dict:
    cleaned = {}
    for i, spec in enumerate(campaign.entry_fields or []):
        key = f"f{i}"
        value = str((answers or {}).get(key, "") or "").strip()[:2000]
        if spec.get("required") and not value:
            raise DomainError(_("Please answer “%(question)s”.") % {"question": spec.get("label", key)}, field=key)
        cleaned[key] = value
    return cleaned


def entry_save(*, actor, campaign: Campaign, firm, category, title: str, description: str, answers=None,
               entry: Entry | None = None) -> Entry:
    """Create or change a draft entry."""
    _require(permissions.can_act_for_firm(actor, firm))
    _check_window(campaign)
    if category.campaign_id != campaign.pk:
        raise DomainError(_("Choose a category of this campaign."), field="category")
    problems = eligibility_problems(campaign, firm)
    if problems:
        raise DomainError(" ".join(problems))
    title, description = (title or "").strip()[:200], (description or "").strip()
    if not title:
        raise DomainError(_("Give the entry a title."), field="title")
    if not description:
        raise DomainError(_("Describe the entry."), field="description")
    cleaned = _clean_answers(campaign, answers)
    if entry is not None and entry.frozen:
        raise DomainError(_("A submitted entry is frozen and cannot be changed."))
    try:
        with transaction.atomic():
            created = entry is None
            entry = entry or Entry(campaign=campaign, firm=firm, created_by=actor)
            entry.category, entry.title, entry.description, entry.answers = category, title, description, cleaned
            entry.save()
            audit_log(actor=actor, action=f"awards.entry.{'created' if created else 'changed'}", obj=entry,
                      data={"firm": firm.pk, "category": category.pk})
    except IntegrityError as exc:
        raise DomainError(_("%(firm)s already has an entry in this category.") % {"firm": firm.name},
                          field="category") from exc
    return entry


def entry_add_file(*, actor, entry: Entry, upload, kind: str) -> EntryFile:
    _require(permissions.can_act_for_firm(actor, entry.firm))
    if entry.frozen:
        raise DomainError(_("A submitted entry is frozen and cannot be changed."))
    if kind == EntryFile.Kind.IMAGE:
        if entry.files.filter(kind=kind).count() >= entry.campaign.max_images:
            raise DomainError(_("At most %(n)d images.") % {"n": entry.campaign.max_images}, field="upload")
        name, data, detected = read_upload(upload, allowed=IMAGE_KINDS, max_bytes=IMAGE_MAX, field="upload",
                                           kinds_label="JPG、PNG")
    else:
        if entry.files.filter(kind=kind).count() >= MAX_ATTACHMENTS:
            raise DomainError(_("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}, field="upload")
        name, data, detected = read_upload(upload, allowed=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX,
                                           field="upload", kinds_label="PDF、DOCX、XLSX、JPG、PNG")
    with transaction.atomic():
        stored = EntryFile(entry=entry, kind=kind, name=name, content_type=detected, size=len(data))
        stored.file.save(name, ContentFile(data), save=False)
        stored.save()
        audit_log(actor=actor, action="awards.entry.file_added", obj=entry, data={"file": name, "kind": kind})
    return stored


def fingerprint(entry: Entry) -> str:
    content = {"title": entry.title, "description": entry.description, "answers": entry.answers,
               "category": entry.category_id, "firm": entry.firm_id,
               "files": sorted(f.name for f in entry.files.all())}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def entry_submit(*, actor, entry: Entry) -> Entry:
    """Submit: checked again, numbered (PB-<year>-<n>), fingerprinted and frozen."""
    _require(permissions.can_act_for_firm(actor, entry.firm))
    campaign = entry.campaign
    _check_window(campaign)
    problems = eligibility_problems(campaign, entry.firm)
    if problems:
        raise DomainError(" ".join(problems))
    _clean_answers(campaign, entry.answers)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # numbering is serialised
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.state != EntryState.DRAFT:
            raise DomainError(_("This entry has already been submitted."))
        n = Entry.objects.filter(campaign=campaign).exclude(number="").count() + 1
        entry.number = f"PB-{campaign.year}-{campaign.pk:02d}{n:03d}"
        entry.state, entry.submitted_at = EntryState.SUBMITTED, timezone.now()
        entry.fingerprint = fingerprint(entry)
        entry.save()
        audit_log(actor=actor, action="awards.entry.submitted", obj=entry,
                  data={"number": entry.number, "fingerprint": entry.fingerprint})
    return entry


def entry_withdraw(*, actor, entry: Entry, reason: str = "") -> Entry:
    _require(permissions.can_act_for_firm(actor, entry.firm))
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.state not in (EntryState.DRAFT, EntryState.SUBMITTED, EntryState.ELIGIBLE):
            raise DomainError(_("This entry can no longer be withdrawn."))
        if entry.campaign.state in (CampaignState.PUBLICITY, CampaignState.FINISHED):
            raise DomainError(_("Entries cannot be withdrawn once the results are published."))
        was = entry.state
        entry.state = EntryState.WITHDRAWN
        entry.save(update_fields=["state"])
        audit_log(actor=actor, action="awards.entry.withdrawn", obj=entry, data={"from": was, "reason": reason})
    return entry


def entry_review(*, actor, entry: Entry, eligible: bool, reason: str = "") -> Entry:
    """The organisers' eligibility review of a submitted entry (资格审查)."""
    _require(permissions.can_manage_campaign(actor, entry.campaign))
    reason = (reason or "").strip()[:300]
    if not eligible and not reason:
        raise DomainError(_("Give the reason; the firm is told."), field="reason")
    campaign = entry.campaign
    if campaign.state not in (CampaignState.OPEN, CampaignState.JUDGING) or campaign.rounds.exclude(
            state="pending").exists():
        raise DomainError(_("Eligibility is reviewed before the first round opens; it can no longer change."))
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.state not in (EntryState.SUBMITTED, EntryState.ELIGIBLE, EntryState.INELIGIBLE):
            raise DomainError(_("Only submitted entries are reviewed."))
        was = entry.state
        entry.state = EntryState.ELIGIBLE if eligible else EntryState.INELIGIBLE
        entry.ineligible_reason = "" if eligible else reason
        entry.save(update_fields=["state", "ineligible_reason"])
        audit_log(actor=actor, action="awards.entry.reviewed", obj=entry,
                  data={"from": was, "to": entry.state, "reason": reason})
    return entry
