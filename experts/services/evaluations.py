"""Evaluations after an engagement, and the record they build (engagements, average, acceptance rate, flags)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Avg, Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError
from core.workdays import add_workdays

from .. import permissions
from ..models import Evaluation, Expert, Selection

EVALUATION_WORKDAYS = 5
SENIOR_ENGAGEMENTS, SENIOR_MIN_SCORE, SENIOR_YEARS = 10, 90, 2
REMOVAL_AVERAGE = 60


def evaluation_due(selection: Selection):
    return add_workdays(selection.draw.ends_on, EVALUATION_WORKDAYS)


def evaluate(*, actor, selection: Selection, score, comment: str = "") -> Evaluation:
    if not permissions.can_manage(actor):
        raise DomainError(_("You are not allowed to do this."))
    try:
        score = int(score)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Enter a score from 0 to 100."), field="score") from exc
    if not 0 <= score <= 100:
        raise DomainError(_("Enter a score from 0 to 100."), field="score")
    today = timezone.localdate()
    selection = Selection.objects.select_related("draw").get(pk=selection.pk)
    if selection.response != Selection.Response.CONFIRMED:
        raise DomainError(_("Only an expert who took part can be evaluated."))
    if today < selection.draw.ends_on:
        raise DomainError(_("Evaluate after the engagement ends on %(date)s.")
                          % {"date": selection.draw.ends_on.isoformat()})
    due = evaluation_due(selection)
    if today > due:
        raise DomainError(_("Evaluations were due by %(date)s.") % {"date": due.isoformat()})
    with transaction.atomic():
        if Evaluation.objects.filter(selection=selection).exists():
            raise DomainError(_("This engagement has already been evaluated."))
        evaluation = Evaluation.objects.create(selection=selection, score=score,
                                               comment=(comment or "").strip()[:2000], evaluated_by=actor)
        audit_log(actor=actor, action="experts.evaluation.recorded", obj=selection.draw,
                  data={"expert": selection.expert_id, "score": score})
    return evaluation


@dataclass
class ExpertRecord:
    invited: int
    confirmed: int
    evaluated: int
    average: float | None
    recent_engagements: int
    recent_minimum: int | None

    @property
    def acceptance_rate(self) -> float | None:
        return self.confirmed / self.invited if self.invited else None

    @property
    def senior_candidate(self) -> bool:
        """≥ 10 engagements in 2 years, every one scored ≥ 90: a person decides on 资深专家."""
        return (self.recent_engagements >= SENIOR_ENGAGEMENTS and self.recent_minimum is not None
                and self.recent_minimum >= SENIOR_MIN_SCORE)

    @property
    def removal_review(self) -> bool:
        """Average below 60: flagged for a 清退 review by a person."""
        return self.average is not None and self.average < REMOVAL_AVERAGE


def expert_record(expert: Expert, *, today=None) -> ExpertRecord:
    today = today or timezone.localdate()
    invited = Q(response__in=[Selection.Response.WAITING, Selection.Response.CONFIRMED,
                              Selection.Response.DECLINED, Selection.Response.EXPIRED])
    counts = Selection.objects.filter(expert=expert).aggregate(
        invited=Count("pk", filter=invited), confirmed=Count("pk", filter=Q(response=Selection.Response.CONFIRMED)))
    scores = Evaluation.objects.filter(selection__expert=expert)
    overall = scores.aggregate(n=Count("pk"), avg=Avg("score"))
    recent = scores.filter(selection__draw__ends_on__gte=today - timedelta(days=365 * SENIOR_YEARS)).aggregate(
        n=Count("pk"), low=Min("score"))
    return ExpertRecord(invited=counts["invited"], confirmed=counts["confirmed"], evaluated=overall["n"],
                        average=float(overall["avg"]) if overall["avg"] is not None else None,
                        recent_engagements=recent["n"], recent_minimum=recent["low"])
