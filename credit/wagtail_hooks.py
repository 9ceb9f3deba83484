"""The committee's credit back office in the Wagtail admin.

Menu "信用评价" (Credit ratings): rating schemes (a ModelViewSet, admin_schemes), credit records, rating rounds,
objections, repairs and the red and black lists (admin_views, admin_rounds, admin_requests, admin_lists, under
/admin/credit/ in the ``credit_admin`` namespace). The menu items are shown to committee staff only. More
items can join the submenu through the ``register_credit_menu_item`` hook.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSetGroup

from . import admin_lists, admin_requests, admin_rounds, admin_views
from .admin_schemes import SchemeViewSet
from .permissions import can_manage

CREDIT_MENU_HOOK = "register_credit_menu_item"

urlpatterns = [
    path("events/", admin_views.EventIndexView.as_view(), name="events"),
    path("events/add/", admin_views.EventRecordView.as_view(), name="event_add"),
    path("events/<int:pk>/", admin_views.EventDetailView.as_view(), name="event"),
    path("events/<int:pk>/approve/", admin_views.EventApproveView.as_view(), name="event_approve"),
    path("events/<int:pk>/reject/", admin_views.EventRejectView.as_view(), name="event_reject"),
    path("events/<int:pk>/revoke/", admin_views.EventRevokeView.as_view(), name="event_revoke"),
    path("events/<int:pk>/correct/", admin_views.EventCorrectView.as_view(), name="event_correct"),
    path("files/<slug:kind>/<int:pk>/", admin_views.evidence_download, name="file"),
    path("rounds/", admin_rounds.RoundIndexView.as_view(), name="rounds"),
    path("rounds/add/", admin_rounds.RoundOpenView.as_view(), name="round_add"),
    path("rounds/<int:pk>/", admin_rounds.RoundDetailView.as_view(), name="round"),
    path("rounds/<int:pk>/compute/", admin_rounds.RoundComputeView.as_view(), name="round_compute"),
    path("rounds/<int:pk>/publish/", admin_rounds.RoundPublishView.as_view(), name="round_publish"),
    path("rounds/<int:pk>/finalise/", admin_rounds.RoundFinaliseView.as_view(), name="round_finalise"),
    path("ratings/<int:pk>/", admin_rounds.RatingDetailView.as_view(), name="rating"),
    path("objections/", admin_requests.ObjectionIndexView.as_view(), name="objections"),
    path("objections/<int:pk>/", admin_requests.ObjectionDetailView.as_view(), name="objection"),
    path("objections/<int:pk>/decide/", admin_requests.ObjectionDecideView.as_view(), name="objection_decide"),
    path("repairs/", admin_requests.RepairIndexView.as_view(), name="repairs"),
    path("repairs/<int:pk>/", admin_requests.RepairDetailView.as_view(), name="repair"),
    path("repairs/<int:pk>/decide/", admin_requests.RepairDecideView.as_view(), name="repair_decide"),
    path("lists/", admin_lists.ListIndexView.as_view(), name="lists"),
    path("lists/add/", admin_lists.ListAddView.as_view(), name="list_add"),
    path("lists/<int:pk>/", admin_lists.ListEntryView.as_view(), name="list_entry"),
    path("lists/<int:pk>/remove/", admin_lists.ListRemoveView.as_view(), name="list_remove"),
]


@hooks.register("register_admin_urls")
def register_credit_urls():
    return [path("credit/", include((urlpatterns, "credit_admin")))]


class CreditMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage(request.user)


MENU = (
    (gettext_lazy("Credit records"), "credit_admin:events", "credit-records", "list-ul", 10),
    (gettext_lazy("All rating rounds"), "credit_admin:rounds", "rating-rounds", "table", 20),
    (gettext_lazy("Objections"), "credit_admin:objections", "credit-objections", "warning", 30),
    (gettext_lazy("Credit repairs"), "credit_admin:repairs", "credit-repairs", "resubmit", 40),
    (gettext_lazy("Red and black lists"), "credit_admin:lists", "credit-lists", "list-ol", 50),
)


def _menu_hook(label, url_name, name, icon, order):
    def register():
        return CreditMenuItem(label, reverse(url_name), name=name, icon_name=icon, order=order)

    register.__name__ = f"register_{name.replace('-', '_')}_menu_item"
    return register


for _item in MENU:
    hooks.register(CREDIT_MENU_HOOK, _menu_hook(*_item))


class CreditGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Credit ratings")
    menu_name = "credit"
    menu_icon = "tasks"
    menu_order = 260
    submenu_hook = CREDIT_MENU_HOOK
    items = (SchemeViewSet,)


@hooks.register("register_admin_viewset")
def register_credit_viewsets():
    return CreditGroup()
