"""The awards back office: a Wagtail admin menu item "评比管理" leading to the organisers' console
(/me/awards/manage/, a portal page that also works for association staff)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .permissions import can_manage_any


class AwardsManageMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_any(request.user)


@hooks.register("register_admin_menu_item")
def register_awards_manage_menu_item():
    return AwardsManageMenuItem(gettext_lazy("Award campaigns management"), reverse("awards_manage:index"),
                                name="awards-manage", icon_name="pick", order=460)
