"""Back office (Wagtail admin): associations, member firms, memberships, bindings, member import, audit log.

Search in these listings uses the ORM (`search_backend_name = None`): none of the models is indexed by
Wagtail search, so `IndexView.search_queryset` ORs ``<field>__icontains`` over `search_fields`, which
also finds pinyin initials (``cdzm``) through `Firm.name_initials`.

Admin edits are written to the portal's audit log (core.audit) by the create/edit views below. Records
are never deleted from here: memberships end (ended_on), firms change status, the audit log is read-only.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from django.views.generic.edit import FormView
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.audit import audit_log
from core.models import AuditEntry
from core.uscc import validate_uscc

from .forms import ImportForm
from .imports import ImportRefused, import_firms_file
from .models import Association, AssociationStaff, Firm, FirmUser, Membership

IMPORT_PERMISSION = "associations.add_firm"
ASSOCIATIONS_MENU_HOOK = "register_associations_menu_item"


# --- Audit log: readable, never writable ----------------------------------------------


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Only "view" can ever be granted, not even to superusers: the audit log is append-only."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


# Registered before any view asks for AuditEntry's policy (Wagtail would create a fallback one).
register_permission_policy(AuditEntry, ReadOnlyPermissionPolicy(AuditEntry))


# --- Shared pieces ----------------------------------------------------------------------


class UsccFormMixin:
    def clean_uscc(self):
        try:
            return validate_uscc(self.cleaned_data.get("uscc", ""))
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code=exc.code) from exc


class FirmAdminForm(UsccFormMixin, WagtailAdminModelForm):
    pass


class AssociationAdminForm(UsccFormMixin, WagtailAdminModelForm):
    pass


def _audit_action(model, verb: str) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}.{verb}"


class AuditedCreateView(CreateView):
    """Creates in the admin are state changes like any other: write the portal audit entry."""

    def save_instance(self):
        instance = super().save_instance()
        audit_log(actor=self.request.user, action=_audit_action(self.model, "created"), obj=instance,
                  data={"via": "admin"})
        return instance


class AuditedEditView(EditView):
    def save_instance(self):
        changed = list(self.form.changed_data)
        instance = super().save_instance()
        if changed:
            audit_log(actor=self.request.user, action=_audit_action(self.model, "updated"), obj=instance,
                      data={"via": "admin", "changed": changed})
        return instance


class PortalModelViewSet(ModelViewSet):
    """ModelViewSet with ORM search, audited writes and some views switched off (no delete by default)."""

    add_view_class = AuditedCreateView
    edit_view_class = AuditedEditView
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    # Wagtail's reference index would add queries to every save (imports included) for little use here.
    add_to_reference_index = False
    #: URL names of the generic views this viewset does not offer.
    disabled_views = frozenset({"delete"})

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view in self.disabled_views:
            view_kwargs[f"{view}_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in self.disabled_views]


class SelectRelatedIndexView(IndexView):
    select_related = ()

    def get_base_queryset(self):
        return super().get_base_queryset().select_related(*self.select_related)


# --- Associations -------------------------------------------------------------------------


class AssociationViewSet(PortalModelViewSet):
    model = Association
    name = "associations_admin"  # URL namespace; "associations" is taken by the app's own URLs
    url_prefix = "associations"
    icon = "group"
    menu_label = gettext_lazy("Industry associations")
    add_to_reference_index = True  # the logo is a Wagtail image: show where images are used
    list_display = ["name", "short_name", "uscc", "sector", "contact_person"]
    list_filter = ["sector"]
    search_fields = ["name", "short_name", "uscc"]
    ordering = ["id"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("short_name"),
            FieldPanel("uscc"),
            FieldPanel("sector"),
            FieldPanel("contact_person"),
            FieldPanel("contact_phone"),
            FieldPanel("contact_email"),
            FieldPanel("address"),
            FieldPanel("website"),
            FieldPanel("logo"),
            FieldPanel("intro"),
        ],
        base_form_class=AssociationAdminForm,
    )


# --- Firms -----------------------------------------------------------------------------------


class FirmFilterSet(WagtailFilterSet):
    association = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Association"),
        queryset=Association.objects.order_by("id"),
        method="filter_association",
    )

    class Meta:
        model = Firm
        fields = ["sector", "status"]

    def filter_association(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=Membership.objects.current().filter(association=value).values("firm_id")
        )


class FirmViewSet(PortalModelViewSet):
    model = Firm
    name = "firms_admin"
    url_prefix = "firms"
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Member firms")
    list_display = ["name", "uscc", "legal_representative", "sector", "status"]
    filterset_class = FirmFilterSet
    search_fields = ["name", "uscc", "name_initials", "name_pinyin"]
    ordering = ["name_pinyin", "id"]
    inspect_view_fields = [
        "name", "uscc", "legal_representative", "address", "sector", "status", "name_initials", "created_at",
        "updated_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("uscc"),
            FieldPanel("legal_representative"),
            FieldPanel("address"),
            FieldPanel("sector"),
            FieldPanel("status"),
        ],
        base_form_class=FirmAdminForm,
    )


# --- Memberships -------------------------------------------------------------------------------


class MembershipFilterSet(WagtailFilterSet):
    current = django_filters.BooleanFilter(
        label=gettext_lazy("Current"),
        field_name="ended_on",
        lookup_expr="isnull",
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = Membership
        fields = ["association", "level"]


class MembershipIndexView(SelectRelatedIndexView):
    select_related = ("firm", "association")


class MembershipViewSet(PortalModelViewSet):
    """Memberships are added by import or on the association's member page; here they are read and edited."""

    model = Membership
    name = "memberships_admin"
    url_prefix = "memberships"
    icon = "link"
    menu_label = gettext_lazy("Memberships")
    index_view_class = MembershipIndexView
    disabled_views = frozenset({"add", "delete"})
    list_display = ["firm", "firm__uscc", "association", "level", "since", "ended_on"]
    filterset_class = MembershipFilterSet
    search_fields = ["firm__name", "firm__uscc", "firm__name_initials", "association__name",
                     "association__short_name"]
    ordering = ["association_id", "firm__name_pinyin", "id"]
    edit_handler = ObjectList([FieldPanel("level"), FieldPanel("since"), FieldPanel("ended_on")])


