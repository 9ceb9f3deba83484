"""Per-IP rate limits for the views that write or search: a fixed-window counter in the default cache.

``@ratelimit("comment")`` counts the requests of one client IP in the current window (``scope`` + IP + window
number); past the scope's limit the view is not called and the client gets HTTP 429 with ``Retry-After``: the page
``429.html`` or, under ``/api/``, a JSON error like :func:`core.api.error_response`. The counter lives in the
default cache, so every worker shares it when the cache is Redis (``REDIS_URL``); with the local-memory cache it is
per process. ``cache.add`` + ``cache.incr`` keep it atomic (Redis ``INCR``; LocMem takes a lock).

Settings (all optional):
- ``PORTAL_RATE_LIMITS``: ``{scope: "amount/period"}``, period ``s``/``m``/``h``/``d`` optionally with a number
  (``"5/300s"``); merged over :data:`DEFAULT_RATES`.
- ``PORTAL_RATE_LIMITS_ENABLED``: ``False`` turns every limit off (the test settings do, tests turn it back on).
- ``PORTAL_TRUSTED_PROXIES``: how many reverse proxies in front of the app append to ``X-Forwarded-For`` (like
  allauth's ``ALLAUTH_TRUSTED_PROXY_COUNT``); 0, the default, means the header is ignored and ``REMOTE_ADDR`` counts.

Login and password reset are limited by allauth itself (``ACCOUNT_RATE_LIMITS``); it renders the same 429.html.
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

DEFAULT_RATES = {
    "login": "10/m",
    "password_reset": "5/m",
    "comment": "10/m",
    "registration": "10/m",
    "objection": "5/m",
    "search": "60/m",
    "api": "120/m",
}
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
IPV6_PREFIX = 64  # one household or server gets a /64: count them as one client


@dataclass(frozen=True)
class Rate:
    amount: int
    period: int  # seconds


def parse_rate(text: str) -> Rate:
    """``"10/m"`` → Rate(10, 60); ``"5/300s"`` → Rate(5, 300). ValueError for anything else."""
    amount, sep, period = str(text).strip().partition("/")
    if not sep or not period or period[-1] not in UNITS:
        raise ValueError(f"Bad rate {text!r}: use amount/period such as 10/m or 5/300s")
    count = int(period[:-1]) if period[:-1] else 1
    rate = Rate(int(amount), count * UNITS[period[-1]])
    if rate.amount < 1 or rate.period < 1:
        raise ValueError(f"Bad rate {text!r}: amount and period must be positive")
    return rate


def rate_for(scope: str, default: str | None = None) -> Rate:
    rates = {**DEFAULT_RATES, **(getattr(settings, "PORTAL_RATE_LIMITS", None) or {})}
    return parse_rate(rates.get(scope) or default or DEFAULT_RATES["api"])


def _clean_ip(value: str) -> str | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6:
        return str(ipaddress.IPv6Network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return str(address)


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the trusted proxies saw when ``PORTAL_TRUSTED_PROXIES`` says there are some."""
    proxies = int(getattr(settings, "PORTAL_TRUSTED_PROXIES", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            ip = _clean_ip(hops[-proxies])
            if ip:
                return ip
    return _clean_ip(request.META.get("REMOTE_ADDR", "")) or "unknown"


def hit(scope: str, ip: str, rate: Rate, now: float | None = None) -> tuple[bool, int]:
    """Count one request; (allowed, seconds until the window ends)."""
    now = time.time() if now is None else now
    window = int(now // rate.period)
    retry_after = max(1, math.ceil((window + 1) * rate.period - now))
    key = f"portal:rl:{scope}:{ip}:{rate.period}:{window}"
    cache.add(key, 0, timeout=rate.period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens the window again
        cache.add(key, 1, timeout=rate.period + 5)
        count = 1
    return count <= rate.amount, retry_after


def too_many_requests(request, retry_after: int | None = None):
    """The 429 answer: JSON under /api/, else the 429.html page; ``Retry-After`` when the wait is known. Never cached.

    allauth's own limits (login, password reset) render 429.html without a wait: the page then says "later"."""
    if retry_after:
        message = _("Too many requests. Please try again in %(seconds)s seconds.") % {"seconds": retry_after}
    else:
        message = _("Too many requests. Please try again later.")
    if request.path.startswith("/api/"):
        from core.api import error_response

        response = error_response(message, status=429)
    else:
        response = render(request, "429.html", {"retry_after": retry_after, "message": message}, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def ratelimit(scope: str, rate: str | None = None, methods=("POST",)):
    """Limit the decorated view per client IP for requests whose method is in ``methods``.

    ``rate`` is the fallback when ``PORTAL_RATE_LIMITS`` and :data:`DEFAULT_RATES` do not name ``scope``."""
    limited = {m.upper() for m in methods}

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in limited and getattr(settings, "PORTAL_RATE_LIMITS_ENABLED", True):
                allowed, retry_after = hit(scope, client_ip(request), rate_for(scope, rate))
                if not allowed:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
