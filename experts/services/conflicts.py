"""回避: which experts are related to the parties of a matter, computed from the relations and the firm data.

Each exclusion cites its rule. Time-limited relations (employment, board seats, shareholding) count when they
lasted into the last three years before the engagement (财库〔2016〕198号 第十六条); family ties and drafting the
matter count regardless of time.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import Expert, Relation, RelationKind

WINDOW_YEARS = 3


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def rule_text(kind: str, firm_name: str = "") -> str:
    texts = {
        "employer": _("Works for %(firm)s now"),
        RelationKind.EMPLOYMENT: _("Worked for %(firm)s within the last three years"),
        RelationKind.BOARD: _("Director or supervisor of %(firm)s within the last three years"),
        RelationKind.SHAREHOLDING: _("Shareholder or controller of %(firm)s within the last three years"),
        RelationKind.FAMILY: _("Family tie to the legal representative of %(firm)s"),
        RelationKind.OTHER: _("Declared a relationship with %(firm)s that could affect fairness"),
        RelationKind.DRAFTING: _("Took part in drafting the matter under review"),
    }
    return texts[kind] % {"firm": firm_name}


def conflicts(expert_ids, *, firms, matter: str = "", on: date) -> dict[int, list[str]]:
    """expert id → the reasons it must stand aside, for the given parties (firms) and matter, as of `on`."""
    firms = list(firms)
    by_id = {f.pk: f for f in firms}
    by_code = {f.uscc: f for f in firms}
    reasons = defaultdict(list)
    if firms:
        employers = (Expert.objects.filter(pk__in=expert_ids)
                     .filter(Q(employer_firm_id__in=by_id) | Q(employer_code__in=by_code))
                     .values_list("pk", "employer_firm_id", "employer_code"))
        for pk, firm_id, code in employers:
            firm = by_id.get(firm_id) or by_code.get(code)
            reasons[pk].append(rule_text("employer", firm.name))
    since = years_before(on, WINDOW_YEARS)
    related = Q(firm_id__in=by_id) | Q(firm_code__in=by_code) if firms else Q(pk__in=[])
    if matter:
        related |= Q(kind=RelationKind.DRAFTING, matter=matter)
    timeless = Q(kind__in=[RelationKind.FAMILY, RelationKind.DRAFTING, RelationKind.OTHER])
    recent = Q(ended_on__isnull=True) | Q(ended_on__gte=since)
    rows = (Relation.objects.filter(expert_id__in=expert_ids).filter(related).filter(timeless | recent)
            .values_list("expert_id", "kind", "firm_id", "firm_code"))
    for expert_id, kind, firm_id, code in rows:
        firm = by_id.get(firm_id) or by_code.get(code)
        text = rule_text(kind, firm.name if firm else "")
        if text not in reasons[expert_id]:
            reasons[expert_id].append(text)
    return dict(reasons)