# --- Bindings (read-only: they are made through invitations and services) --------------------------


class AssociationStaffIndexView(SelectRelatedIndexView):
    select_related = ("user", "association")


class AssociationStaffViewSet(PortalModelViewSet):
    model = AssociationStaff
    name = "association_staff_admin"
    url_prefix = "association-staff"
    icon = "user"
    menu_label = gettext_lazy("Association staff")
    index_view_class = AssociationStaffIndexView
    disabled_views = frozenset({"add", "edit", "delete", "history", "usage"})
    list_display = ["user", "association", "role", "created_at"]
    list_filter = ["association", "role"]
    search_fields = ["user__email", "user__full_name", "association__name"]
    ordering = ["association_id", "id"]
    form_fields = ["role"]  # unused (no add/edit view) but required by ModelViewSet


class FirmUserIndexView(SelectRelatedIndexView):
    select_related = ("user", "firm")


class FirmUserViewSet(PortalModelViewSet):
    model = FirmUser
    name = "firm_users_admin"
    url_prefix = "firm-users"
    icon = "user"
    menu_label = gettext_lazy("Firm users")
    index_view_class = FirmUserIndexView
    disabled_views = frozenset({"add", "edit", "delete", "history", "usage"})
    list_display = ["user", "firm", "firm__uscc", "created_at"]
    search_fields = ["user__email", "user__full_name", "firm__name", "firm__uscc"]
    ordering = ["firm_id", "id"]
    form_fields = ["user"]  # unused (no add/edit view) but required by ModelViewSet


class AssociationsGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Associations")
    menu_name = "associations"
    menu_icon = "group"
    menu_order = 250
    submenu_hook = ASSOCIATIONS_MENU_HOOK
    items = (AssociationViewSet, FirmViewSet, MembershipViewSet, AssociationStaffViewSet, FirmUserViewSet)


# --- Audit log ---------------------------------------------------------------------------------


def _object_type_choices():
    types = AuditEntry.objects.exclude(object_type="").order_by("object_type").values_list("object_type", flat=True)
    return [(t, t) for t in types.distinct()]


class AuditEntryFilterSet(WagtailFilterSet):
    action = django_filters.CharFilter(
        label=gettext_lazy("Action starts with"), lookup_expr="startswith", widget=forms.TextInput
    )
    object_type = django_filters.ChoiceFilter(label=gettext_lazy("Object type"), choices=_object_type_choices)
    created_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("Time"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEntry
        fields = ["action", "object_type", "created_at"]


class AuditEntryViewSet(PortalModelViewSet):
    model = AuditEntry
    name = "audit_log_admin"
    url_prefix = "audit-log"
    icon = "history"
    menu_label = gettext_lazy("Audit log")
    menu_order = 9100
    add_to_admin_menu = True
    disabled_views = frozenset({"add", "edit", "delete", "copy", "history", "usage"})
    list_display = [
        "action",
        DateColumn("created_at", label=gettext_lazy("Time"), sort_key="created_at"),
        "actor_label",
        "object_type",
        Column("object_repr", label=gettext_lazy("Object")),
    ]
    filterset_class = AuditEntryFilterSet
    search_fields = ["action", "actor_label", "object_repr", "object_id"]
    ordering = ["-created_at", "-id"]
    inspect_view_fields = ["created_at", "actor_label", "action", "object_type", "object_id", "object_repr", "data"]
    form_fields = ["action"]  # unused (no add/edit view) but required by ModelViewSet

    def get_permissions_to_register(self):
        # Only "view" means anything for the audit log.
        return super().get_permissions_to_register().filter(codename="view_auditentry")


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [AssociationsGroup(), AuditEntryViewSet()]


# --- Member import ------------------------------------------------------------------------------


class ImportFirmsView(WagtailAdminTemplateMixin, FormView):
    """Upload a CSV/XLSX member list (committee: any association) and show the import report."""

    template_name = "associations/admin/import_firms.html"
    form_class = ImportForm
    page_title = gettext_lazy("Import member firms")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def form_valid(self, form):
        try:
            report = import_firms_file(
                actor=self.request.user,
                uploaded=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportRefused as exc:
            form.add_error("file", str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        context = self.get_context_data(form=ImportForm(), report=report)
        return self.render_to_response(context)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = "、".join(("企业名称", "统一社会信用代码", "所属协会", "会员类型", "地址", "法定代表人"))
        return context


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("associations-import/", ImportFirmsView.as_view(), name="associations_import")]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)


@hooks.register(ASSOCIATIONS_MENU_HOOK)
def register_import_menu_item():
    return ImportMenuItem(
        gettext_lazy("Import member firms"),
        reverse("associations_import"),
        name="import-member-firms",
        icon_name="upload",
        order=900,
    )
