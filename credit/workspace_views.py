"""The credit workspace at /me/credit/: firm users see their own credit file (ratings with explanations, today's
score, every record, objections and repairs) and file objections (异议) and repair applications (信用修复);
association staff see their current members' ratings and submit association-sourced records for approval.

Objects of another firm or association are 404, never 403.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from associations.models import Association
from associations.permissions import is_association_staff
from associations.selectors import staff_bindings_for
from core.errors import DomainError, add_to_form
from core.params import parse_positive_int
from core.ratelimit import ratelimit
from core.views import stored_file_response

from . import permissions, services
from .models import CreditEvent, Objection, Rating, Repair
from .workspace_forms import ObjectionForm, RepairForm, SubmitForm
from .workspace_selectors import (
    PUBLIC_ROUND_STATES,
    bound_firms,
    event_window,
    firm_credit,
    level_names,
    member_firms,
    member_ratings,
    rating_versions,
    rating_window,
    repair_state,
    submittable_indicators,
    submitted_records,
)

MAX_ID = 2**31 - 1
# (kind, field in the URL) → (model, file column, original name column)
FILES = {
    ("objection", "evidence"): (Objection, "evidence_file", "evidence_name"),
    ("repair", "pledge"): (Repair, "pledge_file", "pledge_name"),
    ("repair", "evidence"): (Repair, "evidence_file", "evidence_name"),
}


def _get(queryset, pk):
    """The object with this id, or 404 (also for ids no database column holds)."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


def _own(user, obj):
    """`obj` (with a firm) if the user acts for its firm, else 404."""
    if not permissions.acts_for_firm(user, obj.firm):
        raise Http404
    return obj


def _index_url(firm) -> str:
    return f"{reverse('credit_workspace:index')}?{urlencode({'firm': firm.pk})}"


def _bound(request) -> tuple:
    """The form arguments: the posted data and files, or none (an unbound form) for a GET."""
    return (request.POST, request.FILES) if request.method == "POST" else ()


def _pager(request, page, param: str) -> dict:
    """Previous/next links for `page` under the query parameter `param`, keeping the other parameters."""
    def link(number):
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}"

    return {
        "page": page,
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
    }


# --- firm users -------------------------------------------------------------------------------------------------

@login_required
@require_GET
def index(request):
    firms = bound_firms(request.user)
    wanted = request.GET.get("firm")
    if wanted is not None:
        firm = next((f for f in firms if f.pk == parse_positive_int(wanted)), None)
        if firm is None:
            raise Http404
    elif not firms:
        context = {"firms": [], "staff_bindings": staff_bindings_for(user=request.user)}
        return render(request, "credit/workspace/index.html", context)
    else:
        firm = firms[0]
    return render(request, "credit/workspace/index.html", {"firms": firms, "firm": firm, "credit": firm_credit(firm)})


@login_required
@require_GET
def rating(request, pk):
    """One version of the firm's own rating with its explanation; ``?compare=<id>`` puts another version of the
    same rating beside it (an upheld objection's old and new versions)."""
    shown = _own(request.user, _get(
        Rating.objects.select_related("round__scheme", "firm").filter(round__state__in=PUBLIC_ROUND_STATES), pk))
    versions = rating_versions(shown)
    compare = parse_positive_int(request.GET.get("compare"))
    other = next((v for v in versions if v.pk == compare and v.pk != shown.pk), None)
    columns = sorted([shown, other], key=lambda r: r.version) if other else [shown]
    context = {"rating": shown, "firm": shown.firm, "round": shown.round, "versions": versions,
               "columns": columns, "window": rating_window(shown, timezone.localdate())}
    return render(request, "credit/workspace/rating.html", context)


