"""The committee's experts back office in the Wagtail admin (专家库): applications and the fairness view.

Thin views: parse → permission → one service → redirect or render; a DomainError is shown as a form error (or an
error box for a button without a form) and changes nothing. Committee staff only (``permissions.can_manage``);
views with ``decide_required`` are for committee administrators (``permissions.can_decide``) — the services check
the same predicates. Others get Wagtail's permission-denied redirect. Draws live in admin_draws; the Expert and
Relation viewsets in wagtail_hooks. Every pattern is in the ``experts_admin`` namespace.
"""

from datetime import timedelta

from django.db.models import Avg, Count, Min, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from core.admin_views import (
    ActionMixin,
    BackOfficeView,
    audit_trail,
    paginate,
    pending_first,
)
from core.views import stored_file_response

from . import permissions, services
from .admin_forms import DecideForm
from .models import Application, Evaluation, Expert, Selection
from .services.evaluations import SENIOR_YEARS, ExpertRecord

INVITED = (Selection.Response.WAITING, Selection.Response.CONFIRMED, Selection.Response.DECLINED,
           Selection.Response.EXPIRED)


class ExpertsView(BackOfficeView):
    """Committee staff only; ``decide_required`` views are for committee administrators."""

    permissions = permissions
    header_icon = "group"


# --- Applications ---------------------------------------------------------------------------------------------

APPLICATIONS = (gettext_lazy("Applications"), "experts_admin:applications")


def with_check_summary(applications):
    for application in applications:
        application.checks_failed = [c for c in application.checks if not c.get("passed")]
    return applications


class ApplicationIndexView(ExpertsView, TemplateView):
    """Pending first (oldest submission on top), then the decided ones, newest first."""

    template_name = "experts/admin/applications.html"
    page_title = gettext_lazy("Applications")

    def get_context_data(self, **kwargs):
        queue = (pending_first(Application.objects.select_related("expert", "pool", "nominated_by"),
                               Application.State.PENDING)
                 .order_by("queue", "-submitted_at", "-id"))
        page = paginate(self.request, queue)
        with_check_summary(page.object_list)
        return super().get_context_data(page=page, **kwargs)


class ApplicationDocumentView(ExpertsView, View):
    """The application's supporting document as an attachment (committee staff only; 404 when there is none)."""

    def get(self, request, pk):
        application = get_object_or_404(Application, pk=pk)
        return stored_file_response(application.document, filename=application.document_name)


class ApplicationDetailView(ExpertsView, TemplateView):
    template_name = "experts/admin/application.html"
    section = APPLICATIONS

    @cached_property
    def application(self) -> Application:
        return get_object_or_404(Application.objects.select_related(
            "expert__employer_firm", "pool", "nominated_by", "submitted_by", "decided_by"), pk=self.kwargs["pk"])

    def get_page_title(self):
        return str(self.application)

    def get_success_url(self):
        return reverse("experts_admin:application", args=[self.application.pk])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("decide_form", DecideForm())
        application = self.application
        labels = {f.name: f.verbose_name for f in Expert._meta.get_fields() if hasattr(f, "verbose_name")}
        changes = [{"label": labels.get(k, k), "value": v} for k, v in application.changes.items()]
        return super().get_context_data(application=application, expert=application.expert, changes=changes,
                                        audit=audit_trail(application), **kwargs)


class ApplicationDecideView(ActionMixin, ApplicationDetailView):
    form_class = DecideForm
    form_name = "decide_form"

    def perform(self, form):
        application = services.application_decide(actor=self.request.user, application=self.application,
                                                  approve=form.cleaned_data["approve"],
                                                  decision=form.cleaned_data["decision"])
        if application.state == Application.State.APPROVED:
            return _("The application of %(name)s is approved.") % {"name": application.expert.name}
        return _("The application of %(name)s is rejected.") % {"name": application.expert.name}


# --- Fairness -------------------------------------------------------------------------------------------------


def records_for(expert_ids, *, today) -> dict[int, dict]:
    """Per expert: times drawn and the ExpertRecord — one aggregate query per table for the whole page."""
    selections = (Selection.objects.filter(expert_id__in=expert_ids).order_by().values("expert_id")
                  .annotate(drawn=Count("pk"), invited=Count("pk", filter=Q(response__in=INVITED)),
                            confirmed=Count("pk", filter=Q(response=Selection.Response.CONFIRMED))))
    since = today - timedelta(days=365 * SENIOR_YEARS)
    scores = (Evaluation.objects.filter(selection__expert_id__in=expert_ids).order_by()
              .values("selection__expert_id")
              .annotate(n=Count("pk"), avg=Avg("score"),
                        recent=Count("pk", filter=Q(selection__draw__ends_on__gte=since)),
                        low=Min("score", filter=Q(selection__draw__ends_on__gte=since))))
    counts = {row["expert_id"]: row for row in selections}
    marks = {row["selection__expert_id"]: row for row in scores}
    out = {}
    for pk in expert_ids:
        c, s = counts.get(pk, {}), marks.get(pk, {})
        out[pk] = {"drawn": c.get("drawn", 0), "record": ExpertRecord(
            invited=c.get("invited", 0), confirmed=c.get("confirmed", 0), evaluated=s.get("n", 0),
            average=float(s["avg"]) if s.get("avg") is not None else None,
            recent_engagements=s.get("recent", 0), recent_minimum=s.get("low"))}
    return out


def repeated_pairings():
    """(expert, party of the draw) pairs met in two or more draws where the expert confirmed, most first."""
    return (Selection.objects.filter(response=Selection.Response.CONFIRMED, draw__excluded_firms__isnull=False)
            .order_by().values("expert_id", "expert__name", "draw__excluded_firms", "draw__excluded_firms__name")
            .annotate(draws=Count("draw", distinct=True)).filter(draws__gte=2)
            .order_by("-draws", "expert__name", "draw__excluded_firms"))


class FairnessView(ExpertsView, TemplateView):
    template_name = "experts/admin/fairness.html"
    page_title = gettext_lazy("Fairness")

    def get_context_data(self, **kwargs):
        page = paginate(self.request, Expert.objects.only("pk", "name", "name_pinyin", "status", "senior"))
        rows = records_for([e.pk for e in page.object_list], today=timezone.localdate())
        for expert in page.object_list:
            expert.drawn, expert.record = rows[expert.pk]["drawn"], rows[expert.pk]["record"]
        pairs = paginate(self.request, repeated_pairings(), param="pp")
        return super().get_context_data(page=page, pairs=pairs, **kwargs)
