"""Create the committee groups with their Django and Wagtail permissions (idempotent)."""

from django.contrib.auth.models import Group, Permission

from core.roles import COMMITTEE_ADMIN, COMMITTEE_EDITOR

_ORG_MODELS = ("association", "firm", "membership", "associationstaff", "firmuser", "firmuserinvitation")
_CREDIT_RECORDS = ("creditevent", "ratinground", "rating", "objection", "repair", "listentry")
# 专家库: committee staff keep experts and their relations (for 回避) in the admin; applications, draws, selections and
# evaluations change only through the services (the back-office pages check the committee roles themselves).
_EXPERT_PERMS = (
    [("experts", f"{verb}_{m}") for m in ("expert", "relation") for verb in ("add", "change", "view")]
    + [("experts", f"view_{m}") for m in ("pool", "membership", "application", "draw", "selection", "evaluation")]
)

ADMIN_PERMS = (
    [("wagtailadmin", "access_admin"), ("core", "view_auditentry"), ("core", "view_user")]
    + [("associations", f"{verb}_{m}") for m in _ORG_MODELS for verb in ("add", "change", "delete", "view")]
    # 发文机关 (a snippet in the policy library): administrators keep the list, editors read it.
    + [("portal", f"{verb}_issuingbody") for verb in ("add", "change", "delete", "view")]
    # 节假日安排 (holiday calendar overrides and declared years): administrators keep it, editors read it.
    + [("core", f"{verb}_{m}") for m in ("calendarday", "calendaryear")
       for verb in ("add", "change", "delete", "view")]
    # 征求意见: administrators run consultations and keep the reason templates; comments and their handling are
    # records, changed only through the services (the back-office pages check the committee roles themselves).
    + [("consultations", f"{verb}_{m}") for m in ("consultation", "reasontemplate")
       for verb in ("add", "change", "delete", "view")]
    + [("consultations", f"view_{m}") for m in ("comment", "draftversion", "notice", "response")]
    # 信用评价: administrators keep the rating schemes (drafts; putting in force is checked by the service); records,
    # rounds, ratings, objections, repairs and list entries change only through the services (the back-office
    # pages check the committee roles themselves).
    + [("credit", f"{verb}_creditscheme") for verb in ("add", "change", "delete", "view")]
    + [("credit", f"view_{m}") for m in _CREDIT_RECORDS]
    + _EXPERT_PERMS
)
EDITOR_PERMS = [("wagtailadmin", "access_admin"), ("portal", "view_issuingbody")] + [
    ("associations", f"view_{m}") for m in ("association", "firm", "membership")
] + [("core", "view_calendarday"), ("core", "view_calendaryear")] + [
    ("consultations", f"{verb}_consultation") for verb in ("add", "change", "view")
] + [("consultations", f"{verb}_reasontemplate") for verb in ("add", "change", "view")] + [
    ("consultations", f"view_{m}") for m in ("comment", "draftversion", "notice", "response")
] + [
    # Editors draft rating schemes (they do not delete them); records as for administrators.
    ("credit", f"{verb}_creditscheme") for verb in ("add", "change", "view")
] + [("credit", f"view_{m}") for m in _CREDIT_RECORDS] + _EXPERT_PERMS
PAGE_PERMS = {
    COMMITTEE_ADMIN: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
    COMMITTEE_EDITOR: ("add_page", "change_page"),
}
COLLECTION_PERMS = {
    COMMITTEE_ADMIN: ("add_image", "change_image", "choose_image", "add_document", "change_document",
                      "choose_document"),
    COMMITTEE_EDITOR: ("add_image", "choose_image", "add_document", "choose_document"),
}


def _perms(pairs):
    found = []
    for app_label, codename in pairs:
        perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if perm is not None:
            found.append(perm)
    return found


def ensure_committee_groups(**kwargs):
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    groups = {}
    for name, pairs in ((COMMITTEE_ADMIN, ADMIN_PERMS), (COMMITTEE_EDITOR, EDITOR_PERMS)):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*_perms(pairs))
        groups[name] = group

    root = Page.get_first_root_node()
    collection = Collection.get_first_root_node()
    for name, codenames in PAGE_PERMS.items():
        if root is None:
            break
        for perm in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
            GroupPagePermission.objects.get_or_create(group=groups[name], page=root, permission=perm)
    for name, codenames in COLLECTION_PERMS.items():
        if collection is None:
            break
        for perm in Permission.objects.filter(codename__in=codenames):
            GroupCollectionPermission.objects.get_or_create(
                group=groups[name], collection=collection, permission=perm
            )
    return groups
