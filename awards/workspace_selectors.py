"""Reads for the firm's entries at /me/awards/: the firms a user acts for (its own firms; for association staff,
the current member firms of their associations), their entries, the campaigns open for entries now, and one entry
or file the user may see (404 otherwise)."""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from associations.models import AssociationStaff, Firm, FirmUser, Membership

from . import permissions
from .models import Campaign, CampaignState, Entry, EntryFile, EntryState

MAX_ENTRIES = 500


def actable_firm_ids(user):
    """A subquery of the ids of the firms ``user`` can act for (``permissions.can_act_for_firm``), no query."""
    own = FirmUser.objects.filter(user=user).values("firm_id")
    staff = AssociationStaff.objects.filter(user=user).values("association_id")
    members = Membership.objects.current().filter(association_id__in=staff).values("firm_id")
    return Firm.objects.filter(Q(pk__in=own) | Q(pk__in=members)).values("pk")


def actable_firms(user):
    return Firm.objects.filter(pk__in=actable_firm_ids(user)).order_by("name", "pk")


def open_campaigns():
    """Campaigns taking entries now."""
    now = timezone.now()
    return (Campaign.objects.filter(state=CampaignState.OPEN, entries_open__lte=now, entries_close__gt=now)
            .select_related("organiser").order_by("entries_close", "pk"))


def index(user) -> dict:
    """The entries of the firms the user acts for, grouped by campaign (one query), and the open campaigns (one)."""
    entries = list(Entry.objects.filter(firm_id__in=actable_firm_ids(user))
                   .select_related("campaign", "category", "firm")
                   .order_by("-campaign__year", "-campaign_id", "category__position", "category_id", "firm__name",
                             "-id")[:MAX_ENTRIES])
    groups, by_campaign = [], {}
    for entry in entries:
        group = by_campaign.get(entry.campaign_id)
        if group is None:
            group = by_campaign[entry.campaign_id] = {"campaign": entry.campaign, "entries": []}
            groups.append(group)
        group["entries"].append(entry)
    now = timezone.now()
    for entry in entries:
        campaign = entry.campaign
        entry.can_edit = (entry.state == EntryState.DRAFT and campaign.state == CampaignState.OPEN
                          and campaign.entries_open <= now < campaign.entries_close)
    return {"groups": groups, "open_campaigns": list(open_campaigns()[:50]), "truncated": len(entries) >= MAX_ENTRIES}


def open_campaign_or_none(campaign_id):
    """The public campaign (404 for a draft or an unknown id), and whether it takes entries now."""
    campaign = get_object_or_404(Campaign.objects.exclude(state=CampaignState.DRAFT), pk=campaign_id)
    now = timezone.now()
    return campaign, campaign.state == CampaignState.OPEN and campaign.entries_open <= now < campaign.entries_close


def own_entry(user, pk) -> Entry:
    """An entry of a firm the user acts for; 404 otherwise."""
    return get_object_or_404(
        Entry.objects.filter(firm_id__in=actable_firm_ids(user)).select_related("campaign", "category", "firm")
        .prefetch_related(Prefetch("files", queryset=EntryFile.objects.order_by("kind", "id"))),
        pk=pk)


def visible_file(user, pk) -> EntryFile:
    """A file of an entry the user acts for, or of a campaign the user organises; 404 otherwise."""
    stored = get_object_or_404(EntryFile.objects.select_related("entry", "entry__campaign"), pk=pk)
    entry = stored.entry
    if Entry.objects.filter(pk=entry.pk, firm_id__in=actable_firm_ids(user)).exists():
        return stored
    if permissions.can_manage_campaign(user, entry.campaign):
        return stored
    raise Http404
