"""The organisers' console at /me/awards/manage/: committee staff manage every campaign, the staff of the
organising association its own. Campaign setup and categories, the campaign's life (open, judging, 公示, final
results), the eligibility review of entries, the judges' panel and objections. Rounds: manage_rounds.

Someone who manages no campaign gets 403; a campaign (entry, objection) the user may not manage is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError, add_to_form
from core.params import parse_positive_int
from core.views import stored_file_response

from . import manage_selectors as selectors
from . import permissions, services
from .manage_forms import CampaignForm, CategoryForm, DecisionForm, DrawForm, ReviewForm, campaign_save, category_save
from .models import Campaign, CampaignState, Category, Entry, EntryState, Objection

MAX_ID = 2**31 - 1


def _require_any(user):
    if not permissions.can_manage_any(user):
        raise PermissionDenied


def _check_id(pk):
    if pk is None or not 0 < pk <= MAX_ID:
        raise Http404


def _campaign(request, pk) -> Campaign:
    _require_any(request.user)
    _check_id(pk)
    campaign = Campaign.objects.filter(pk=pk).select_related("organiser", "panel_draw").first()
    if campaign is None or not permissions.can_manage_campaign(request.user, campaign):
        raise Http404
    return campaign


@login_required
@require_GET
def index(request):
    _require_any(request.user)
    page = selectors.managed_campaigns(request.user, request.GET.get("page"))
    return render(request, "awards/manage/index.html", {"page": page, "states": EntryState.choices})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk=None):
    if pk is None:
        _require_any(request.user)
        instance = Campaign()
    else:
        instance = _campaign(request, pk)
    form = CampaignForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        campaign = campaign_save(form, actor=request.user)
        messages.success(request, _("Saved “%(name)s”.") % {"name": campaign.name})
        return redirect("awards_manage:campaign", pk=campaign.pk)
    return render(request, "awards/manage/campaign_form.html",
                  {"form": form, "campaign": instance if instance.pk else None})


@login_required
@require_GET
def campaign(request, pk):
    campaign = _campaign(request, pk)
    context = {"campaign": campaign, **selectors.campaign_overview(campaign), "states": EntryState.choices,
               "can_draw": permissions.can_draw_panel(request.user)}
    return render(request, "awards/manage/campaign.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, pk, category_id=None):
    campaign = _campaign(request, pk)
    instance = None
    if category_id is not None:
        _check_id(category_id)
        instance = get_object_or_404(Category, pk=category_id, campaign=campaign)
    if campaign.state != CampaignState.DRAFT:
        messages.error(request, _("Categories can only be changed while the campaign is a draft."))
        return redirect("awards_manage:campaign", pk=campaign.pk)
    form = CategoryForm(request.POST or None, instance=instance, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        category = category_save(form, actor=request.user)
        messages.success(request, _("Saved “%(name)s”.") % {"name": category.name})
        return redirect("awards_manage:campaign", pk=campaign.pk)
    return render(request, "awards/manage/category_form.html",
                  {"campaign": campaign, "form": form, "object": instance})


ACTIONS = {
    "open": (services.campaign_open, gettext_lazy("The campaign is open for entries.")),
    "judging": (services.judging_start, gettext_lazy("Entries are closed; judging has started.")),
    "publicity": (services.publicity_start, gettext_lazy("The proposed winners are in public notice.")),
    "finalise": (services.results_finalise, gettext_lazy("The results are final.")),
}


@login_required
@require_POST
def campaign_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    campaign = _campaign(request, pk)
    service, done = ACTIONS[action]
    try:
        service(actor=request.user, campaign=campaign)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(done))
    return redirect("awards_manage:campaign", pk=campaign.pk)


@login_required
@require_GET
def entries(request, pk):
    campaign = _campaign(request, pk)
    state = request.GET.get("state", "")
    categories = list(campaign.categories.all())
    wanted = parse_positive_int(request.GET.get("category"))
    category_id = wanted if any(c.pk == wanted for c in categories) else None
    query = request.GET.get("q", "")[:100]
    listing = selectors.entry_list(campaign, state=state, category_id=category_id, query=query,
                                   page_number=request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    tab_query = filters.copy()
    tab_query.pop("state", None)
    context = {"campaign": campaign, **listing, "state": state if state in selectors.STATES else "",
               "states": EntryState.choices, "categories": categories, "category_id": category_id,
               "query": query, "filter_query": filters.urlencode(), "tab_query": tab_query.urlencode()}
    return render(request, "awards/manage/entries.html", context)


def _entry(request, entry_id) -> Entry:
    _require_any(request.user)
    _check_id(entry_id)
    entry = get_object_or_404(Entry.objects.select_related("campaign__organiser", "category", "firm"), pk=entry_id)
    if not permissions.can_manage_campaign(request.user, entry.campaign):
        raise Http404
    return entry


@login_required
@require_http_methods(["GET", "POST"])
def entry(request, entry_id):
    entry = _entry(request, entry_id)
    initial = {"decision": "ineligible" if entry.state == EntryState.INELIGIBLE else "eligible",
               "reason": entry.ineligible_reason}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_review(actor=request.user, entry=entry,
                                  eligible=form.cleaned_data["decision"] == "eligible",
                                  reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The review of %(entry)s is saved.") % {"entry": entry.number or entry.title})
            return redirect("awards_manage:entry", entry_id=entry.pk)
    reviewable = entry.state in (EntryState.SUBMITTED, EntryState.ELIGIBLE, EntryState.INELIGIBLE)
    context = {"entry": entry, "campaign": entry.campaign, "form": form, "reviewable": reviewable,
               **selectors.entry_detail(entry)}
    return render(request, "awards/manage/entry.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def panel(request, pk):
    """The judges' draw (committee staff draw; association staff read) and the judges; a POST with ``sync``
    makes the confirmed experts judges."""
    campaign = _campaign(request, pk)
    can_draw = permissions.can_draw_panel(request.user)
    if request.method == "POST" and "sync" in request.POST:
        try:
            added = services.panel_sync(actor=request.user, campaign=campaign)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(n)d judges added from the confirmed experts.") % {"n": len(added)})
        return redirect("awards_manage:panel", pk=campaign.pk)
    form = DrawForm(request.POST or None) if can_draw and not campaign.panel_draw_id else None
    if request.method == "POST":
        if not can_draw:
            raise PermissionDenied
        if form is None:
            messages.error(request, _("The judges of this campaign have already been drawn."))
            return redirect("awards_manage:panel", pk=campaign.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.panel_draw(actor=request.user, campaign=campaign, field=data["field"],
                                    count=data["count"], alternates=data["alternates"],
                                    supervisor=data["supervisor"], starts_on=data["starts_on"],
                                    ends_on=data["ends_on"])
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("The judges are drawn."))
                return redirect("awards_manage:panel", pk=campaign.pk)
    context = {"campaign": campaign, "form": form, "can_draw": can_draw, **selectors.panel(campaign)}
    return render(request, "awards/manage/panel.html", context)


@login_required
@require_GET
def objections(request, pk):
    campaign = _campaign(request, pk)
    return render(request, "awards/manage/objections.html",
                  {"campaign": campaign, "objections": selectors.objection_list(campaign)})


def _objection(request, objection_id) -> Objection:
    _require_any(request.user)
    _check_id(objection_id)
    objection = get_object_or_404(Objection.objects.select_related("campaign__organiser", "entry__firm",
                                                                   "decided_by"), pk=objection_id)
    if not permissions.can_manage_campaign(request.user, objection.campaign):
        raise Http404
    return objection


@login_required
@require_http_methods(["GET", "POST"])
def objection(request, objection_id):
    objection = _objection(request, objection_id)
    pending = objection.state == Objection.State.PENDING
    form = DecisionForm(request.POST or None) if pending else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This objection has already been decided."))
            return redirect("awards_manage:objection", objection_id=objection.pk)
        if form.is_valid():
            try:
                services.objection_decide(actor=request.user, objection=objection,
                                          upheld=form.cleaned_data["decision"] == Objection.State.UPHELD,
                                          outcome=form.cleaned_data["outcome"])
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("awards_manage:objection", objection_id=objection.pk)
    return render(request, "awards/manage/objection.html",
                  {"objection": objection, "campaign": objection.campaign, "form": form})


@login_required
@require_GET
def objection_evidence(request, objection_id):
    objection = _objection(request, objection_id)
    return stored_file_response(objection.evidence)
