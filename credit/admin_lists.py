"""Red and black lists (红名单 · 黑名单) in the credit back office: the active entries with the rule and counts that
put a firm there, the delisted history, manual listing and delisting with a reason (committee administrators)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.widgets.button import HeaderButton

from . import permissions, services
from .admin_forms import ListAddForm, ListFilterForm, ReasonForm
from .admin_views import ActionMixin, CreditView, ServiceFormView, audit_trail, paginate
from .models import ListEntry, Severity

LISTS = (gettext_lazy("Red and black lists"), "credit_admin:lists")


def counts_text(entry: ListEntry) -> str:
    """The counts behind an automatic entry in words ("严重 1, 一般 4 since 2025-03-01")."""
    counts = entry.counts or {}
    if "by_severity" in counts:
        labels = dict(Severity.choices)
        parts = "、".join(f"{labels.get(k, k)} {v}" for k, v in counts["by_severity"].items() if v)
        return _("%(parts)s (records since %(since)s)") % {"parts": parts or "0", "since": counts.get("since", "")}
    if "rounds" in counts:
        return _("Level %(level)s in %(n)s final rounds") % {"level": counts.get("level", ""),
                                                             "n": len(counts["rounds"])}
    return ""


class ListIndexView(CreditView, TemplateView):
    """Active entries; ``?history=1`` shows the delisted ones with the reason."""

    template_name = "credit/admin/lists.html"
    page_title = gettext_lazy("Red and black lists")

    def get_header_buttons(self):
        if not permissions.can_decide(self.request.user):
            return []
        return [HeaderButton(_("Add to a list"), url=reverse("credit_admin:list_add"), icon_name="plus")]

    def get_context_data(self, **kwargs):
        history = self.request.GET.get("history") == "1"
        entries = ListEntry.objects.select_related("firm", "scheme")
        entries = (entries.filter(delisted_at__isnull=False).order_by("-delisted_at", "-id") if history
                   else entries.active().order_by("kind", "-listed_on", "-id"))
        form = ListFilterForm(self.request.GET or None)
        page = paginate(self.request, form.filter(entries))
        for entry in page.object_list:
            entry.counts_text = counts_text(entry)
        return super().get_context_data(filter_form=form, page=page, history=history, **kwargs)


class ListAddView(ServiceFormView):
    template_name = "credit/admin/form.html"
    form_class = ListAddForm
    page_title = gettext_lazy("Add to a list")
    header_icon = "plus"
    decide_required = True
    section = LISTS

    def save(self, form):
        return services.list_add(actor=self.request.user, **form.cleaned_data)

    def success(self, entry):
        return (_("%(firm)s is on the %(list)s.") % {"firm": entry.firm.name, "list": entry.get_kind_display()},
                reverse("credit_admin:list_entry", args=[entry.pk]))


class ListEntryView(CreditView, TemplateView):
    template_name = "credit/admin/list_entry.html"
    section = LISTS

    @cached_property
    def entry(self) -> ListEntry:
        return get_object_or_404(ListEntry.objects.select_related("firm", "scheme", "listed_by", "delisted_by"),
                                 pk=self.kwargs["pk"])

    def get_page_title(self):
        return f"{self.entry.get_kind_display()} · {self.entry.firm.name}"

    def get_success_url(self):
        return reverse("credit_admin:list_entry", args=[self.entry.pk])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("delist_form", ReasonForm())
        self.entry.counts_text = counts_text(self.entry)
        return super().get_context_data(entry=self.entry, audit=audit_trail(self.entry), **kwargs)


class ListRemoveView(ActionMixin, ListEntryView):
    decide_required = True
    form_class = ReasonForm
    form_name = "delist_form"

    def perform(self, form):
        services.list_remove(actor=self.request.user, entry=self.entry, reason=form.cleaned_data["reason"])
        return _("%(firm)s is taken off the %(list)s.") % {"firm": self.entry.firm.name,
                                                          "list": self.entry.get_kind_display()}
