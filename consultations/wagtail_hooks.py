"""The committee's consultation pages in the Wagtail admin.

Menu "征求意见" (Consultations): the consultation list (admin_views, under /admin/consultations/ in the
``consultations_admin`` namespace, which also holds the responses workbench and tracker of admin_responses)
and the reason templates (处理理由模板, a ModelViewSet with audited writes). More items can join the submenu
through the ``register_consultations_menu_item`` hook.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import DeleteView
from wagtail.admin.viewsets.model import ModelViewSetGroup

from associations.wagtail_hooks import PortalModelViewSet
from core.audit import audit_log

from . import admin_responses  # noqa: F401  (registers the responses workbench and tracker)
from .admin_views import admin_urlpatterns
from .models import ReasonTemplate
from .permissions import can_manage

CONSULTATIONS_MENU_HOOK = "register_consultations_menu_item"


@hooks.register("register_admin_urls")
def register_consultation_urls():
    return [path("consultations/", include((admin_urlpatterns(), "consultations_admin")))]


class ConsultationsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage(request.user)


@hooks.register(CONSULTATIONS_MENU_HOOK)
def register_consultation_list_menu_item():
    return ConsultationsMenuItem(gettext_lazy("Consultation list"), reverse("consultations_admin:index"),
                                 name="consultation-list", icon_name="doc-full", order=0)


class AuditedDeleteView(DeleteView):
    def delete_action(self):
        audit_log(actor=self.request.user, action="consultations.reasontemplate.deleted", obj=self.object,
                  data={"via": "admin", "title": self.object.title})
        super().delete_action()


class ReasonTemplateViewSet(PortalModelViewSet):
    model = ReasonTemplate
    name = "reason_templates"
    url_prefix = "consultations/reason-templates"
    icon = "clipboard-list"
    menu_label = gettext_lazy("Reason templates")
    delete_view_class = AuditedDeleteView
    disabled_views = frozenset()
    inspect_view_enabled = False
    list_display = ["title", "result", "updated_at"]
    list_filter = ["result"]
    search_fields = ["title", "text"]
    ordering = ["title"]
    form_fields = ["title", "result", "text"]


class ConsultationsGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Consultations")
    menu_name = "consultations"
    menu_icon = "doc-full"
    menu_order = 240
    submenu_hook = CONSULTATIONS_MENU_HOOK
    items = (ReasonTemplateViewSet,)


@hooks.register("register_admin_viewset")
def register_consultation_viewsets():
    return ConsultationsGroup()
