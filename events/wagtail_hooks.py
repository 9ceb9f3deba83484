"""The events back office: a Wagtail admin menu item "活动报名管理" leading to the organisers' console
(/me/events/manage/, a portal page that also works for association staff and on a phone)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .permissions import can_manage_any


class EventsManageMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_any(request.user)


@hooks.register("register_admin_menu_item")
def register_events_manage_menu_item():
    return EventsManageMenuItem(gettext_lazy("Event registration management"), reverse("events_manage:index"),
                                name="events-manage", icon_name="date", order=450)
