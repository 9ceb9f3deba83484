"""Shared builders for the expert tests."""

from datetime import date

from experts import services
from experts.models import Expert, Membership, Pool

LIGHTING = "lighting"


def make_expert(name, *, fields=(LIGHTING,), title="senior", status="active", pool=None, **extra) -> Expert:
    values = {"birth_year": 1975, "years_in_field": 12, "term_start": date(2025, 1, 1), "term_end": date(2028, 1, 1)}
    values.update(extra)
    expert = Expert.objects.create(name=name, title=title, fields=list(fields), status=status, **values)
    if pool is not None:
        Membership.objects.create(expert=expert, pool=pool, since=date(2025, 1, 1))
    return expert


def committee_pool() -> Pool:
    return Pool.objects.get_or_create(name="市城管委专家库")[0]


def make_draw(actor, *, count=2, alternates=1, field=LIGHTING, firms=(), matter="", **extra):
    values = {"title": "《城市道路照明设施维护规范》团体标准评审", "purpose": "standard",
              "criteria": [{"field": field, "count": count, "min_title": "junior", "alternates": alternates}],
              "starts_on": date(2026, 12, 1), "ends_on": date(2026, 12, 2), "supervisor": "市纪委驻委纪检组 张监督",
              "excluded_firms": list(firms), "matter": matter}
    values.update(extra)
    return services.draw_create(actor=actor, **values)
