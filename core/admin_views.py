"""Building blocks of the apps' back-office pages in the Wagtail admin (credit, experts, …).

``BackOfficeView``: committee staff only (``decide_required`` pages: committee administrators), with breadcrumbs
through the list a page belongs to. ``ActionMixin``: a POST-only action on a detail page that runs one service.
``ServiceFormView``: a form page whose valid form goes to one service. ``pending_first``, ``paginate`` and
``audit_trail`` are the shared list helpers.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic.edit import FormView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .errors import DomainError, add_to_form
from .models import AuditEntry

PER_PAGE = 50


def paginate(request, queryset, per_page: int = PER_PAGE, param: str = "p"):
    """The requested page; a bad or too large number gives the first or last page, never an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def pending_first(queryset, pending_state, field: str = "state"):
    return queryset.annotate(queue=Case(When(**{field: pending_state}, then=Value(0)), default=Value(1),
                                        output_field=IntegerField()))


def audit_trail(obj) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_object(obj).order_by("created_at", "id"))


class BackOfficeView(WagtailAdminTemplateMixin):
    """Committee staff only; ``decide_required`` views are for those the app's ``can_decide`` allows.

    Subclasses set ``permissions``: the app's permissions module (with ``can_manage`` and ``can_decide``)."""

    permissions = None
    decide_required = False
    #: (label, URL name) of the list this page belongs to, shown in the breadcrumbs.
    section: tuple | None = None

    def dispatch(self, request, *args, **kwargs):
        check = self.permissions.can_decide if self.decide_required else self.permissions.can_manage
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
        context["can_decide"] = self.permissions.can_decide(self.request.user)
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
                    context = {"action_error": exc.message}
                    if form is not None:
                        context[self.form_name] = form
                    return self.render_to_response(self.get_context_data(**context))
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, message)
                return redirect(self.get_success_url())
        return self.render_to_response(self.get_context_data(**{self.form_name: form}))


class ServiceFormMixin(FormView):
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
