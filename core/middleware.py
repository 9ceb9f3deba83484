from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .roles import is_committee_staff

# Paths a committee user without MFA may still reach: the enrolment itself, logout, assets.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/", "/favicon.ico")


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
