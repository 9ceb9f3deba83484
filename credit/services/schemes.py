"""Rating schemes (评价办法): a draft is edited in the admin; putting it in force freezes it; a change after that
is a new version (a copy with the same family), and the old version is retired when the new one takes force."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError

from .. import permissions
from ..models import Category, CreditScheme, SchemeState
from .common import require


def scheme_problems(scheme: CreditScheme) -> list[str]:
    """What stops a draft from being put in force (empty when nothing does)."""
    problems = []
    levels = list(scheme.levels.all())
    if not levels:
        problems.append(_("The level table is empty."))
    indicators = list(scheme.indicators.all())
    if not indicators:
        problems.append(_("The scheme has no indicators."))
    for ind in indicators:
        if not ind.points_min <= ind.points <= ind.points_max:
            problems.append(_("Indicator %(code)s: the default points lie outside its range.") % {"code": ind.code})
        if ind.category == Category.BAD and ind.points_max > 0:
            problems.append(_("Indicator %(code)s: bad conduct must deduct points.") % {"code": ind.code})
        if ind.category == Category.GOOD and ind.points_min < 0:
            problems.append(_("Indicator %(code)s: good conduct must add points.") % {"code": ind.code})
        if ind.category == Category.BAD and not ind.severity:
            problems.append(_("Indicator %(code)s: choose a severity.") % {"code": ind.code})
        if ind.publish_min_days > ind.publish_max_days or not ind.publish_min_days:
            problems.append(_("Indicator %(code)s: the publication period is wrong.") % {"code": ind.code})
    if scheme.objection_workdays > scheme.notice_workdays:
        problems.append(_("The objection window cannot be longer than the public notice."))
    if not scheme.legal_basis.strip():
        problems.append(_("State the legal basis."))
    return problems


def scheme_put_in_force(*, actor, scheme: CreditScheme) -> CreditScheme:
    require(permissions.can_decide(actor))
    with transaction.atomic():
        scheme = CreditScheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.state != SchemeState.DRAFT:
            raise DomainError(_("Only a draft scheme can be put in force."))
        problems = scheme_problems(scheme)
        if problems:
            raise DomainError(" ".join(str(p) for p in problems))
        scheme.state, scheme.put_in_force_at = SchemeState.IN_FORCE, timezone.now()
        scheme.save(update_fields=["state", "put_in_force_at"])
        retired = list(CreditScheme.objects.filter(family=scheme.family, state=SchemeState.IN_FORCE)
                       .exclude(pk=scheme.pk))
        for old in retired:
            old.state = SchemeState.RETIRED
            old.save(update_fields=["state"])
            audit_log(actor=actor, action="credit.scheme.retired", obj=old, data={"successor": scheme.pk})
        audit_log(actor=actor, action="credit.scheme.in_force", obj=scheme,
                  data={"version": scheme.version, "retired": [s.pk for s in retired]})
    return scheme


def scheme_new_version(*, actor, scheme: CreditScheme, version: str) -> CreditScheme:
    """A draft copy of `scheme` (levels and indicators included) to edit and put in force."""
    require(permissions.can_decide(actor))
    version = (version or "").strip()[:40]
    if not version:
        raise DomainError(_("Name the new version."), field="version")
    if CreditScheme.objects.filter(family=scheme.family, version=version).exists():
        raise DomainError(_("This version already exists."), field="version")
    with transaction.atomic():
        CreditScheme.objects.select_for_update().get(pk=scheme.pk)  # one new version at a time per scheme
        if CreditScheme.objects.filter(family=scheme.family, version=version).exists():
            raise DomainError(_("This version already exists."), field="version")
        levels, indicators = list(scheme.levels.all()), list(scheme.indicators.all())
        copy = CreditScheme.objects.get(pk=scheme.pk)
        copy.pk = copy.id = None
        copy.version, copy.predecessor, copy.state, copy.put_in_force_at = version, scheme, SchemeState.DRAFT, None
        copy.save()
        for row in (*levels, *indicators):
            row.pk = row.id = None
            row.scheme = copy
            row.save()
        audit_log(actor=actor, action="credit.scheme.new_version", obj=copy,
                  data={"from": scheme.pk, "version": version})
    return copy
