"""The consultations workspace at /me/consultations/: association staff follow the consultations their association
is invited to, read their own comments and consolidate their members' points (协会汇总意见); firm users send draft
points to their association and follow what became of them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.params import parse_positive_ints

from . import permissions, services
from .models import Consultation, Kind, MemberPoint
from .selectors import articles_of, current_version
from .workspace_forms import DropForm, PointForm
from .workspace_selectors import (
    consultation_panels,
    firm_points,
    invited_ids,
    orgs_for,
    workspace_sections,
)


def _consultation(request, pk) -> Consultation:
    consultation = get_object_or_404(Consultation.objects.published(), pk=pk)
    if not permissions.can_view(request.user, consultation):
        raise Http404
    return consultation


@login_required
@require_GET
def index(request):
    show_all = request.GET.get("all") == "1"
    sections = workspace_sections(orgs_for(request.user), show_all=show_all)
    return render(request, "consultations/workspace/index.html", {"sections": sections, "show_all": show_all})


@login_required
def comments(request, pk, *, drop_point=None, drop_form=None):
    """The organisations' own comments on one consultation and, for association staff, their members' points."""
    consultation = _consultation(request, pk)
    panels = consultation_panels(consultation, orgs_for(request.user), invited_ids(consultation))
    if not panels:
        raise Http404
    context = {
        "consultation": consultation,
        "status": consultation.status,
        "panels": panels,
        "drop_point": drop_point,
        "drop_form": drop_form,
    }
    return render(request, "consultations/workspace/comments.html", context)


@login_required
@require_GET
def adopt(request, pk):
    """Turn the chosen pending points into the comment page's preselection (``?points=1,2``)."""
    consultation = _consultation(request, pk)
    if not any(s.association is not None for s in permissions.speakers_for(request.user, consultation)):
        raise Http404
    ids = parse_positive_ints(request.GET.getlist("points"))
    chosen = list(
        MemberPoint.objects.filter(consultation=consultation, pk__in=ids, status=MemberPoint.Status.PENDING,
                                   association__staff__user=request.user)
        .order_by("id").values_list("pk", flat=True).distinct()
    )
    if not chosen:
        messages.error(request, _("Choose at least one pending point."))
        return redirect("consultations_workspace:comments", pk=consultation.pk)
    points = ",".join(str(pk) for pk in chosen)
    return redirect(f"{reverse('consultations:comment', args=[consultation.pk])}?points={points}")


@login_required
def point(request, pk):
    """A member firm writes a draft point to its association; below, the firm's earlier points and their fate."""
    consultation = _consultation(request, pk)
    targets = permissions.point_targets_for(request.user, consultation)
    if not targets or consultation.kind == Kind.INTERNAL:
        raise Http404
    articles = [a for a in articles_of(current_version(consultation)) if a.commentable]
    form = PointForm(request.POST or None, targets=targets, articles=articles)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.member_point_submit(actor=request.user, consultation=consultation,
                                                   **form.service_kwargs())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your point was sent to %(association)s.")
                             % {"association": created.association.name})
            return redirect("consultations_workspace:point", pk=consultation.pk)
    context = {
        "consultation": consultation,
        "form": form,
        "points": firm_points(consultation, request.user),
    }
    return render(request, "consultations/workspace/point.html", context)


@login_required
@require_POST
def point_drop(request, point_pk):
    """Association staff decide not to take a member's point up, with a note the firm sees."""
    point = get_object_or_404(MemberPoint.objects.select_related("association", "firm"), pk=point_pk)
    if not permissions.can_handle_points(request.user, point.association):
        raise Http404
    form = DropForm(request.POST)
    if form.is_valid():
        try:
            services.member_point_decide(actor=request.user, point=point, note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The point of %(firm)s was marked as not taken up.")
                             % {"firm": point.firm.name})
            return redirect("consultations_workspace:comments", pk=point.consultation_id)
    return comments(request, point.consultation_id, drop_point=point.pk, drop_form=form)
