"""Committee roles. They are Django groups that also carry Wagtail admin permissions."""

from django.utils.translation import gettext_lazy as _

COMMITTEE_ADMIN = "委员会管理员"
COMMITTEE_EDITOR = "委员会编辑"
COMMITTEE_GROUPS = (COMMITTEE_ADMIN, COMMITTEE_EDITOR)

ROLE_LABELS = {
    COMMITTEE_ADMIN: _("Committee administrator"),
    COMMITTEE_EDITOR: _("Committee editor"),
}


def _group_names(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._portal_group_names = cached
    return cached


def is_committee_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or COMMITTEE_ADMIN in _group_names(user)


def is_committee_staff(user) -> bool:
    """Committee administrators and editors (the back office)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(_group_names(user) & set(COMMITTEE_GROUPS))
