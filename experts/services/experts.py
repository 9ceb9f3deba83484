"""Experts, applications (by the expert or nominated by an association) and profile changes."""

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError
from core.files import read_upload

from .. import permissions
from ..models import Application, Expert, ExpertStatus, Field, Membership, Pool, Title
from .admission import admission_checks

PROFILE_FIELDS = ("name", "birth_year", "title", "years_in_field", "fields", "employer_firm", "employer_name",
                  "employer_code", "position", "qualifications", "bio", "phone", "email")
REVIEWED_FIELDS = ("title", "employer_firm", "employer_name", "employer_code")  # changes go to review
TEXT_LIMITS = {"name": 50, "employer_name": 200, "employer_code": 18, "position": 100, "qualifications": 5000,
               "bio": 5000, "phone": 30, "email": 254}


def clean_profile(values: dict, *, today: date) -> dict:
    """Checked profile values: a birth year not in the future, a known title, known fields, bounded texts."""
    cleaned = {}
    for key, value in values.items():
        if key not in PROFILE_FIELDS:
            continue
        if isinstance(value, str):
            value = value.strip()
            if len(value) > TEXT_LIMITS.get(key, 5000):
                raise DomainError(_("This text is too long."), field=key)
        cleaned[key] = value
    if "name" in cleaned and not cleaned["name"]:
        raise DomainError(_("Enter the name."), field="name")
    if "title" in cleaned and cleaned["title"] not in Title.values:
        raise DomainError(_("Choose a professional title."), field="title")
    if "birth_year" in cleaned:
        try:
            year = int(cleaned["birth_year"])
        except (TypeError, ValueError) as exc:
            raise DomainError(_("Enter the year of birth."), field="birth_year") from exc
        if not 1900 <= year <= today.year:
            raise DomainError(_("The year of birth cannot be in the future."), field="birth_year")
        cleaned["birth_year"] = year
    if "fields" in cleaned:
        fields = list(dict.fromkeys(cleaned["fields"] or ()))
        if not fields or any(f not in Field.values for f in fields):
            raise DomainError(_("Choose at least one field of expertise."), field="fields")
        cleaned["fields"] = fields
    return cleaned


def application_submit(*, actor, pool: Pool, profile: dict, nominated_by=None, document=None,
                       expert: Expert | None = None) -> Application:
    """An expert applies (for themself) or an association nominates; the admission checks are stored for review."""
    if nominated_by is not None:
        from associations.permissions import is_association_staff

        if not is_association_staff(actor, nominated_by):
            raise DomainError(_("You are not allowed to do this."))
    elif not getattr(actor, "is_authenticated", False):
        raise DomainError(_("You are not allowed to do this."))
    today = timezone.localdate()
    cleaned = clean_profile(profile, today=today)
    for key in ("name", "birth_year", "title", "fields"):
        if key not in cleaned and expert is None:
            raise DomainError(_("Fill in the name, year of birth, professional title and fields."), field=key)
    upload = read_upload(document, allowed={"pdf", "docx", "png", "jpeg"}, max_bytes=20 * 2**20,
                         field="document", kinds_label="PDF、DOCX、PNG、JPEG") if document else None
    with transaction.atomic():
        if expert is None:
            expert = Expert(status=ExpertStatus.APPLYING, **cleaned)
            if nominated_by is None:
                expert.user = actor
            expert.save()
        if Application.objects.filter(expert=expert, pool=pool, state=Application.State.PENDING).exists():
            raise DomainError(_("An application to this pool is already pending."))
        application = Application(expert=expert, pool=pool, nominated_by=nominated_by, submitted_by=actor,
                                  checks=admission_checks(expert, pool, on=today))
        if upload:
            application.document_name = upload[0]
            application.document.save(upload[0], ContentFile(upload[1]), save=False)
        application.save()
        audit_log(actor=actor, action="experts.application.submitted", obj=application,
                  data={"expert": expert.pk, "pool": pool.pk, "nominated_by": getattr(nominated_by, "pk", None),
                        "checks_passed": all(c["passed"] for c in application.checks)})
    return application


def application_decide(*, actor, application: Application, approve: bool, decision: str) -> Application:
    """Approval puts the expert in the pool (with a term) or applies the reviewed profile changes."""
    if not permissions.can_manage(actor):
        raise DomainError(_("You are not allowed to do this."))
    decision = (decision or "").strip()
    if not decision:
        raise DomainError(_("Give the decision's reason."), field="decision")
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("expert", "pool").get(pk=application.pk)
        if application.state != Application.State.PENDING:
            raise DomainError(_("This has already been decided."))
        expert, today = application.expert, timezone.localdate()
        if approve:
            if application.changes:
                for key, value in application.changes.items():
                    setattr(expert, f"{key}_id" if key == "employer_firm" else key, value)
            else:
                Membership.objects.get_or_create(expert=expert, pool=application.pool, defaults={"since": today})
                if expert.status == ExpertStatus.APPLYING:
                    expert.status, expert.term_start = ExpertStatus.ACTIVE, today
                    expert.term_end = today.replace(year=today.year + application.pool.term_years)
            expert.save()
        application.state = Application.State.APPROVED if approve else Application.State.REJECTED
        application.decision, application.decided_by, application.decided_at = decision, actor, timezone.now()
        application.save(update_fields=["state", "decision", "decided_by", "decided_at"])
        audit_log(actor=actor, action="experts.application.decided", obj=application,
                  data={"approved": approve, "decision": decision, "changes": application.changes})
    return application


def profile_update(*, actor, expert: Expert, **values) -> Application | None:
    """The expert edits their own profile: public fields change at once; title and employer go to review."""
    if expert.user_id is None or expert.user_id != getattr(actor, "pk", None):
        raise DomainError(_("You are not allowed to do this."))
    cleaned = clean_profile(values, today=timezone.localdate())
    reviewed = {}
    for key in REVIEWED_FIELDS:
        if key in cleaned:
            value = cleaned.pop(key)
            current = getattr(expert, f"{key}_id" if key == "employer_firm" else key)
            value = getattr(value, "pk", value)
            if value != current:
                reviewed[key] = value
    with transaction.atomic():
        for key, value in cleaned.items():
            setattr(expert, key, value)
        expert.save()
        audit_log(actor=actor, action="experts.profile.updated", obj=expert, data={"fields": sorted(cleaned)})
        if not reviewed:
            return None
        pool = Pool.objects.filter(memberships__expert=expert).order_by("pk").first() or Pool.objects.order_by(
            "pk").first()
        application = Application.objects.create(expert=expert, pool=pool, submitted_by=actor, changes=reviewed,
                                                 checks=admission_checks(expert, pool, on=timezone.localdate()))
        audit_log(actor=actor, action="experts.application.submitted", obj=application,
                  data={"expert": expert.pk, "changes": reviewed})
        return application
