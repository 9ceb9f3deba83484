"""Reads for the public award pages and the API: public campaigns (never drafts), a campaign's page with its
categories, rounds (no scores), proposed or final winners and how objections were handled.

Each read takes a fixed number of queries whatever the number of campaigns, entries or winners.
"""

from django.core.paginator import Paginator
from django.db.models import Count
from django.utils import timezone

from core.params import parse_positive_int

from .models import Campaign, CampaignState, Objection, Winner

PAGE_SIZE = 20
PUBLIC_STATES = (CampaignState.OPEN, CampaignState.JUDGING, CampaignState.PUBLICITY, CampaignState.FINISHED)


def public_campaigns():
    return (Campaign.objects.exclude(state=CampaignState.DRAFT).select_related("organiser")
            .annotate(categories_count=Count("categories", distinct=True)).order_by("-year", "-entries_open", "-id"))


def public_campaign(pk) -> Campaign | None:
    return (Campaign.objects.exclude(state=CampaignState.DRAFT).select_related("organiser", "ceremony")
            .filter(pk=pk).first())


def filters_from(params) -> dict:
    """{"state": one of the public states or "", "year": int or None}; unknown values are no filter."""
    state = params.get("state", "")
    state = state if state in PUBLIC_STATES else ""
    year = parse_positive_int(params.get("year", ""), max_digits=4)
    return {"state": state, "year": year}


def filtered_campaigns(*, state="", year=None):
    campaigns = public_campaigns()
    if state:
        campaigns = campaigns.filter(state=state)
    if year:
        campaigns = campaigns.filter(year=year)
    return campaigns


def index_context(params) -> dict:
    """The list page: three queries (years for the filter, count, one page)."""
    filters = filters_from(params)
    years = list(Campaign.objects.exclude(state=CampaignState.DRAFT).order_by("-year")
                 .values_list("year", flat=True).distinct())
    page = Paginator(filtered_campaigns(**filters), PAGE_SIZE).get_page(params.get("page"))
    states = [(value, label) for value, label in CampaignState.choices if value in PUBLIC_STATES]
    return {"page": page, "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "filters": filters, "filtered": bool(filters["state"] or filters["year"]), "years": years,
            "states": states}


def in_publicity_window(campaign, now=None) -> bool:
    now = now or timezone.now()
    return (campaign.state == CampaignState.PUBLICITY and campaign.publicity_starts is not None
            and campaign.publicity_ends is not None and campaign.publicity_starts <= now < campaign.publicity_ends)


def winners(campaign) -> list[Winner]:
    """The listed winners: proposed ones during the 公示, final ones when finished (removed ones never). One query."""
    if campaign.state not in (CampaignState.PUBLICITY, CampaignState.FINISHED):
        return []
    return list(Winner.objects.filter(campaign=campaign, withdrawn_at__isnull=True)
                .select_related("category", "entry__firm").order_by("category__position", "category_id", "rank",
                                                                   "id"))


def winners_by_category(categories, rows) -> list[tuple]:
    grouped = {c.pk: [] for c in categories}
    for w in rows:
        grouped.setdefault(w.category_id, []).append(w)
    return [(c, grouped[c.pk]) for c in categories if grouped.get(c.pk)]


def objection_outcomes(campaign) -> list[Objection]:
    """Decided objections of a finished campaign: state and outcome only (never names or contacts). One query."""
    return list(Objection.objects.filter(campaign=campaign).exclude(state=Objection.State.PENDING)
                .only("id", "campaign_id", "state", "outcome", "decided_at", "created_at").order_by("created_at",
                                                                                                    "id"))


def detail_context(campaign, *, objections=True) -> dict:
    """A campaign's page: categories, eligible associations, rounds, winners, objections (fixed queries)."""
    categories = list(campaign.categories.all())
    rounds = list(campaign.rounds.all())
    associations = list(campaign.associations.order_by("name"))
    rows = winners(campaign)
    context = {"campaign": campaign, "categories": categories, "rounds": rounds, "associations": associations,
               "winners": rows, "winners_by_category": winners_by_category(categories, rows),
               "publicity": campaign.state == CampaignState.PUBLICITY,
               "finished": campaign.state == CampaignState.FINISHED,
               "window_open": in_publicity_window(campaign), "objections": []}
    if objections and campaign.state == CampaignState.FINISHED:
        context["objections"] = objection_outcomes(campaign)
    return context


def certificate_winner(campaign, winner_id) -> Winner | None:
    """A non-removed winner of a finished campaign, or None."""
    if campaign.state != CampaignState.FINISHED:
        return None
    return (Winner.objects.filter(campaign=campaign, pk=winner_id, withdrawn_at__isnull=True)
            .select_related("campaign__organiser", "category", "entry__firm").first())
