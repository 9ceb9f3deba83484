"""Consultations and their draft versions: create, edit while a draft, publish with the legal minimum
period, extend or reopen with a public notice, new versions parsed from text or DOCX."""

from datetime import datetime, timedelta
from uuid import uuid4

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError
from core.sanitize import plain_text, sanitize_html
from core.workdays import count_workdays

from .. import diff, parsing, permissions
from ..models import Article, Audience, Consultation, DraftVersion, Kind, Notice, Response

# The legal minimum period per kind: (calendar days, working days). 规章 ≥ 30 日; 规范性文件 ≥ 7 个工作日;
# 涉及市场主体的规范性文件 ≥ 30 日.
MINIMUM_PERIOD = {
    Kind.RULE: (30, 0),
    Kind.NORMATIVE: (0, 7),
    Kind.NORMATIVE_MARKET: (30, 0),
}
EDITABLE_FIELDS = (
    "title", "kind", "department", "summary", "explanation", "legal_basis", "contact", "starts_at", "ends_at",
    "audience", "visibility", "allow_late", "shortened_reason",
)


def _require(ok: bool, message: str = "") -> None:
    if not ok:
        raise DomainError(message or _("You do not have permission to do this."))


def period_dates(starts_at: datetime, ends_at: datetime):
    """The calendar dates a period covers, in Asia/Shanghai: from the start's date to the date of its last
    moment (a period ending at 00:00 does not cover that day)."""
    first = timezone.localtime(starts_at).date()
    last = timezone.localtime(ends_at - timedelta(microseconds=1)).date()
    return first, last


def minimum_period_error(*, kind: str, starts_at: datetime, ends_at: datetime) -> str | None:
    """The Chinese message saying the period is shorter than the legal minimum, or None if it is long enough.

    Raises UnknownCalendarYear (a DomainError) when a working-day period touches a year the calendar lacks.
    """
    days, workdays = MINIMUM_PERIOD.get(kind, (0, 0))
    first, last = period_dates(starts_at, ends_at)
    covered = (last - first).days + 1
    if days and covered < days:
        return _("The legal minimum period for this kind is %(days)s days; this period covers %(covered)s days.") % {
            "days": days, "covered": covered}
    if workdays:
        counted = count_workdays(first, last)
        if counted < workdays:
            return _(
                "The legal minimum period for this kind is %(days)s working days; this period covers "
                "%(covered)s working days."
            ) % {"days": workdays, "covered": counted}
    return None


