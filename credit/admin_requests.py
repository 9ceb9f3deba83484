"""Objections (异议) and repairs (信用修复) in the credit back office: lists with the pending ones first and the
overdue ones marked, the firm's request with its files and the contested rating or record, and the decision
(committee administrators only; the firm is emailed by the service)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from . import services
from .admin_forms import ObjectionDecideForm, RepairDecideForm, RequestFilterForm
from .admin_rounds import explanation_rows
from .admin_views import ActionMixin, CreditView, audit_trail, paginate, pending_first
from .models import DecisionState, Objection, Repair

OBJECTIONS = (gettext_lazy("Objections"), "credit_admin:objections")
REPAIRS = (gettext_lazy("Credit repairs"), "credit_admin:repairs")


def mark_overdue(requests, today) -> None:
    for request in requests:
        request.is_overdue = request.state == DecisionState.PENDING and request.answer_due < today


class RequestIndexView(CreditView, TemplateView):
    """Pending first (the earliest answer due on top), then the decided ones, newest first."""

    template_name = "credit/admin/requests.html"
    model = None
    related = ()

    def get_context_data(self, **kwargs):
        form = RequestFilterForm(self.request.GET or None)
        queryset = (pending_first(self.model.objects.select_related("firm", *self.related), DecisionState.PENDING)
                    .order_by("queue", "answer_due", "-submitted_at", "-id"))
        page = paginate(self.request, form.filter(queryset))
        mark_overdue(page.object_list, timezone.localdate())
        return super().get_context_data(filter_form=form, page=page, kind=self.model._meta.model_name, **kwargs)


class ObjectionIndexView(RequestIndexView):
    model = Objection
    related = ("rating__round", "event")
    page_title = gettext_lazy("Objections")


class RepairIndexView(RequestIndexView):
    model = Repair
    related = ("event",)
    page_title = gettext_lazy("Credit repairs")


class RequestMixin:
    model = None
    related = ()
    url_name = ""

    @cached_property
    def credit_request(self):
        return get_object_or_404(self.model.objects.select_related("firm", "submitted_by", "decided_by",
                                                                   *self.related), pk=self.kwargs["pk"])

    def get_page_title(self):
        return self.credit_request.number

    def get_success_url(self):
        return reverse(self.url_name, args=[self.credit_request.pk])

    def get_context_data(self, **kwargs):
        request = self.credit_request
        mark_overdue([request], timezone.localdate())
        return super().get_context_data(credit_request=request, audit=audit_trail(request), **kwargs)


# --- Objections ------------------------------------------------------------------------------------------------


class ObjectionDetailView(RequestMixin, CreditView, TemplateView):
    template_name = "credit/admin/objection.html"
    model = Objection
    related = ("rating__round__scheme", "event__indicator", "new_rating")
    url_name = "credit_admin:objection"
    section = OBJECTIONS

    @cached_property
    def contributions(self) -> list[dict]:
        rating = self.credit_request.rating
        return explanation_rows(rating.explanation)[1] if rating else []

    def decide_form(self, data=None):
        return ObjectionDecideForm(data, contributions=self.contributions)

    def get_context_data(self, **kwargs):
        objection = self.credit_request
        categories = explanation_rows(objection.rating.explanation)[0] if objection.rating else []
        kwargs.setdefault("decide_form", self.decide_form())
        return super().get_context_data(
            objection=objection, categories=categories, contributions=self.contributions,
            revoked=list(objection.revoked_events.order_by("number")), **kwargs)


class ObjectionDecideView(ActionMixin, ObjectionDetailView):
    decide_required = True
    form_name = "decide_form"

    def get_action_form(self):
        return self.decide_form(self.request.POST)

    def perform(self, form):
        objection = services.objection_decide(
            actor=self.request.user, objection=self.credit_request, upheld=form.upheld,
            decision=form.cleaned_data["decision"], revoke_events=form.cleaned_data.get("revoke_events") or ())
        if objection.state == DecisionState.UPHELD:
            return _("Objection %(number)s is upheld; the firm is notified.") % {"number": objection.number}
        return _("Objection %(number)s is rejected; the firm is notified.") % {"number": objection.number}


# --- Repairs ---------------------------------------------------------------------------------------------------


class RepairDetailView(RequestMixin, CreditView, TemplateView):
    template_name = "credit/admin/repair.html"
    model = Repair
    related = ("event__indicator__scheme",)
    url_name = "credit_admin:repair"
    section = REPAIRS

    def get_context_data(self, **kwargs):
        repair = self.credit_request
        kwargs.setdefault("decide_form", RepairDecideForm())
        return super().get_context_data(repair=repair, event=repair.event,
                                        earliest=services.repair_earliest(repair.event), **kwargs)


class RepairDecideView(ActionMixin, RepairDetailView):
    decide_required = True
    form_class = RepairDecideForm
    form_name = "decide_form"

    def perform(self, form):
        repair = services.repair_decide(actor=self.request.user, repair=self.credit_request, approve=form.upheld,
                                        decision=form.cleaned_data["decision"])
        if repair.state == DecisionState.UPHELD:
            return _("Repair %(number)s is approved: the record is no longer published from %(date)s.") % {
                "number": repair.number, "date": repair.ends_on.isoformat()}
        return _("Repair %(number)s is rejected; the firm is notified.") % {"number": repair.number}
