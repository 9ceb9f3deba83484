"""Read-only public JSON API of the award campaigns (/api/v1/awards/).

Public campaigns only (never drafts): name, organiser, approval, dates, state, categories and the winners — the
proposed ones during the 公示 (``"final": false``), the final ones once finished (removed winners never). No scores
of judges, no objectors' names or contacts. Conventions of the other APIs (experts/api.py, credit/api.py).
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from core.api import error_response, json_response, paginate
from core.params import parse_positive_int
from core.ratelimit import ratelimit

from . import selectors
from .models import CampaignState

PAGE_SIZE = 50
CACHE_SECONDS = 300


def _dt(value):
    return value.isoformat() if value else None


def campaign_data(request, campaign) -> dict:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "year": campaign.year,
        "organiser": campaign.organiser_name,
        "approval_number": campaign.approval_number,
        "approving_body": campaign.approving_body,
        "state": campaign.state,
        "state_label": str(campaign.get_state_display()),
        "entries_open": _dt(campaign.entries_open),
        "entries_close": _dt(campaign.entries_close),
        "publicity_starts": _dt(campaign.publicity_starts),
        "publicity_ends": _dt(campaign.publicity_ends),
        "free_of_charge": True,
        "url": request.build_absolute_uri(campaign.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("awards_api:detail", args=[campaign.pk])),
    }


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def campaign_list(request):
    params = request.GET
    state = params.get("state", "").strip()
    if state and state not in selectors.PUBLIC_STATES:
        return error_response(_("Unknown %(field)s “%(value)s”. Use one of: %(choices)s.")
                              % {"field": "state", "value": state[:50],
                                 "choices": ", ".join(selectors.PUBLIC_STATES)}, field="state")
    year = params.get("year", "").strip()
    year_value = parse_positive_int(year, max_digits=4) if year else None
    if year and year_value is None:
        return error_response(_("year must be a year such as 2026."), field="year")
    campaigns = selectors.filtered_campaigns(state=state, year=year_value)
    page, problem = paginate(request, campaigns, page_size=PAGE_SIZE)
    if problem:
        return problem
    return json_response(page.as_dict(
        [campaign_data(request, c) | {"categories_count": c.categories_count} for c in page.rows],
        state=state or None, year=year_value))


@ratelimit("api", methods=("GET", "HEAD"))
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def campaign_detail(request, pk: int):
    campaign = selectors.public_campaign(pk)
    if campaign is None:
        return error_response(_("No award campaign %(id)s is published.") % {"id": pk}, field="id", status=404)
    context = selectors.detail_context(campaign, objections=False)
    final = campaign.state == CampaignState.FINISHED
    return json_response(campaign_data(request, campaign) | {
        "summary": campaign.summary,
        "rules": campaign.rules,
        "eligible_associations": [a.name for a in context["associations"]],
        "min_credit_level": campaign.min_credit_level or None,
        "categories": [{"id": c.pk, "name": c.name, "description": c.description, "awards": c.awards}
                       for c in context["categories"]],
        "rounds": [{"kind": r.kind, "kind_label": str(r.get_kind_display()), "state": r.state}
                   for r in context["rounds"]],
        "winners_final": final if context["winners"] else None,
        "winners": [{"category": w.category.name, "rank": w.rank, "entry_number": w.entry.number,
                     "title": w.entry.title, "firm": w.entry.firm.name, "final": final}
                    for w in context["winners"]],
    })
