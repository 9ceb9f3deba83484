"""Rating schemes (评价办法) in the credit back office: a ModelViewSet with the level table and the indicators as
inline panels. A draft is edited and deleted here (audited); a scheme in force or retired is frozen — its edit
and delete views refuse with a message and its page offers a new version. Putting a draft in force and making
a new version are for committee administrators (services.scheme_put_in_force / scheme_new_version)."""

from datetime import date, datetime

from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.auth import permission_denied
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView, InspectView

from associations.wagtail_hooks import PortalModelViewSet
from core.audit import audit_log
from core.errors import DomainError, add_to_form

from . import permissions, services
from .admin_forms import NewVersionForm, SchemeForm
from .models import CreditScheme, RatingRound, SchemeState
from .services.schemes import scheme_problems

AUDIT_PREFIX = "credit.creditscheme"


def changed_parts(form) -> list[str]:
    """The changed fields and inline lists (levels, indicators) of a scheme form."""
    return [*form.changed_data, *(name for name, formset in form.formsets.items() if formset.has_changed())]


class SchemeCreateView(CreateView):
    def save_instance(self):
        instance = super().save_instance()
        audit_log(actor=self.request.user, action=f"{AUDIT_PREFIX}.created", obj=instance,
                  data={"via": "admin", "version": instance.version})
        return instance


class FrozenRefusalMixin:
    """Edit and delete only a draft: a frozen scheme's view sends the user to its page with the reason."""

    inspect_url_name = None  # set by the viewset

    def refuse_frozen(self, request):
        scheme = self.get_object()
        if not scheme.is_frozen:
            return None
        messages.error(request, _("This scheme is %(state)s and can no longer be changed: make a new version "
                                  "to change it.") % {"state": scheme.get_state_display()})
        return redirect(reverse(self.inspect_url_name, args=[scheme.pk]))

    def get(self, request, *args, **kwargs):
        return self.refuse_frozen(request) or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refuse_frozen(request) or super().post(request, *args, **kwargs)


class SchemeEditView(FrozenRefusalMixin, EditView):
    @cached_property
    def scheme(self) -> CreditScheme:
        return super().get_object()

    def get_object(self, queryset=None):
        return self.scheme

    def save_instance(self):
        changed = changed_parts(self.form)
        instance = super().save_instance()
        if changed:
            audit_log(actor=self.request.user, action=f"{AUDIT_PREFIX}.updated", obj=instance,
                      data={"via": "admin", "changed": changed})
        return instance


class SchemeDeleteView(FrozenRefusalMixin, DeleteView):
    def delete_action(self):
        audit_log(actor=self.request.user, action=f"{AUDIT_PREFIX}.deleted", obj=self.object,
                  data={"via": "admin", "version": self.object.version})
        super().delete_action()

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, _("This scheme is in use and cannot be deleted."))
            return redirect(reverse(self.inspect_url_name, args=[self.object.pk]))


class SchemeIndexView(IndexView):
    def get_edit_url(self, instance):
        return None if instance.is_frozen else super().get_edit_url(instance)

    def get_delete_url(self, instance):
        return None if instance.is_frozen else super().get_delete_url(instance)


class SchemeInspectView(InspectView):
    """The scheme's page: fields, level table, indicators, versions and rounds; what stops a draft from being put
    in force; the administrator's buttons."""

    template_name = "credit/admin/scheme.html"
    inspect_url_name = None  # set by the viewset

    def get_object(self, queryset=None):
        queryset = CreditScheme.objects.select_related("predecessor").prefetch_related("levels", "indicators")
        return get_object_or_404(queryset, pk=self.pk)

    def get_field_display_value(self, field_name, field):
        """Dates as Y-m-d, moments as Y-m-d H:i (Asia/Shanghai), yes/no for booleans, a dash for nothing."""
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        return value

    def get_sectors_display_value(self):
        return "、".join(self.object.sector_labels()) or "—"

    def get_edit_url(self):
        return None if self.object.is_frozen else super().get_edit_url()

    def get_delete_url(self):
        return None if self.object.is_frozen else super().get_delete_url()

    def get_context_data(self, **kwargs):
        scheme = self.object
        kwargs.setdefault("version_form", NewVersionForm())
        return super().get_context_data(
            scheme=scheme, levels=list(scheme.levels.all()), indicators=list(scheme.indicators.all()),
            problems=scheme_problems(scheme) if scheme.state == SchemeState.DRAFT else [],
            versions=list(CreditScheme.objects.filter(family=scheme.family).order_by("-effective_from", "-id")),
            rounds=list(RatingRound.objects.filter(scheme=scheme).order_by("-as_of", "-id")[:20]),
            can_decide=permissions.can_decide(self.request.user), **kwargs)


