"""seed_demo's expert pool: pools, 120+ experts in every field, relations, applications and a replayed past draw.

The demo is seeded once for the module (inside a transaction rolled back at the end); each test runs in a
savepoint of its own on top of it.
"""

from django.utils import timezone

from core.models import AuditEntry
from experts import services
from experts.models import (
    Application,
    Draw,
    Evaluation,
    Expert,
    ExpertStatus,
    Field,
    Pool,
    Relation,
    Selection,
)
from experts.services.evaluations import evaluation_due
from portal.demo.experts import COMMITTEE_POOL, DECLINE_REASON, DRAW_TITLE, LIGHTING_POOL, SANITATION_POOL
from portal.demo.steps import ACTOR
from tests.portal.demo_helpers import seed


def past_draw() -> Draw:
    return Draw.objects.get(title=DRAW_TITLE)


def test_seed_prints_a_summary_line_for_experts(demo):
    line = next(line for line in demo.splitlines() if "专家库：" in line)
    assert "新建专家库 3 个" in line and "抽取 1 次" in line


def test_the_committee_and_two_associations_have_pools(demo):
    pools = {p.name: p for p in Pool.objects.select_related("association")}
    assert pools[COMMITTEE_POOL].association is None
    assert pools[LIGHTING_POOL].association.sector == "lighting"
    assert pools[SANITATION_POOL].association.sector == "sanitation"


def test_at_least_120_active_experts_cover_every_field(demo):
    active = Expert.objects.active()
    assert active.count() >= 120
    for field in Field.values:
        assert active.in_field(field).exists(), field
    assert active.filter(name__startswith="王").count() >= 5
    assert active.exclude(email__endswith="@example.cn").exclude(email="expert@demo.local").count() == 0


def test_about_a_third_work_for_demo_firms_and_relations_exist(demo):
    active = Expert.objects.active()
    with_firm = active.filter(employer_firm__isnull=False).count()
    assert active.count() / 5 < with_firm < active.count() / 2
    kinds = set(Relation.objects.values_list("kind", flat=True))
    assert {"employment", "board", "family"} <= kinds
    assert Relation.objects.filter(kind="employment", ended_on__isnull=False).exists()


def test_pending_applications_include_an_association_nomination(demo):
    pending = Application.objects.filter(state=Application.State.PENDING)
    assert pending.count() >= 2
    assert pending.filter(nominated_by__sector="sanitation").exists()
    assert all(a.checks for a in pending)


def test_the_past_draw_verifies_and_excluded_the_partys_related_experts(demo):
    draw = past_draw()
    assert draw.state == Draw.State.PUBLISHED and draw.purpose == "standard"
    assert services.draw_verify(draw)
    assert [f.name for f in draw.excluded_firms.all()] == ["成都蓉光照明工程有限公司"]
    reasons = [r for row in draw.exclusions for r in row["reasons"]]
    assert len(draw.exclusions) >= 4
    assert any("成都蓉光照明工程有限公司" in r for r in reasons)
    assert draw.selections.filter(alternate=False).count() == 5
    assert draw.selections.filter(alternate=True).count() == 2
    assert draw.ends_on < timezone.localdate()


def test_one_member_declined_and_the_next_alternate_was_promoted(demo):
    draw = past_draw()
    declined = draw.selections.get(response=Selection.Response.DECLINED)
    assert declined.decline_reason == DECLINE_REASON and not declined.alternate
    promoted = draw.selections.get(replaces=declined)
    assert promoted.alternate and promoted.response == Selection.Response.CONFIRMED and promoted.recusal_pledge
    confirmed = draw.selections.filter(response=Selection.Response.CONFIRMED)
    assert confirmed.count() == 5 and all(s.recusal_pledge for s in confirmed)
    assert draw.selections.filter(response=Selection.Response.STANDBY).count() == 1


def test_evaluations_were_recorded_within_five_working_days_of_the_engagement(demo):
    evaluations = Evaluation.objects.filter(selection__draw=past_draw()).select_related("selection__draw")
    assert evaluations.count() == 5
    for evaluation in evaluations:
        day = timezone.localdate(evaluation.evaluated_at)
        assert evaluation.selection.draw.ends_on <= day <= evaluation_due(evaluation.selection)


def test_the_demo_experts_login_has_an_active_record_in_the_committee_pool(demo):
    expert = Expert.objects.get(user__email="expert@demo.local")
    assert expert.name == "周文博" and expert.status == ExpertStatus.ACTIVE
    assert "lighting" in expert.fields
    assert expert.pool_memberships.filter(pool__name=COMMITTEE_POOL).exists()


def test_a_second_seed_run_creates_nothing(demo):
    counts = (Expert.objects.count(), Relation.objects.count(), Application.objects.count(), Draw.objects.count(),
              Selection.objects.count(), Evaluation.objects.count(), Pool.objects.count())
    entries = AuditEntry.objects.filter(actor_label=ACTOR, action="portal.seed_demo.experts").count()
    output = seed()
    assert (Expert.objects.count(), Relation.objects.count(), Application.objects.count(), Draw.objects.count(),
            Selection.objects.count(), Evaluation.objects.count(), Pool.objects.count()) == counts
    assert AuditEntry.objects.filter(actor_label=ACTOR, action="portal.seed_demo.experts").count() == entries
    assert "新建专家库 0 个、专家 0 名" in output