def _clean_fields(fields: dict) -> dict:
    cleaned = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    for name in ("title", "department", "contact"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    for name in ("explanation", "summary", "legal_basis"):
        if name in cleaned:
            cleaned[name] = sanitize_html(cleaned[name] or "")
    if "shortened_reason" in cleaned:
        cleaned["shortened_reason"] = plain_text(cleaned["shortened_reason"] or "")
    return cleaned


def _validate(consultation: Consultation) -> None:
    if not consultation.title:
        raise DomainError(_("The title is empty."), field="title")
    if not consultation.department:
        raise DomainError(_("The drafting department is empty."), field="department")
    if consultation.kind not in Kind.values:
        raise DomainError(_("Unknown consultation kind."), field="kind")
    if consultation.audience not in Audience.values:
        raise DomainError(_("Unknown audience."), field="audience")
    if consultation.ends_at <= consultation.starts_at:
        raise DomainError(_("The end must be after the start."), field="ends_at")


def consultation_create(*, actor, invited=(), **fields) -> Consultation:
    _require(permissions.can_manage(actor))
    cleaned = _clean_fields(fields)
    year = timezone.localtime(cleaned.get("starts_at") or timezone.now()).year
    consultation = Consultation(year=year, sequence=0, created_by=actor, **cleaned)
    _validate(consultation)
    with transaction.atomic():
        for attempt in range(5):  # two creations at once may pick the same number: the unique constraint decides
            last = Consultation.objects.filter(year=year).aggregate(m=Max("sequence"))["m"]
            consultation.sequence = (last or 0) + 1
            try:
                with transaction.atomic():
                    consultation.save()
                break
            except IntegrityError:
                consultation.pk = None
                if attempt == 4:
                    raise
        consultation.invited_associations.set(invited)
        audit_log(actor=actor, action="consultations.consultation.created", obj=consultation,
                  data={"number": consultation.number, "invited": [a.pk for a in invited]})
    return consultation


def consultation_update(*, actor, consultation: Consultation, invited=None, **fields) -> Consultation:
    """Edit a consultation that is not yet published. A published one changes only by extension/reopening."""
    _require(permissions.can_manage(actor))
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.published_at is not None:
            raise DomainError(_("A published consultation cannot be edited; extend or reopen it with a notice."))
        cleaned = _clean_fields(fields)
        before = {k: str(getattr(consultation, k)) for k in cleaned}
        for key, value in cleaned.items():
            setattr(consultation, key, value)
        _validate(consultation)
        consultation.save()
        if invited is not None:
            consultation.invited_associations.set(invited)
        audit_log(actor=actor, action="consultations.consultation.updated", obj=consultation,
                  data={"before": before})
    return consultation


def consultation_publish(*, actor, consultation: Consultation) -> Consultation:
    """Publish: the latest version is frozen, the legal minimum period is checked, invitations go out."""
    _require(permissions.can_publish(actor))
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.published_at is not None:
            raise DomainError(_("This consultation is already published."))
        version = consultation.versions.order_by("-number").first()
        if version is None:
            raise DomainError(_("Add the draft text before publishing."))
        if consultation.audience == Audience.INVITED and not consultation.invited_associations.exists():
            raise DomainError(_("Invite at least one association, or open the consultation to all associations."),
                              field="invited_associations")
        if consultation.ends_at <= timezone.now():
            raise DomainError(_("The end of the period has already passed."), field="ends_at")
        # The period the public really gets starts now when the stored start has already passed.
        error = minimum_period_error(kind=consultation.kind, starts_at=max(consultation.starts_at, timezone.now()),
                                     ends_at=consultation.ends_at)
        if error and not consultation.shortened_reason:
            raise DomainError(error + _(" A shorter period needs a recorded reason, shown on the public page."),
                              field="shortened_reason")
        now = timezone.now()
        if version.published_at is None:
            version.published_at = now
            version.save(update_fields=["published_at"])
        consultation.published_at = now
        consultation.save(update_fields=["published_at", "updated_at"])
        audit_log(actor=actor, action="consultations.consultation.published", obj=consultation,
                  data={"version": version.number, "starts_at": consultation.starts_at.isoformat(),
                        "ends_at": consultation.ends_at.isoformat(), "shortened": bool(error),
                        "shortened_reason": consultation.shortened_reason if error else ""})
    if consultation.starts_at <= timezone.now():
        from .reminders import send_invitations

        send_invitations(consultation=consultation)
    return consultation


def consultation_extend(*, actor, consultation: Consultation, new_ends_at: datetime, reason: str) -> Notice:
    """Extend an open period, or reopen a closed one, with a dated public notice."""
    _require(permissions.can_publish(actor))
    reason = plain_text(reason or "")
    if not reason:
        raise DomainError(_("Give the reason for the extension; it is published."), field="reason")
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.published_at is None:
            raise DomainError(_("Change the dates of a draft directly; it is not published yet."))
        if consultation.outcome_published_at is not None:
            raise DomainError(_("The outcome is already published; the consultation cannot be reopened."))
        now = timezone.now()
        if new_ends_at <= max(now, consultation.ends_at):
            raise DomainError(_("The new end must be later than both now and the current end."), field="new_ends_at")
        kind = Notice.Kind.REOPENED if consultation.ends_at <= now else Notice.Kind.EXTENDED
        notice = Notice.objects.create(consultation=consultation, kind=kind, old_ends_at=consultation.ends_at,
                                       new_ends_at=new_ends_at, reason=reason, created_by=actor)
        consultation.ends_at = new_ends_at
        consultation.save(update_fields=["ends_at", "updated_at"])
        audit_log(actor=actor, action=f"consultations.consultation.{kind}", obj=consultation,
                  data={"old_ends_at": notice.old_ends_at.isoformat(), "new_ends_at": new_ends_at.isoformat(),
                        "reason": reason})
    return notice


def version_create(*, actor, consultation: Consultation, title: str = "", text: str = "", docx: bytes | None = None,
                   change_note: str = "") -> DraftVersion:
    """A new version from pasted text or a DOCX file. It stays editable (replaceable) until published.

    Articles keep their identity (key) from the latest published version when their text continues it.
    """
    _require(permissions.can_manage(actor))
    result = parsing.parse_docx(docx) if docx else parsing.parse_text(text)
    source = text if not docx else "\n".join(
        f"{n.label} {n.heading} {n.text}".strip() for n in _walk(result.nodes))
    change_note = plain_text(change_note or "")
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.outcome_published_at is not None:
            raise DomainError(_("The outcome is published; no new version can be added."))
        previous = consultation.versions.filter(published_at__isnull=False).order_by("-number").first()
        if previous is not None and not change_note:
            raise DomainError(_("Describe the changes (修改说明) of the new version."), field="change_note")
        # An unpublished version is replaced rather than stacked, unless answers already point at its articles.
        unpublished = consultation.versions.filter(published_at__isnull=True)
        if Response.objects.filter(new_article__version__in=unpublished).exists():
            raise DomainError(_("Answers already refer to articles of the unpublished version; publish it and "
                                "make the changes in a further version."))
        unpublished.delete()
        number = (previous.number + 1) if previous else 1
        version = DraftVersion.objects.create(
            consultation=consultation, number=number, title=(title or consultation.title).strip()[:200],
            change_note=change_note, source_text=source, warnings=list(result.warnings), created_by=actor)
        _store_articles(version, result, previous)
        audit_log(actor=actor, action="consultations.version.created", obj=consultation,
                  data={"version": number, "articles": len(result.articles()), "warnings": list(result.warnings)})
    return version


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _store_articles(version: DraftVersion, result, previous: DraftVersion | None) -> None:
    nodes = list(_walk(result.nodes))
    keys: list[str | None] = [None] * len(nodes)
    if previous is not None:
        old = list(previous.articles.order_by("position"))
        for kind in ("article", "chapter", "section", "preamble"):
            idx = [i for i, n in enumerate(nodes) if n.kind == kind]
            olds = [(a.key, f"{a.heading}\n{a.text}") for a in old if a.kind == kind]
            matched = diff.match_keys(olds, [f"{nodes[i].heading}\n{nodes[i].text}" for i in idx])
            for i, key in zip(idx, matched, strict=True):
                keys[i] = key
    parents: dict[int, Article] = {}
    position = 0

    def save(node, parent):
        nonlocal position
        index = position
        position += 1
        article = Article.objects.create(
            version=version, key=keys[index] or uuid4().hex[:12], position=index, kind=node.kind,
            label=(node.label or "")[:30], heading=(node.heading or "")[:200], text=node.text or "", parent=parent)
        parents[index] = article
        for child in node.children:
            save(child, article)

    for node in result.nodes:
        save(node, None)


def version_publish(*, actor, version: DraftVersion) -> DraftVersion:
    """Freeze a new version of a published consultation (comments stay pinned to the version they quoted)."""
    _require(permissions.can_publish(actor))
    with transaction.atomic():
        version = DraftVersion.objects.select_for_update().get(pk=version.pk)
        if version.published_at is not None:
            raise DomainError(_("This version is already published."))
        if version.consultation.published_at is None:
            raise DomainError(_("Publish the consultation itself; its text is published with it."))
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
        audit_log(actor=actor, action="consultations.version.published", obj=version.consultation,
                  data={"version": version.number, "change_note": version.change_note})
    return version
