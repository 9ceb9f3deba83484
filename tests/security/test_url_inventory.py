"""Every URL pattern of the project is in a permission matrix or in the commented allow-list below.

The inventory comes from the resolver (tests/url_matrix.url_inventory). A URL is covered by a row of one of the five
app matrices (tests/<app>/test_permission_matrix.py), by a row of tests/security/test_permission_matrix_core.py, or
by the allow-list of framework-owned URLs. A new project URL without a row fails here with its name.
"""

import importlib

from django.conf import settings

from tests.security.test_permission_matrix_core import COVERED as CORE_COVERED
from tests.url_matrix import url_inventory

APPS = ("consultations", "credit", "experts", "events", "awards")

# Wagtail's own admin and serving URLs, by name or namespace prefix. Their access rules are Wagtail's (access_admin,
# page/collection/model permissions granted in associations/roles_setup.py); the project's pages in the admin have
# rows in the matrices instead. Exceptions that ARE project code: `wagtail_serve` (our pages: home, policy library,
# events, awards — rows in the core matrix) and the 发文机关 snippet `wagtailsnippets_portal_issuingbody` (core rows).
WAGTAIL_PREFIXES = (
    "wagtail_bulk_action",  # Wagtail bulk actions on pages/images/documents/users (model permissions)
    "wagtailadmin",  # admin home, login/logout, page explorer and editor, choosers, workflows, reports, account
    "wagtailcore_",  # page privacy (password/login) forms
    "wagtaildocs",  # documents admin, chooser, serve (collection permissions; private docs tested in tests/portal)
    "wagtailembeds",
    "wagtailforms",
    "wagtailimages",
    "wagtailredirects",
    "wagtailsettings",
    "wagtailsites",
    "wagtailsnippetchoosers_portal_issuingbody",  # the chooser modal of the snippet (admin-only, Wagtail's view)
    "wagtailsnippets:",  # the snippet index across models
    "wagtailusers",  # users and groups (admin-only in Wagtail)
)
# Unnamed Wagtail admin patterns, by route.
WAGTAIL_ROUTES = {
    "admin/test404/",  # Wagtail's 404 preview for the admin
    "admin/^.*/$",  # Wagtail's admin catch-all (a 404 page inside the admin)
}
# django-allauth: sign-in, sign-up, password, email and MFA screens, and the session list. allauth decides who may
# use them; our configuration of them is tested in tests/portal/test_accounts.py and tests/portal/test_settings.py.
ALLAUTH_NAMES = {
    "account_login", "account_logout", "account_inactive", "account_signup", "account_reauthenticate",
    "account_email", "account_email_verification_sent", "account_change_password", "account_set_password",
    "account_reset_password", "account_confirm_login_code", "account_reset_password_from_key_done",
    "account_reset_password_from_key", "account_reset_password_done", "account_request_login_code",
    "mfa_index", "mfa_authenticate", "mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp",
    "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes",
    "usersessions_list",
}
# Django's language switch (open to all by design; tested in tests/portal/test_pages.py).
DJANGO_NAMES = {"set_language"}
# Static files and the DEBUG-only media route are not URL patterns under the test settings (DEBUG is off): the
# web server serves them. test_static_and_media_are_not_routes_under_test checks that this stays so.


def _app_covered() -> set[str]:
    keys = set()
    for app in APPS:
        keys |= set(importlib.import_module(f"tests.{app}.test_permission_matrix").MATRIX)
    return keys


def _allowed(key: str, route: str) -> bool:
    return (key.startswith(WAGTAIL_PREFIXES) or route in WAGTAIL_ROUTES or key in ALLAUTH_NAMES
            or key in DJANGO_NAMES)


def classify() -> dict[str, set[str]]:
    app, core = _app_covered(), CORE_COVERED
    groups = {"app": set(), "core": set(), "allowed": set(), "missing": set()}
    for key, route in url_inventory():
        if key in app:
            groups["app"].add(key)
        elif key in core or route in core:
            groups["core"].add(key)
        elif _allowed(key, route):
            groups["allowed"].add(key)
        else:
            groups["missing"].add(f"{key} ({route})")
    return groups


def test_every_project_url_has_a_permission_row():
    missing = classify()["missing"]
    assert not missing, f"URLs without a permission-matrix row or an allow-list entry: {sorted(missing)}"


def test_matrix_rows_name_existing_urls():
    """A row for a URL that no longer exists is a stale row (a renamed URL would otherwise go untested)."""
    keys = {key for key, _route in url_inventory()} | {route for _key, route in url_inventory()}
    stale = (_app_covered() | CORE_COVERED) - keys
    assert not stale, f"matrix rows for URLs that do not exist: {sorted(stale)}"


def test_allow_list_entries_are_used():
    inventory = url_inventory()
    names = {key for key, _route in inventory}
    routes = {route for _key, route in inventory}
    unused = (ALLAUTH_NAMES | DJANGO_NAMES) - names | WAGTAIL_ROUTES - routes
    unused |= {prefix for prefix in WAGTAIL_PREFIXES if not any(name.startswith(prefix) for name in names)}
    assert not unused, f"allow-list entries that match no URL: {sorted(unused)}"


def test_project_namespaces_are_never_allow_listed():
    """The allow-list holds framework URLs only: nothing of ours hides behind a Wagtail prefix."""
    ours = [key for key, route in url_inventory()
            if _allowed(key, route) and key.split(":")[0] in {"wagtail_serve", "wagtailsnippets_portal_issuingbody"}]
    assert not ours


def test_static_and_media_are_not_routes_under_test():
    routes = [route for _key, route in url_inventory()]
    assert not settings.DEBUG
    assert not [r for r in routes if r.startswith((settings.STATIC_URL.lstrip("/"), settings.MEDIA_URL.lstrip("/")))]


def test_every_url_is_counted_once():
    """Each distinct URL key falls in exactly one group; all three sources take part."""
    groups = classify()
    keys = {key for key, _route in url_inventory()}
    assert sum(len(group) for group in groups.values()) == len(keys)
    assert groups["app"] and groups["core"] and groups["allowed"]
