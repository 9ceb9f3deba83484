from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .roles import is_committee_staff

# Paths a committee user without MFA may still reach: the enrolment itself, logout, assets.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/", "/favicon.ico")


class NulCharacterMiddleware:
    """No URL holds a NUL character, and PostgreSQL can neither store nor compare one: a NUL in the path is a 404,
    NULs in query-string keys and values become U+FFFD before any view sees them, so a value stays as invalid as it
    was ("la\\x00w" is not the category "law") and a search for "\\x00照明" finds 照明. Form fields refuse NULs
    themselves (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        query = request.GET
        if any("\x00" in key or any("\x00" in value for value in query.getlist(key)) for key in query):
            cleaned = QueryDict(mutable=True)
            for key in query:
                cleaned.setlist(key.replace("\x00", "\ufffd"),
                                [value.replace("\x00", "\ufffd") for value in query.getlist(key)])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class CommitteeMFAMiddleware:
    """With PORTAL_REQUIRE_MFA_FOR_COMMITTEE on, committee staff without TOTP are sent to enrol."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PORTAL_REQUIRE_MFA_FOR_COMMITTEE
            and request.user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and is_committee_staff(request.user)
            and not _has_totp(request.user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class PortalLocaleMiddleware:
    """Chinese first: the language is zh-hans unless the visitor chose another with the switcher (cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an official whose browser is set to
    English would get an English portal without asking for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        return response


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the looser PORTAL_CSP_ADMIN_DIRECTIVES under the Wagtail admin's prefix.

    Public and /me/ pages keep CONTENT_SECURITY_POLICY (no 'unsafe-inline'); a view's own csp_* decorators win.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(settings.PORTAL_CSP_ADMIN_PREFIXES))
        ):
            parts.config = dict(settings.PORTAL_CSP_ADMIN_DIRECTIVES)
        return parts