class SchemeActionView(SchemeInspectView):
    """POST only, committee administrators: one service; a DomainError re-renders the scheme page."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_decide(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


class SchemePutInForceView(SchemeActionView):
    def post(self, request, *args, **kwargs):
        try:
            scheme = services.scheme_put_in_force(actor=request.user, scheme=self.object)
        except DomainError as exc:
            return self.render_to_response(self.get_context_data(action_error=exc.message))
        messages.success(request, _("%(scheme)s is in force.") % {"scheme": scheme})
        return redirect(reverse(self.inspect_url_name, args=[scheme.pk]))


class SchemeNewVersionView(SchemeActionView):
    def post(self, request, *args, **kwargs):
        form = NewVersionForm(request.POST)
        if form.is_valid():
            try:
                copy = services.scheme_new_version(actor=request.user, scheme=self.object,
                                                   version=form.cleaned_data["version"])
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("Draft %(scheme)s is ready to edit.") % {"scheme": copy})
                return redirect(reverse(self.edit_url_name, args=[copy.pk]))
        return self.render_to_response(self.get_context_data(version_form=form))


LEVEL_PANELS = [FieldRowPanel([FieldPanel("name"), FieldPanel("min_score"), FieldPanel("description")])]
INDICATOR_PANELS = [
    FieldRowPanel([FieldPanel("code"), FieldPanel("name"), FieldPanel("sort_order")]),
    FieldRowPanel([FieldPanel("category"), FieldPanel("severity"), FieldPanel("evidence_required")]),
    FieldRowPanel([FieldPanel("points"), FieldPanel("points_min"), FieldPanel("points_max")]),
    FieldRowPanel([FieldPanel("publish_min_days"), FieldPanel("publish_max_days")]),
    FieldPanel("legal_basis"),
]


class SchemeViewSet(PortalModelViewSet):
    model = CreditScheme
    name = "credit_schemes"
    url_prefix = "credit/schemes"
    icon = "clipboard-list"
    menu_label = gettext_lazy("Rating schemes")
    menu_order = 0
    index_view_class = SchemeIndexView
    add_view_class = SchemeCreateView
    edit_view_class = SchemeEditView
    delete_view_class = SchemeDeleteView
    inspect_view_class = SchemeInspectView
    disabled_views = frozenset({"history", "usage"})
    list_display = [
        "name", "version", "family", Column("state", label=gettext_lazy("State"), accessor="get_state_display"),
        DateColumn("effective_from", label=gettext_lazy("Effective from")),
    ]
    list_filter = ["state", "authority_kind"]
    inspect_view_fields = [
        "name", "version", "family", "predecessor", "state", "put_in_force_at", "authority_kind",
        "issuing_authority", "legal_basis", "approval_document", "sectors", "effective_from", "effective_to",
        "base_score", "basic_cap", "good_cap", "bad_cap", "notice_workdays", "objection_workdays",
        "answer_workdays", "validity_days", "black_bad_count", "black_min_severity", "black_window_months",
        "black_on_severe", "red_consecutive_rounds",
    ]
    search_fields = ["name", "family", "version", "issuing_authority"]
    ordering = ["family", "-effective_from", "-id"]
    edit_handler = TabbedInterface([
        ObjectList([
            FieldPanel("name"), FieldRowPanel([FieldPanel("family"), FieldPanel("version")]),
            FieldPanel("authority_kind"), FieldPanel("issuing_authority"), FieldPanel("legal_basis"),
            FieldPanel("approval_document"), FieldPanel("sectors"),
            FieldRowPanel([FieldPanel("effective_from"), FieldPanel("effective_to")]),
        ], heading=gettext_lazy("Scheme")),
        ObjectList([
            FieldRowPanel([FieldPanel("base_score"), FieldPanel("basic_cap"), FieldPanel("good_cap"),
                           FieldPanel("bad_cap")]),
            InlinePanel("levels", panels=LEVEL_PANELS, label=gettext_lazy("Level"),
                        heading=gettext_lazy("Level table")),
        ], heading=gettext_lazy("Score and levels")),
        ObjectList([InlinePanel("indicators", panels=INDICATOR_PANELS, label=gettext_lazy("Indicator"),
                                heading=gettext_lazy("Indicators"))], heading=gettext_lazy("Indicators")),
        ObjectList([
            MultiFieldPanel([FieldPanel("notice_workdays"), FieldPanel("objection_workdays"),
                             FieldPanel("answer_workdays"), FieldPanel("validity_days")],
                            heading=gettext_lazy("Periods")),
            MultiFieldPanel([FieldPanel("black_bad_count"), FieldPanel("black_min_severity"),
                             FieldPanel("black_window_months"), FieldPanel("black_on_severe"),
                             FieldPanel("red_consecutive_rounds")], heading=gettext_lazy("Red and black lists")),
        ], heading=gettext_lazy("Periods and lists")),
    ], base_form_class=SchemeForm)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("put-in-force/<int:pk>/", self.construct_view(SchemePutInForceView,
                                                               **self.get_inspect_view_kwargs()),
                 name="put_in_force"),
            path("new-version/<int:pk>/", self.construct_view(SchemeNewVersionView,
                                                              **self.get_inspect_view_kwargs()),
                 name="new_version"),
        ]
