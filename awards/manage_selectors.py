"""Reads of the organisers' console (/me/awards/manage/): the campaigns a user manages with their entry counts, a
campaign's overview, the filtered entry list, one entry, the panel and the objections.

Every function runs a fixed number of queries whatever the number of entries."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404

from core.admin_views import audit_trail

from .models import Campaign, Entry, EntryState, Objection, Winner
from .permissions import can_manage_campaign, managed_filter

PER_PAGE = 50
STATES = [value for value, _label in EntryState.choices]


def _counts(rows) -> dict:
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row["state"]] = row["n"]
    return counts


def managed_campaign(user, pk) -> Campaign:
    """The campaign if this user may manage it, else 404."""
    campaign = Campaign.objects.filter(pk=pk).select_related("organiser").first()
    if campaign is None or not can_manage_campaign(user, campaign):
        raise Http404
    return campaign


def managed_campaigns(user, page_number=None):
    """A page of the campaigns this user manages, each with ``.counts`` {entry state: n} (one grouped query)."""
    campaigns = Campaign.objects.filter(managed_filter(user)).select_related("organiser")
    page = Paginator(campaigns, PER_PAGE).get_page(page_number)
    page.object_list = list(page.object_list)
    ids = [c.pk for c in page.object_list]
    rows = Entry.objects.filter(campaign_id__in=ids).values("campaign_id", "state").annotate(n=Count("id"))
    by_campaign: dict = {}
    for row in rows:
        by_campaign.setdefault(row["campaign_id"], []).append(row)
    for campaign in page.object_list:
        campaign.counts = _counts(by_campaign.get(campaign.pk, []))
    return page


def campaign_overview(campaign) -> dict:
    rows = Entry.objects.filter(campaign=campaign).values("state").annotate(n=Count("id"))
    objections = campaign.objections.values("state").annotate(n=Count("id"))
    objection_counts = {row["state"]: row["n"] for row in objections}
    return {
        "categories": list(campaign.categories.all()),
        "counts": _counts(rows),
        "rounds": list(campaign.rounds.all()),
        "judges": list(campaign.judges.select_related("expert")),
        "winners": list(Winner.objects.filter(campaign=campaign).select_related("category", "entry__firm")),
        "objections_total": sum(objection_counts.values()),
        "objections_pending": objection_counts.get(Objection.State.PENDING, 0),
        "associations": list(campaign.associations.all()),
    }


def entry_list(campaign, *, state="", category_id=None, query="", page_number=None) -> dict:
    base = Entry.objects.filter(campaign=campaign)
    if category_id:
        base = base.filter(category_id=category_id)
    query = (query or "").strip()
    if query:
        base = base.filter(Q(number__icontains=query) | Q(title__icontains=query) | Q(firm__name__icontains=query))
    tabs = _counts(base.values("state").annotate(n=Count("id")))
    shown = base.filter(state=state) if state in STATES else base
    shown = shown.select_related("category", "firm").order_by("category__position", "number", "id")
    page = Paginator(shown, PER_PAGE).get_page(page_number)
    page.object_list = list(page.object_list)
    return {"page": page, "tabs": tabs, "total": sum(tabs.values())}


def entry_detail(entry) -> dict:
    from .services import eligibility_problems

    return {
        "files": list(entry.files.all()),
        "answers": [(field.get("label", ""), entry.answers.get(f"f{i}", ""))
                    for i, field in enumerate(entry.campaign.entry_fields or [])],
        "problems": eligibility_problems(entry.campaign, entry.firm),
        "history": audit_trail(entry),
    }


def panel(campaign) -> dict:
    from experts.models import Selection

    selections = []
    if campaign.panel_draw_id:
        selections = list(Selection.objects.filter(draw_id=campaign.panel_draw_id).select_related("expert"))
    return {
        "draw": campaign.panel_draw,
        "selections": selections,
        "judges": list(campaign.judges.select_related("expert")),
    }


def objection_list(campaign) -> list[Objection]:
    return list(campaign.objections.select_related("entry", "decided_by").order_by("-created_at", "-id"))
