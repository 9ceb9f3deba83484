"""The committee's credit back office in the Wagtail admin (信用评价): credit records and evidence files.

Thin views: parse → permission → one service → redirect or render; a DomainError is shown as a form error (or
an error box for a button without a form) and changes nothing. Committee staff only (``permissions.can_manage``);
views with ``decide_required`` are for committee administrators (``permissions.can_decide``) — the services
check the same predicates. Others get Wagtail's permission-denied redirect; anonymous users the login page.

Rating rounds and ratings live in admin_rounds, objections, repairs and the lists in admin_requests and
admin_lists; the scheme ModelViewSet in admin_schemes. Every pattern is in the ``credit_admin`` namespace.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from core.errors import DomainError, add_to_form
from core.models import AuditEntry
from core.views import stored_file_response

from . import permissions, services
from .admin_forms import EventCorrectForm, EventFilterForm, EventRecordForm, ReasonForm
from .models import CreditEvent, EventState, Objection, Repair

PER_PAGE = 50


def paginate(request, queryset, per_page: int = PER_PAGE):
    """The requested page (``?p=``); a bad or too large number gives the first or last page, never an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("p"))


def pending_first(queryset, pending_state):
    return queryset.annotate(queue=Case(When(state=pending_state, then=Value(0)), default=Value(1),
                                        output_field=IntegerField()))


def audit_trail(obj) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_object(obj).order_by("created_at", "id"))


class CreditView(WagtailAdminTemplateMixin):
    """Committee staff only; ``decide_required`` views are for committee administrators."""

    decide_required = False
    header_icon = "clipboard-list"
    #: (label, URL name) of the list this page belongs to, shown in the breadcrumbs.
    section: tuple | None = None

    def dispatch(self, request, *args, **kwargs):
        check = permissions.can_decide if self.decide_required else permissions.can_manage
        if not check(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items]
        if self.section is not None:
            label, url_name = self.section
            items.append({"url": reverse(url_name), "label": label})
        return items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_decide"] = permissions.can_decide(self.request.user)
        return context


class ActionMixin:
    """A POST-only action on a detail page: run one service; on a DomainError re-render the page with the error.

    An error about a field of the action's form is shown at the field; any other (the state changed meanwhile, a
    button without fields) as ``action_error`` at the top of the page, where it is seen even when the page no
    longer offers the action."""

    http_method_names = ["post"]
    form_class = None
    form_name = "form"

    def perform(self, form) -> str:
        """Call the service; return the success message. The page's ``get_success_url`` says where to go next."""
        raise NotImplementedError

    def get_action_form(self):
        return self.form_class(self.request.POST, self.request.FILES) if self.form_class else None

    def post(self, request, *args, **kwargs):
        form = self.get_action_form()
        if form is None or form.is_valid():
            try:
                message = self.perform(form)
            except DomainError as exc:
                if form is None or exc.field not in form.fields:
                    context = {"action_error": exc.message} if form is None else {
                        "action_error": exc.message, self.form_name: form}
                    return self.render_to_response(self.get_context_data(**context))
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, message)
                return redirect(self.get_success_url())
        return self.render_to_response(self.get_context_data(**{self.form_name: form}))


class ServiceFormView(CreditView, FormView):
    """A form page whose valid form goes to one service (``save``); a DomainError becomes a form error."""

    def save(self, form):
        raise NotImplementedError

    def success(self, result):
        """The message and the URL to go to after ``save`` returned `result`."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.save(form)
        except DomainError as exc:
            add_to_form(form, exc)
            return self.form_invalid(form)
        message, url = self.success(result)
        messages.success(self.request, message)
        return redirect(url)


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