def _objection_target(request):
    """(rating, event) from ``?rating=<id>`` or ``?event=<id>`` (exactly one), the firm's own, else 404."""
    rating_id, event_id = request.GET.get("rating"), request.GET.get("event")
    if (rating_id is None) == (event_id is None):
        raise Http404
    if rating_id is not None:
        pk = parse_positive_int(rating_id) or 0
        queryset = Rating.objects.select_related("round__scheme", "firm").filter(round__state__in=PUBLIC_ROUND_STATES)
        return _own(request.user, _get(queryset, pk)), None
    pk = parse_positive_int(event_id) or 0
    return None, _own(request.user, _get(CreditEvent.objects.select_related("indicator__scheme", "firm"), pk))


@ratelimit("objection")
@login_required
@require_http_methods(["GET", "POST"])
def objection(request):
    rating_obj, event = _objection_target(request)
    target = rating_obj or event
    form = ObjectionForm(*_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            filed = services.objection_file(actor=request.user, firm=target.firm, reason=form.cleaned_data["reason"],
                                            rating=rating_obj, event=event,
                                            evidence_upload=form.cleaned_data["evidence_file"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Objection %(number)s was filed. The committee answers by %(date)s.")
                             % {"number": filed.number, "date": filed.answer_due.isoformat()})
            return redirect(_index_url(target.firm))
    today = timezone.localdate()
    window = rating_window(rating_obj, today) if rating_obj else event_window(event, today)
    context = {"form": form, "rating": rating_obj, "event": event, "firm": target.firm, "window": window}
    return render(request, "credit/workspace/objection_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def repair(request, event_id):
    event = _own(request.user, _get(CreditEvent.objects.select_related("indicator__scheme", "firm"), event_id))
    form = RepairForm(*_bound(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            applied = services.repair_apply(actor=request.user, event=event, statement=data["statement"],
                                            pledge_upload=data["pledge_file"], evidence_upload=data["evidence_file"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Repair application %(number)s was filed. The committee answers by %(date)s.")
                             % {"number": applied.number, "date": applied.answer_due.isoformat()})
            return redirect(_index_url(event.firm))
    repairable, repair_from = repair_state(event, timezone.localdate())
    context = {"form": form, "event": event, "firm": event.firm, "repairable": repairable,
               "repair_from": repair_from, "earliest": services.repair_earliest(event)}
    return render(request, "credit/workspace/repair_form.html", context)


@login_required
@require_GET
def request_file(request, kind, pk, field):
    """A file the firm attached to its own objection or repair application."""
    try:
        model, file_column, name_column = FILES[(kind, field)]
    except KeyError as exc:
        raise Http404 from exc
    obj = _own(request.user, _get(model.objects.select_related("firm"), pk))
    return stored_file_response(getattr(obj, file_column), filename=getattr(obj, name_column))


# --- association staff ----------------------------------------------------------------------------------------------

@login_required
@require_GET
def members(request, association_id):
    association = _get(Association.objects.all(), association_id)
    if not permissions.can_view_member_ratings(request.user, association):
        raise Http404
    levels = level_names()
    level = request.GET.get("level", "").strip()
    if level not in levels:
        level = ""
    page, rows = member_ratings(association, level=level, page_number=request.GET.get("page"))
    records = submitted_records(association, page_number=request.GET.get("records"))
    context = {
        "association": association, "levels": levels, "level": level, "rows": rows,
        "members_pager": _pager(request, page, "page"), "records_pager": _pager(request, records, "records"),
        "records": records.object_list, "may_submit": is_association_staff(request.user, association),
    }
    return render(request, "credit/workspace/members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, association_id):
    association = _get(Association.objects.all(), association_id)
    if not is_association_staff(request.user, association):
        raise Http404
    indicators = submittable_indicators(association)
    form = SubmitForm(*_bound(request), firms=member_firms(association),
                      indicators=indicators)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_submit(actor=request.user, association=association, **form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Record %(number)s was submitted for the committee's approval.")
                             % {"number": event.number})
            return redirect("credit_workspace:members", association_id=association.pk)
    context = {"association": association, "form": form, "has_indicators": bool(indicators)}
    return render(request, "credit/workspace/submit.html", context)
