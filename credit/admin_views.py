"""The committee's credit back office in the Wagtail admin (信用评价): credit records and evidence files.

Thin views: parse → permission → one service → redirect or render; a DomainError is shown as a form error (or
an error box for a button without a form) and changes nothing. Committee staff only (``permissions.can_manage``);
views with ``decide_required`` are for committee administrators (``permissions.can_decide``) — the services
check the same predicates. Others get Wagtail's permission-denied redirect; anonymous users the login page.

Rating rounds and ratings live in admin_rounds, objections, repairs and the lists in admin_requests and
admin_lists; the scheme ModelViewSet in admin_schemes. Every pattern is in the ``credit_admin`` namespace.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.widgets.button import HeaderButton

from core.admin_views import (
    ActionMixin,
    BackOfficeView,
    ServiceFormMixin,
    audit_trail,
    paginate,
    pending_first,
)
from core.views import stored_file_response

from . import permissions, services
from .admin_forms import EventCorrectForm, EventFilterForm, EventRecordForm, ReasonForm
from .models import CreditEvent, EventState, Objection, Repair


class CreditView(BackOfficeView):
    """Committee staff only; ``decide_required`` views are for committee administrators."""

    permissions = permissions
    header_icon = "clipboard-list"


class ServiceFormView(CreditView, ServiceFormMixin):
    """A credit form page whose valid form goes to one service."""


# --- Credit records ------------------------------------------------------------------------------------------

EVENTS = (gettext_lazy("Credit records"), "credit_admin:events")


def event_queue():
    """Every record, those pending review first (oldest submission first), then the newest."""
    return (pending_first(CreditEvent.objects.select_related("firm", "indicator"), EventState.PENDING)
            .order_by("queue", "-created_at", "-id"))


class EventIndexView(CreditView, TemplateView):
    template_name = "credit/admin/events.html"
    page_title = gettext_lazy("Credit records")

    def get_header_buttons(self):
        return [HeaderButton(_("Record an event"), url=reverse("credit_admin:event_add"), icon_name="plus")]

    def get_context_data(self, **kwargs):
        form = EventFilterForm(self.request.GET or None)
        page = paginate(self.request, form.filter(event_queue()))
        return super().get_context_data(filter_form=form, page=page, **kwargs)


class EventRecordView(ServiceFormView):
    template_name = "credit/admin/event_form.html"
    form_class = EventRecordForm
    page_title = gettext_lazy("Record an event")
    header_icon = "plus"
    section = EVENTS

    def save(self, form):
        return services.event_record(actor=self.request.user, firm=form.cleaned_data["firm"],
                                     **form.service_kwargs())

    def success(self, event):
        return (_("Recorded %(number)s.") % {"number": event.number},
                reverse("credit_admin:event", args=[event.pk]))


class EventMixin:
    section = EVENTS

    @cached_property
    def event(self) -> CreditEvent:
        related = ("firm", "indicator__scheme", "association", "corrects", "recorded_by", "approved_by",
                   "revoked_by")
        return get_object_or_404(CreditEvent.objects.select_related(*related), pk=self.kwargs["pk"])

    def get_page_title(self):
        return self.event.number

    def get_success_url(self):
        return reverse("credit_admin:event", args=[self.event.pk])


class EventDetailView(EventMixin, CreditView, TemplateView):
    template_name = "credit/admin/event.html"

    def get_context_data(self, **kwargs):
        event = self.event
        kwargs.setdefault("reject_form", ReasonForm())
        kwargs.setdefault("revoke_form", ReasonForm())
        return super().get_context_data(
            event=event, corrections=list(event.corrections.all()),
            objections=list(event.objections.order_by("-submitted_at")),
            repairs=list(event.repairs.order_by("-submitted_at")), audit=audit_trail(event), **kwargs)


class EventApproveView(ActionMixin, EventDetailView):
    def perform(self, form):
        services.event_approve(actor=self.request.user, event=self.event)
        return _("%(number)s is approved.") % {"number": self.event.number}


class EventRejectView(ActionMixin, EventDetailView):
    form_class = ReasonForm
    form_name = "reject_form"

    def perform(self, form):
        services.event_reject(actor=self.request.user, event=self.event, reason=form.cleaned_data["reason"])
        return _("%(number)s is rejected.") % {"number": self.event.number}


class EventRevokeView(ActionMixin, EventDetailView):
    decide_required = True
    form_class = ReasonForm
    form_name = "revoke_form"

    def perform(self, form):
        services.event_revoke(actor=self.request.user, event=self.event, reason=form.cleaned_data["reason"])
        return _("%(number)s is revoked; the ratings that counted it have new versions.") % {
            "number": self.event.number}


class EventCorrectView(EventMixin, ServiceFormView):
    """A correction is a new record that revokes this one; both stay readable and link to each other."""

    template_name = "credit/admin/event_form.html"
    form_class = EventCorrectForm
    decide_required = True
    header_icon = "edit"

    def get_page_title(self):
        return _("Correct %(number)s") % {"number": self.event.number}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event}

    def get(self, request, *args, **kwargs):
        if self.event.state != EventState.APPROVED:
            messages.error(request, _("Only an approved record can be corrected."))
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, **kwargs)

    def save(self, form):
        return services.event_correct(actor=self.request.user, event=self.event,
                                      reason=form.cleaned_data["reason"], **form.changed_kwargs())

    def success(self, fresh):
        return (_("%(new)s replaces %(old)s.") % {"new": fresh.number, "old": self.event.number},
                reverse("credit_admin:event", args=[fresh.pk]))


# --- Evidence files (committee staff only) ---------------------------------------------------------------------

#: kind in the URL → (model, file field, original name field)
FILES = {
    "event": (CreditEvent, "evidence_file", "evidence_name"),
    "objection": (Objection, "evidence_file", "evidence_name"),
    "repair-pledge": (Repair, "pledge_file", "pledge_name"),
    "repair-evidence": (Repair, "evidence_file", "evidence_name"),
}


def evidence_download(request, kind: str, pk: int):
    """An evidence file as an attachment: a record's evidence, an objection's evidence, a repair's files."""
    if not permissions.can_view_evidence(request.user):
        return permission_denied(request)
    if kind not in FILES:
        raise Http404
    model, file_field, name_field = FILES[kind]
    obj = get_object_or_404(model, pk=pk)
    return stored_file_response(getattr(obj, file_field), filename=getattr(obj, name_field))
