"""Shared builders for the award tests."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from awards import services
from awards.models import Campaign, CampaignState, Category, Criterion, Entry, EntryState, Judge, Round, RoundEntry
from tests.experts.helpers import make_expert
from tests.factories import MembershipFactory, UserFactory

_seq = itertools.count(1)


def make_campaign(*, state=CampaignState.OPEN, organiser=None, categories=("示范街区招牌",), **fields) -> Campaign:
    now = timezone.now()
    values = {"name": f"2026年度户外广告招牌评比（{next(_seq)}）", "year": 2026, "organiser": organiser,
              "approval_number": "川社管批〔2026〕18号", "approving_body": "四川省民政厅",
              "entries_open": now - timedelta(days=1), "entries_close": now + timedelta(days=10),
              "state": state, "entry_fields": [{"label": "设置地点", "required": True}]}
    values.update(fields)
    campaign = Campaign.objects.create(**values)
    for i, name in enumerate(categories):
        Category.objects.create(campaign=campaign, name=name, awards=2, position=i)
    return campaign


def member_firm(association=None):
    membership = MembershipFactory(**({"association": association} if association else {}))
    return membership.firm


def eligible_entries(campaign, n, *, category=None) -> list[Entry]:
    """n submitted-and-eligible entries of different member firms, made directly (fast)."""
    category = category or campaign.categories.first()
    entries = []
    for i in range(n):
        firm = member_firm()
        entries.append(Entry(campaign=campaign, category=category, firm=firm, number=f"PB-T-{campaign.pk}-{i:03d}",
                             title=f"作品{i}", description="门头招牌", state=EntryState.ELIGIBLE,
                             submitted_at=timezone.now()))
    return Entry.objects.bulk_create(entries)


def judges(campaign, n) -> list[Judge]:
    out = []
    for i in range(n):
        expert = make_expert(f"评委{i}", user=UserFactory())
        out.append(Judge.objects.create(campaign=campaign, expert=expert))
    return out


def judging_round(campaign, *, position=1, kind="first", quorum=3, **fields) -> Round:
    rnd = Round.objects.create(campaign=campaign, kind=kind, position=position, quorum=quorum, **fields)
    Criterion.objects.create(round=rnd, name="创意设计", weight=Decimal("2"), scale_min=0, scale_max=10, position=1)
    Criterion.objects.create(round=rnd, name="安全规范", weight=Decimal("1"), scale_min=0, scale_max=10, position=2)
    return rnd


def score_all(rnd, panel, totals_by_entry: dict):
    """Every judge scores each entry: totals_by_entry[entry_id] is a list of (creative, safety) per judge."""
    criteria = list(rnd.criteria.all())
    for re in RoundEntry.objects.filter(round=rnd).select_related("entry"):
        for judge, (a, b) in zip(panel, totals_by_entry[re.entry_id], strict=False):
            services.score_submit(actor=judge.expert.user, judge=judge, round_entry=re,
                                  values={str(criteria[0].pk): a, str(criteria[1].pk): b})


# --- credit data for eligibility (made directly: the credit app's own tests cover how it is computed) -----------
def _scheme():
    from credit.models import CreditScheme, SchemeState
    from tests.credit.helpers import make_scheme
    from tests.factories import committee_user

    scheme = CreditScheme.objects.filter(state=SchemeState.IN_FORCE, family="municipal").first()
    return scheme or make_scheme(committee_user())


def rate_firm(firm, level: str):
    """A current final rating of ``level`` for the firm, valid today."""
    from credit.models import Rating, RatingRound, RoundState
    from tests.factories import committee_user

    scheme = _scheme()
    today = timezone.localdate()
    rnd = RatingRound.objects.filter(scheme=scheme, state=RoundState.FINAL).first() or RatingRound.objects.create(
        scheme=scheme, sector="advertising", name="2026年度评价", as_of=today, state=RoundState.FINAL,
        opened_by=committee_user(), finalised_at=timezone.now(), valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=300))
    return Rating.objects.create(round=rnd, firm=firm, score=Decimal(75), level=level, computed_at=timezone.now())


def black_list(firm):
    from credit.models import ListEntry

    return ListEntry.objects.create(firm=firm, kind="black", scheme=_scheme(), reason="发生重大安全生产事故",
                                    listed_on=timezone.localdate())


def good_indicator():
    return _scheme().indicators.get(code="L01")
