"""The firm's entries at /me/awards/ (评比表彰 · 我的参评作品): a member firm's users, and the staff of its
associations on its behalf, enter campaigns open for entries, keep drafts with images and attachments, submit
(numbered, fingerprinted and frozen) and withdraw. Entries of other firms are 404; a refused action is a message
(or the form re-rendered), never a 500. The rules are the services'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError, add_to_form
from core.views import stored_file_response

from . import services
from . import workspace_selectors as selectors
from .models import CampaignState, EntryFile, EntryState
from .workspace_forms import EntryFileForm, EntryForm, FirmPickForm, entry_initial

SECTION = "awards"


@login_required
@require_http_methods(["GET", "HEAD"])
def index(request):
    context = selectors.index(request.user)
    context["section"] = SECTION
    return render(request, "awards/workspace/index.html", context)


def _chosen_firm(request, firms):
    wanted = request.POST.get("firm") if request.method == "POST" else request.GET.get("firm")
    if len(firms) == 1 and not wanted:
        return firms[0]
    return next((f for f in firms if str(f.pk) == str(wanted or "")), None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entry_new(request, campaign_id):
    campaign, is_open = selectors.open_campaign_or_none(campaign_id)
    firms_qs = selectors.actable_firms(request.user)
    firms = list(firms_qs)
    if not firms:
        raise PermissionDenied
    context = {"campaign": campaign, "is_open": is_open, "firms": firms, "section": SECTION}
    if not is_open:
        return render(request, "awards/workspace/entry_new.html", context)
    firm = _chosen_firm(request, firms)
    if firm is None:
        context["pick_form"] = FirmPickForm(request.GET or None, firms=firms_qs)
        return render(request, "awards/workspace/entry_new.html", context)
    context["firm"], context["problems"] = firm, services.eligibility_problems(campaign, firm)
    data = request.POST if request.method == "POST" else None
    form = EntryForm(data, campaign=campaign, firms=firms_qs, initial={"firm": firm.pk})
    if data is not None and form.is_valid():
        try:
            entry = services.entry_save(actor=request.user, campaign=campaign, firm=form.cleaned_data["firm"],
                                        category=form.cleaned_data["category"], title=form.cleaned_data["title"],
                                        description=form.cleaned_data["description"], answers=form.answers())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The draft entry is saved. Add images and attachments, then submit it."))
            return redirect("awards_workspace:entry", pk=entry.pk)
    context["form"] = form
    return render(request, "awards/workspace/entry_new.html", context)


def _editable(entry) -> bool:
    return entry.state == EntryState.DRAFT and entry.campaign.state == CampaignState.OPEN


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entry(request, pk):
    item = selectors.own_entry(request.user, pk)
    campaign = item.campaign
    editable = _editable(item)
    form = None
    if editable:
        form = EntryForm(request.POST if request.method == "POST" else None, campaign=campaign,
                         initial=entry_initial(item))
        if request.method == "POST" and form.is_valid():
            try:
                services.entry_save(actor=request.user, campaign=campaign, firm=item.firm,
                                    category=form.cleaned_data["category"], title=form.cleaned_data["title"],
                                    description=form.cleaned_data["description"], answers=form.answers(),
                                    entry=item)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("The draft entry is saved."))
                return redirect("awards_workspace:entry", pk=item.pk)
    elif request.method == "POST":
        messages.error(request, _("A submitted entry is frozen and cannot be changed."))
        return redirect("awards_workspace:entry", pk=item.pk)
    return render(request, "awards/workspace/entry.html", _entry_context(item, form, EntryFileForm() if editable
                                                                         else None))


def _entry_context(item, form, file_form) -> dict:
    files = list(item.files.all())
    answers = [(spec.get("label") or f"f{i}", (item.answers or {}).get(f"f{i}", ""))
               for i, spec in enumerate(item.campaign.entry_fields or [])]
    return {"entry": item, "campaign": item.campaign, "form": form, "file_form": file_form, "answers": answers,
            "images": [f for f in files if f.kind == EntryFile.Kind.IMAGE],
            "attachments": [f for f in files if f.kind == EntryFile.Kind.ATTACHMENT],
            "can_submit": _editable(item),
            "can_withdraw": item.state in (EntryState.DRAFT, EntryState.SUBMITTED, EntryState.ELIGIBLE)
            and item.campaign.state not in (CampaignState.PUBLICITY, CampaignState.FINISHED),
            "section": SECTION}


@login_required
@require_POST
def entry_file_add(request, pk):
    item = selectors.own_entry(request.user, pk)
    if not _editable(item):
        messages.error(request, _("A submitted entry is frozen and cannot be changed."))
        return redirect("awards_workspace:entry", pk=item.pk)
    file_form = EntryFileForm(request.POST, request.FILES)
    if file_form.is_valid():
        try:
            stored = services.entry_add_file(actor=request.user, entry=item, upload=file_form.cleaned_data["upload"],
                                             kind=file_form.cleaned_data["kind"])
        except DomainError as exc:
            add_to_form(file_form, exc)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": stored.name})
            return redirect("awards_workspace:entry", pk=item.pk)
    form = EntryForm(campaign=item.campaign, initial=entry_initial(item))
    return render(request, "awards/workspace/entry.html", _entry_context(item, form, file_form))


@login_required
@require_POST
def entry_submit(request, pk):
    item = selectors.own_entry(request.user, pk)
    try:
        item = services.entry_submit(actor=request.user, entry=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The entry is submitted as %(number)s. It can no longer be changed.")
                         % {"number": item.number})
    return redirect("awards_workspace:entry", pk=item.pk)


@login_required
@require_POST
def entry_withdraw(request, pk):
    item = selectors.own_entry(request.user, pk)
    try:
        services.entry_withdraw(actor=request.user, entry=item, reason=request.POST.get("reason", "").strip()[:200])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The entry “%(title)s” is withdrawn.") % {"title": item.title})
    return redirect("awards_workspace:entry", pk=item.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def entry_file(request, pk):
    stored = selectors.visible_file(request.user, pk)
    return stored_file_response(stored.file, filename=stored.name)
