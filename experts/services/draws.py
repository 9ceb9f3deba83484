"""Draws (抽取): criteria per field, a snapshot of the eligible experts with every exclusion and its reason, a
recorded random seed, members and alternates. ``select`` is a pure function of (snapshot, criteria, seed), so
anyone with the three can re-run the draw; ``draw_verify`` does exactly that."""

import random
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError

from .. import permissions
from ..models import TITLE_RANK, Draw, Expert, Field, Purpose, Selection, Title
from .conflicts import conflicts

MAX_PER_FIELD = 50
BUSY = (Selection.Response.WAITING, Selection.Response.CONFIRMED)


def _require(allowed: bool):
    if not allowed:
        raise DomainError(_("You are not allowed to do this."))


def clean_criteria(criteria) -> list[dict]:
    """[{field, count, min_title, alternates}] checked: known fields, once each, 1–50 experts, 0–50 alternates."""
    cleaned, seen = [], set()
    for row in criteria or ():
        field, min_title = row.get("field"), row.get("min_title") or Title.JUNIOR
        if field not in Field.values or field in seen:
            raise DomainError(_("Choose each field once."), field="criteria")
        if min_title not in Title.values:
            raise DomainError(_("Choose a minimum title."), field="criteria")
        try:
            count, alternates = int(row.get("count", 0)), int(row.get("alternates", 0))
        except (TypeError, ValueError) as exc:
            raise DomainError(_("Enter the numbers of experts as whole numbers."), field="criteria") from exc
        if not 1 <= count <= MAX_PER_FIELD or not 0 <= alternates <= MAX_PER_FIELD:
            raise DomainError(_("Each field needs 1 to %(max)s experts and 0 to %(max)s alternates.")
                              % {"max": MAX_PER_FIELD}, field="criteria")
        seen.add(field)
        cleaned.append({"field": field, "count": count, "min_title": min_title, "alternates": alternates})
    if not cleaned:
        raise DomainError(_("Add at least one field with the number of experts."), field="criteria")
    return cleaned


def draw_create(*, actor, title: str, purpose: str, criteria, starts_on, ends_on, supervisor: str,
                matter: str = "", pool=None, excluded_firms=(), exclude_recent_days: int = 0,
                response_hours: int = 48) -> Draw:
    _require(permissions.can_manage(actor))
    title, supervisor = (title or "").strip()[:200], (supervisor or "").strip()[:100]
    if not title:
        raise DomainError(_("Give the draw a title."), field="title")
    if purpose not in Purpose.values:
        raise DomainError(_("Choose a purpose."), field="purpose")
    if not supervisor:
        raise DomainError(_("Name the supervisor who witnesses the draw."), field="supervisor")
    if not starts_on or not ends_on or ends_on < starts_on:
        raise DomainError(_("The engagement must end on or after its first day."), field="ends_on")
    criteria = clean_criteria(criteria)
    with transaction.atomic():
        draw = Draw.objects.create(title=title, purpose=purpose, matter=(matter or "")[:100], pool=pool,
                                   criteria=criteria, exclude_recent_days=max(0, int(exclude_recent_days or 0)),
                                   starts_on=starts_on, ends_on=ends_on, operator=actor, supervisor=supervisor,
                                   response_hours=max(1, int(response_hours or 48)))
        draw.excluded_firms.set(excluded_firms)
        audit_log(actor=actor, action="experts.draw.created", obj=draw,
                  data={"criteria": criteria, "excluded_firms": [f.pk for f in excluded_firms]})
    return draw


def eligibility(draw: Draw, *, on) -> tuple[dict, list[dict]]:
    """The snapshot ({field: [expert ids, ascending]}) and the exclusions ([{expert, name, field, reasons}])."""
    base = Expert.objects.active()
    if draw.pool_id:
        base = base.filter(pool_memberships__pool_id=draw.pool_id)
    fields = [c["field"] for c in draw.criteria]
    candidates = {}
    for row in draw.criteria:
        ranks = [t for t, r in TITLE_RANK.items() if r >= TITLE_RANK[row["min_title"]]]
        candidates[row["field"]] = list(base.in_field(row["field"]).filter(title__in=ranks).order_by("pk")
                                        .values_list("pk", "name", "term_end"))
    everyone = {pk for rows in candidates.values() for pk, _name, _end in rows}
    reasons = {pk: list(r) for pk, r in conflicts(everyone, firms=draw.excluded_firms.all(), matter=draw.matter,
                                                  on=draw.starts_on).items()}
    busy = (Selection.objects.filter(expert_id__in=everyone, response__in=BUSY)
            .exclude(draw=draw).filter(draw__starts_on__lte=draw.ends_on, draw__ends_on__gte=draw.starts_on)
            .values_list("expert_id", flat=True))
    for pk in set(busy):
        reasons.setdefault(pk, []).append(_("Already engaged in another draw on these dates"))
    if draw.exclude_recent_days:
        since = on - timedelta(days=draw.exclude_recent_days)
        recent = (Selection.objects.filter(expert_id__in=everyone, draw__drawn_at__date__gte=since)
                  .exclude(draw=draw).exclude(alternate=True, response=Selection.Response.STANDBY)
                  .values_list("expert_id", flat=True))
        for pk in set(recent):
            reasons.setdefault(pk, []).append(_("Drawn in the last %(days)s days") % {"days": draw.exclude_recent_days})
    snapshot, exclusions, names = {}, [], {}
    for field in fields:
        kept = []
        for pk, name, term_end in candidates[field]:
            names[pk] = name
            why = list(reasons.get(pk, ()))
            if term_end and term_end < draw.ends_on:
                why.append(_("Term in the pool ends before the engagement"))
            if why:
                exclusions.append({"expert": pk, "name": name, "field": field, "reasons": why})
            else:
                kept.append(pk)
        snapshot[field] = kept
    return snapshot, exclusions


