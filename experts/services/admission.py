"""Admission rules of a pool, checked for an applicant and shown to the reviewer (each with its detail)."""

from datetime import date

from django.db.models import Avg
from django.utils.translation import gettext as _

from ..models import TITLE_RANK, Evaluation, Expert, Pool, Title
from .conflicts import years_before

PASS_SCORE = 60


def admission_checks(expert: Expert, pool: Pool, *, on: date) -> list[dict]:
    """[{rule, passed, detail}]: title (高级, or 中级 with enough years), age limit, fields, no bad record."""
    checks = []
    rank = TITLE_RANK.get(expert.title, 0)
    if rank >= TITLE_RANK[Title.ASSOCIATE_SENIOR]:
        checks.append({"rule": _("Professional title"), "passed": True,
                       "detail": _("%(title)s: a senior title qualifies.") % {"title": Title(expert.title).label}})
    elif expert.title == Title.INTERMEDIATE:
        enough = expert.years_in_field >= pool.min_years_intermediate
        checks.append({"rule": _("Professional title"), "passed": enough,
                       "detail": _("Intermediate title with %(years)s years in the field (%(needed)s needed).")
                       % {"years": expert.years_in_field, "needed": pool.min_years_intermediate}})
    else:
        checks.append({"rule": _("Professional title"), "passed": False,
                       "detail": _("A senior title, or an intermediate title with %(needed)s years in the field, "
                                   "is needed.") % {"needed": pool.min_years_intermediate}})
    age = on.year - expert.birth_year
    checks.append({"rule": _("Age"), "passed": age <= pool.max_age,
                   "detail": _("%(age)s years old (limit %(limit)s).") % {"age": age, "limit": pool.max_age}})
    checks.append({"rule": _("Fields of expertise"), "passed": bool(expert.fields),
                   "detail": "、".join(expert.field_labels()) or _("No field chosen.")})
    since = years_before(on, pool.bad_record_years)
    low = (Evaluation.objects.filter(selection__expert=expert, evaluated_at__date__gte=since)
           .aggregate(avg=Avg("score"))["avg"])
    clean = low is None or low >= PASS_SCORE
    checks.append({"rule": _("No bad record"), "passed": clean,
                   "detail": _("No poor evaluation in the last %(years)s years.") % {"years": pool.bad_record_years}
                   if clean else _("Average evaluation %(avg).0f in the last %(years)s years (below %(pass)s).")
                   % {"avg": low, "years": pool.bad_record_years, "pass": PASS_SCORE}})
    return checks
