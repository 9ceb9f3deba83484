"""The committee's experts back office in the Wagtail admin.

Menu "专家库" (Expert pool): experts and their relations (audited ModelViewSets), applications, draws and the
fairness view (admin_views, admin_draws, under /admin/experts/ in the ``experts_admin`` namespace). Shown to
committee staff only.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSetGroup

from associations.wagtail_hooks import PortalModelViewSet, SelectRelatedIndexView

from . import admin_draws, admin_views
from .admin_forms import ExpertAdminForm
from .models import Expert, Relation
from .permissions import can_manage

EXPERTS_MENU_HOOK = "register_experts_menu_item"

urlpatterns = [
    path("applications/", admin_views.ApplicationIndexView.as_view(), name="applications"),
    path("applications/<int:pk>/", admin_views.ApplicationDetailView.as_view(), name="application"),
    path("applications/<int:pk>/document/", admin_views.ApplicationDocumentView.as_view(),
         name="application_document"),
    path("applications/<int:pk>/decide/", admin_views.ApplicationDecideView.as_view(), name="application_decide"),
    path("draws/", admin_draws.DrawIndexView.as_view(), name="draws"),
    path("draws/add/", admin_draws.DrawCreateView.as_view(), name="draw_add"),
    path("draws/<int:pk>/", admin_draws.DrawDetailView.as_view(), name="draw"),
    path("draws/<int:pk>/run/", admin_draws.DrawRunView.as_view(), name="draw_run"),
    path("draws/<int:pk>/verify/", admin_draws.DrawVerifyView.as_view(), name="draw_verify"),
    path("draws/<int:pk>/publish/", admin_draws.DrawPublishView.as_view(), name="draw_publish"),
    path("draws/<int:pk>/selections/<int:selection>/evaluate/", admin_draws.EvaluateView.as_view(),
         name="evaluate"),
    path("fairness/", admin_views.FairnessView.as_view(), name="fairness"),
]


@hooks.register("register_admin_urls")
def register_experts_urls():
    return [path("experts/", include((urlpatterns, "experts_admin")))]


class ExpertsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage(request.user)


MENU = (
    (gettext_lazy("Applications"), "experts_admin:applications", "expert-applications", "form", 30),
    (gettext_lazy("Draws"), "experts_admin:draws", "expert-draws", "crosshairs", 40),
    (gettext_lazy("Fairness"), "experts_admin:fairness", "expert-fairness", "table", 50),
)


def _menu_hook(label, url_name, name, icon, order):
    def register():
        return ExpertsMenuItem(label, reverse(url_name), name=name, icon_name=icon, order=order)

    register.__name__ = f"register_{name.replace('-', '_')}_menu_item"
    return register


for _item in MENU:
    hooks.register(EXPERTS_MENU_HOOK, _menu_hook(*_item))


# --- Experts and relations --------------------------------------------------------------------------------


class StaffOnlyMixin:
    """The lists refuse non-committee users whatever model permissions they hold (the edit views are guarded by
    the model permissions only the committee groups have)."""

    def dispatch(self, request, *args, **kwargs):
        if not can_manage(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


class ExpertIndexView(StaffOnlyMixin, SelectRelatedIndexView):
    select_related = ("employer_firm",)


class RelationIndexView(StaffOnlyMixin, SelectRelatedIndexView):
    select_related = ("expert", "firm")


class ExpertViewSet(PortalModelViewSet):
    model = Expert
    name = "experts_pool_admin"
    url_prefix = "experts-pool"
    icon = "user"
    menu_label = gettext_lazy("Experts")
    menu_order = 10
    index_view_class = ExpertIndexView
    list_display = ["name", "title", Column("employer", label=gettext_lazy("Employer")), "status", "senior",
                    "term_end"]
    list_filter = ["status", "title"]
    search_fields = ["name", "name_pinyin", "name_initials", "employer_name", "employer_firm__name"]
    ordering = ["name_pinyin", "id"]
    inspect_view_fields = ["name", "birth_year", "title", "years_in_field", "fields", "employer_firm",
                           "employer_name", "employer_code", "position", "status", "term_start", "term_end",
                           "senior", "phone", "email", "created_at", "updated_at"]
    edit_handler = ObjectList([
        FieldPanel("name"), FieldPanel("birth_year"), FieldPanel("title"), FieldPanel("years_in_field"),
        FieldPanel("fields"),
        MultiFieldPanel([FieldPanel("employer_firm"), FieldPanel("employer_name"), FieldPanel("employer_code"),
                         FieldPanel("position")], heading=gettext_lazy("Employer")),
        FieldPanel("qualifications"), FieldPanel("bio"),
        MultiFieldPanel([FieldPanel("phone"), FieldPanel("email")], heading=gettext_lazy("Contact (staff only)")),
        FieldPanel("status"), FieldPanel("term_start"), FieldPanel("term_end"), FieldPanel("senior"),
        FieldPanel("user"),
    ], base_form_class=ExpertAdminForm)


class RelationViewSet(PortalModelViewSet):
    model = Relation
    name = "expert_relations_admin"
    url_prefix = "expert-relations"
    icon = "link"
    menu_label = gettext_lazy("Relations (recusal)")
    menu_order = 20
    index_view_class = RelationIndexView
    list_display = ["expert", "kind", "firm", "firm_code", "matter", "started_on", "ended_on"]
    list_filter = ["kind", "expert"]
    search_fields = ["expert__name", "expert__name_initials", "firm__name", "firm_code", "matter"]
    ordering = ["expert__name_pinyin", "kind", "id"]
    form_fields = ["expert", "kind", "firm", "firm_code", "matter", "started_on", "ended_on", "note"]


class ExpertsGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Expert pool")
    menu_name = "experts"
    menu_icon = "group"
    menu_order = 270
    submenu_hook = EXPERTS_MENU_HOOK
    items = (ExpertViewSet, RelationViewSet)


@hooks.register("register_admin_viewset")
def register_experts_viewsets():
    return ExpertsGroup()
