"""Draws (抽取) in the experts back office: list, create (criteria rows, parties by code), the draw's page (criteria,
seed, snapshot sizes, every exclusion with its reasons, the selections per field), run, verify, publish
(administrators) and the evaluations after the engagement."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.widgets.button import HeaderButton

from core.errors import DomainError, add_to_form

from . import services
from .admin_forms import CriteriaFormSet, DrawForm, EvaluateForm
from .admin_views import ActionMixin, ExpertsView, audit_trail, paginate
from .models import Draw, Field, Selection, Title

DRAWS = (gettext_lazy("Draws"), "experts_admin:draws")


class DrawIndexView(ExpertsView, TemplateView):
    template_name = "experts/admin/draws.html"
    page_title = gettext_lazy("Draws")

    def get_header_buttons(self):
        return [HeaderButton(_("New draw"), url=reverse("experts_admin:draw_add"), icon_name="plus")]

    def get_context_data(self, **kwargs):
        draws = Draw.objects.select_related("pool", "operator").order_by("-created_at", "-id")
        return super().get_context_data(page=paginate(self.request, draws), **kwargs)


class DrawCreateView(ExpertsView, TemplateView):
    template_name = "experts/admin/draw_form.html"
    page_title = gettext_lazy("New draw")
    header_icon = "plus"
    section = DRAWS

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", DrawForm())
        kwargs.setdefault("criteria", CriteriaFormSet(prefix="criteria"))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form, criteria = DrawForm(request.POST), CriteriaFormSet(request.POST, prefix="criteria")
        if form.is_valid() and criteria.is_valid():
            rows = [row for row in (f.row() for f in criteria.forms) if row]
            try:
                draw = services.draw_create(actor=request.user, criteria=rows, **form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("Created the draw “%(title)s”: run it when the supervisor is present.")
                                 % {"title": draw.title})
                return redirect("experts_admin:draw", draw.pk)
        return self.render_to_response(self.get_context_data(form=form, criteria=criteria))


def criteria_rows(draw: Draw) -> list[dict]:
    fields, titles = dict(Field.choices), dict(Title.choices)
    return [{**row, "field_label": fields.get(row["field"], row["field"]),
             "min_title_label": titles.get(row["min_title"], row["min_title"]),
             "eligible": len(draw.snapshot.get(row["field"], ())) if draw.snapshot else None}
            for row in draw.criteria]


def selections_by_field(draw: Draw, selections) -> list[dict]:
    fields = dict(Field.choices)
    today = timezone.localdate()
    groups = []
    for row in draw.criteria:
        rows = [s for s in selections if s.field == row["field"]]
        for s in rows:
            s.can_evaluate = (s.response == Selection.Response.CONFIRMED and today >= draw.ends_on
                              and not hasattr(s, "evaluation"))
        groups.append({"label": fields.get(row["field"], row["field"]),
                       "members": [s for s in rows if not s.alternate],
                       "alternates": [s for s in rows if s.alternate]})
    return groups


class DrawMixin:
    section = DRAWS

    @cached_property
    def draw(self) -> Draw:
        return get_object_or_404(Draw.objects.select_related("pool", "operator"), pk=self.kwargs["pk"])

    def get_page_title(self):
        return self.draw.title

    def get_success_url(self):
        return reverse("experts_admin:draw", args=[self.draw.pk])


class DrawDetailView(DrawMixin, ExpertsView, TemplateView):
    template_name = "experts/admin/draw.html"

    def get_context_data(self, **kwargs):
        draw = self.draw
        selections = list(draw.selections.select_related("expert", "replaces__expert", "evaluation")
                          .order_by("field", "order"))
        kwargs.setdefault("evaluate_form", EvaluateForm())
        labels = dict(Field.choices)
        exclusions = [{**row, "field_label": labels.get(row.get("field"), row.get("field"))}
                      for row in draw.exclusions]
        return super().get_context_data(
            draw=draw, criteria=criteria_rows(draw), exclusions=exclusions, blank_evaluate_form=EvaluateForm(),
            parties=list(draw.excluded_firms.order_by("name")),
            groups=selections_by_field(draw, selections), audit=audit_trail(draw), **kwargs)


class DrawRunView(ActionMixin, DrawDetailView):
    def perform(self, form):
        draw = services.draw_run(actor=self.request.user, draw=self.draw)
        return _("Drawn with seed %(seed)s; the experts are invited.") % {"seed": draw.seed}


class DrawVerifyView(DrawDetailView):
    """Re-run the draw from its snapshot and seed and show whether it gives the recorded experts (no change)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(verified=services.draw_verify(self.draw)))


class DrawPublishView(ActionMixin, DrawDetailView):
    decide_required = True

    def perform(self, form):
        services.draw_publish(actor=self.request.user, draw=self.draw)
        return _("The draw's result is published.")


class EvaluateView(ActionMixin, DrawDetailView):
    form_class = EvaluateForm
    form_name = "evaluate_form"

    @cached_property
    def selection(self) -> Selection:
        return get_object_or_404(Selection.objects.select_related("draw", "expert"), pk=self.kwargs["selection"],
                                 draw_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(evaluating=self.selection.pk, **kwargs)

    def perform(self, form):
        services.evaluate(actor=self.request.user, selection=self.selection, score=form.cleaned_data["score"],
                          comment=form.cleaned_data["comment"])
        return _("Recorded the evaluation of %(name)s.") % {"name": self.selection.expert.name}