def select(snapshot: dict, criteria: list[dict], seed: str) -> list[tuple[str, int, bool]]:
    """(field, expert id, alternate) in drawing order. Pure: the same snapshot, criteria and seed give the same."""
    chosen, out = set(), []
    for row in criteria:
        # Reproducibility, not secrecy, is what the generator must give: the seed itself is drawn with secrets.
        rng = random.Random(f"{seed}:{row['field']}")  # noqa: S311
        pool = [pk for pk in snapshot.get(row["field"], ()) if pk not in chosen]
        picks = rng.sample(pool, min(len(pool), row["count"] + row["alternates"]))
        for i, pk in enumerate(picks):
            chosen.add(pk)
            out.append((row["field"], pk, i >= row["count"]))
    return out


def shortfalls(snapshot: dict, criteria: list[dict]) -> list[str]:
    """Which fields cannot be filled, and by how many (experts eligible in two fields count once)."""
    labels, problems, taken = dict(Field.choices), [], set()
    for row in criteria:
        available = [pk for pk in snapshot.get(row["field"], ()) if pk not in taken]
        taken.update(available[: row["count"]])
        if len(available) < row["count"]:
            problems.append(_("%(field)s: %(short)s short (%(needed)s needed, %(eligible)s eligible)") % {
                "field": labels[row["field"]], "short": row["count"] - len(available), "needed": row["count"],
                "eligible": len(available)})
    return problems


def draw_run(*, actor, draw: Draw) -> Draw:
    """Snapshot, exclusions, seed and selection, in one transaction; refused with the shortfall per field."""
    from .invitations import invite

    _require(permissions.can_manage(actor))
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=draw.pk)
        if draw.state != Draw.State.DRAFT:
            raise DomainError(_("This draw has already been made."))
        now = timezone.now()
        snapshot, exclusions = eligibility(draw, on=timezone.localdate(now))
        problems = shortfalls(snapshot, draw.criteria)
        if problems:
            raise DomainError(_("The pool cannot satisfy the criteria: %(problems)s.")
                              % {"problems": "；".join(problems)}, field="criteria")
        draw.seed, draw.snapshot, draw.exclusions = secrets.token_hex(16), snapshot, exclusions
        draw.state, draw.drawn_at = Draw.State.DRAWN, now
        draw.save(update_fields=["seed", "snapshot", "exclusions", "state", "drawn_at"])
        picked = select(snapshot, draw.criteria, draw.seed)
        rows = Selection.objects.bulk_create([
            Selection(draw=draw, expert_id=pk, field=field, order=i, alternate=alternate)
            for i, (field, pk, alternate) in enumerate(picked, start=1)])
        audit_log(actor=actor, action="experts.draw.drawn", obj=draw,
                  data={"seed": draw.seed, "selected": [pk for _f, pk, alt in picked if not alt],
                        "alternates": [pk for _f, pk, alt in picked if alt], "excluded": len(exclusions),
                        "supervisor": draw.supervisor})
        for selection in rows:
            if not selection.alternate:
                invite(selection, actor=actor)
    return draw


def draw_verify(draw: Draw) -> bool:
    """Re-run the draw from its snapshot and seed: True when it gives the experts recorded, in the same order."""
    if draw.state == Draw.State.DRAFT:
        return False
    recorded = list(draw.selections.order_by("order").values_list("field", "expert_id", "alternate"))
    return [tuple(r) for r in recorded] == select(draw.snapshot, draw.criteria, draw.seed)


def draw_publish(*, actor, draw: Draw) -> Draw:
    _require(permissions.can_decide(actor))
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=draw.pk)
        if draw.state != Draw.State.DRAWN:
            raise DomainError(_("Only a drawn list can be published."))
        draw.state, draw.published_at = Draw.State.PUBLISHED, timezone.now()
        draw.save(update_fields=["state", "published_at"])
        audit_log(actor=actor, action="experts.draw.published", obj=draw)
    return draw
