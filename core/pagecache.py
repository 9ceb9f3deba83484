"""The anonymous page cache: whole responses of public pages, for visitors who are not signed in.

A burst of anonymous readers (a new policy, the last day of a consultation, a credit 公示) is served from memory
instead of rendering the same page again. What makes it safe:

* **Who**: only GET requests without a session or messages cookie and without an Authorization header; anyone
  signed in (or with a flash message waiting) always gets a freshly rendered page.
* **What is stored**: a 200 response with an HTML, JSON, XML or feed body that sets no cookie (so no page whose form
  needed a CSRF token — Django sets the cookie then), is not ``private``/``no-store``/``no-cache`` and is not under the
  back office, the workspace (/me/), accounts, documents or media.
* **Invalidation by generation**: the content is split into domains (pages, associations, consultations, credit,
  experts, events, awards). Each URL depends on some of them (:data:`PATH_DOMAINS`; everything else — home, policy
  pages, search — depends on all) and its cache key contains their current generations. A committed change bumps
  its domain's generation, so the very next request misses and renders the new state; the old entries simply
  expire. A change is any save or delete of a model of a domain app (signals), any audit entry (services also change
  rows with ``update()``/``bulk_create``, and they always audit) and Wagtail's publish, unpublish and move.
* **Shared across workers**: bodies live in the ``pages`` cache (local memory per worker by default, Redis when
  ``REDIS_URL`` is set); generations must be seen by every worker at once, so they live in one small file under
  ``PAGE_CACHE_DIR`` (replaced atomically under a lock; several gunicorn workers on one host), or in Redis.
* Entries also expire after ``PAGE_CACHE_SECONDS`` (60 s), which bounds how long a time-dependent label (还剩 3 天,
  a deadline passing) can lag behind the clock; no state change waits for it.

Responses carry ``X-Page-Cache: hit`` or ``miss``. Rate limits run in the views, so a cached page is not counted.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse

DOMAINS = ("pages", "associations", "consultations", "credit", "experts", "events", "awards")
ALL = frozenset(DOMAINS)

# Longest prefix first wins; a path under none of them depends on every domain.
PATH_DOMAINS: tuple[tuple[str, frozenset[str]], ...] = (
    ("/consultations/", frozenset({"consultations", "associations"})),
    ("/api/v1/consultations/", frozenset({"consultations", "associations"})),
    ("/credit/", frozenset({"credit", "associations"})),
    ("/api/v1/credit/", frozenset({"credit", "associations"})),
    ("/experts/", frozenset({"experts", "associations"})),
    ("/api/v1/experts/", frozenset({"experts", "associations"})),
    ("/events/", frozenset({"pages", "events", "associations"})),
    ("/api/v1/policies/", frozenset({"pages"})),
)
EXCLUDED_PREFIXES = ("/admin/", "/me/", "/accounts/", "/documents/", "/i18n/", "/django-admin/")
CACHEABLE_TYPES = ("text/html", "application/json", "application/xml", "text/xml", "application/rss+xml",
                   "application/atom+xml")
NO_STORE = ("private", "no-store", "no-cache")
MAX_BODY = 1024 * 1024  # a larger response is rendered every time rather than held in every worker's memory

# Which domain a change of a model in an app belongs to (models of other apps — sessions, users, the cache table —
# change nothing a public page shows).
APP_DOMAINS = {
    "associations": "associations", "consultations": "consultations", "credit": "credit", "experts": "experts",
    "events": "events", "awards": "awards", "portal": "pages", "wagtailcore": "pages", "wagtailimages": "pages",
    "wagtaildocs": "pages", "wagtailredirects": "pages", "wagtailembeds": "pages", "taggit": "pages",
    "wagtailsettings": "pages", "wagtailforms": "pages", "wagtail": "pages",
}
# Bookkeeping rows that no public page shows (a rendition is created while a page renders: it must not invalidate).
IGNORED_MODELS = frozenset({
    "wagtailcore.revision", "wagtailcore.pagelogentry", "wagtailcore.modellogentry", "wagtailcore.pagesubscription",
    "wagtailcore.workflowstate", "wagtailcore.taskstate", "wagtailcore.comment", "wagtailcore.commentreply",
    "wagtailcore.referenceindex", "wagtailcore.uploadedfile", "wagtailimages.rendition",
})


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE_ENABLED", False))


def _body_cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "pages")]


# --- generations ----------------------------------------------------------------------------------------------
class FileGenerations:
    """Generations in one JSON file, replaced atomically (write + rename) under an exclusive flock."""

    def __init__(self, directory):
        self.dir = Path(directory)
        self.path = self.dir / "generations.json"

    def read(self) -> dict[str, int]:
        try:
            with open(self.path, "rb") as fh:
                return json.loads(fh.read() or b"{}")
        except (FileNotFoundError, ValueError):
            return {}

    def bump(self, domains) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.dir / "generations.lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            current = self.read()
            for domain in domains:
                current[domain] = current.get(domain, 0) + 1
            tmp = self.dir / f"generations.{os.getpid()}.tmp"
            tmp.write_text(json.dumps(current, sort_keys=True))
            os.replace(tmp, self.path)
        finally:
            os.close(fd)


class CacheGenerations:
    """Generations in the shared (Redis) cache: one counter per domain."""

    def __init__(self, cache):
        self.cache = cache

    def read(self) -> dict[str, int]:
        found = self.cache.get_many([f"pagecache:gen:{d}" for d in DOMAINS])
        return {key.rsplit(":", 1)[1]: value for key, value in found.items()}

    def bump(self, domains) -> None:
        for domain in domains:
            key = f"pagecache:gen:{domain}"
            if not self.cache.add(key, 1, timeout=None):
                self.cache.incr(key)


def generations():
    if getattr(settings, "PAGE_CACHE_SHARED_GENERATIONS", False):
        return CacheGenerations(_body_cache())
    return FileGenerations(getattr(settings, "PAGE_CACHE_DIR", Path(settings.BASE_DIR) / "var" / "pagecache"))


def bump(*domains: str) -> None:
    """Invalidate every cached page depending on ``domains`` (now: call it after the change is committed)."""
    generations().bump(domains)


def bump_on_commit(domain: str) -> None:
    """Bump ``domain`` when the current transaction commits (at once outside one), once per transaction."""
    if not enabled():
        return
    if connection.in_atomic_block:
        for entry in connection.run_on_commit:
            if getattr(entry[1], "pagecache_domain", None) == domain:
                return

    def callback():
        bump(domain)

    callback.pagecache_domain = domain
    transaction.on_commit(callback)


def model_changed(sender, **kwargs) -> None:
    """post_save / post_delete receiver: a change of a model of a domain app invalidates that domain."""
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.label_lower in IGNORED_MODELS:
        return
    domain = APP_DOMAINS.get(meta.app_label)
    if domain:
        bump_on_commit(domain)


def audit_recorded(sender, instance, created=False, **kwargs) -> None:
    """post_save receiver of AuditEntry: services change rows with update() and bulk_create too, and audit each."""
    if not created:
        return
    domain = APP_DOMAINS.get(instance.object_type.split(".", 1)[0]) or APP_DOMAINS.get(instance.action.split(".")[0])
    if domain:
        bump_on_commit(domain)


def page_changed(sender, **kwargs) -> None:
    """Wagtail's page_published / page_unpublished / post_page_move."""
    bump_on_commit("pages")


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from .models import AuditEntry

    post_save.connect(model_changed, dispatch_uid="pagecache.model_saved")
    post_delete.connect(model_changed, dispatch_uid="pagecache.model_deleted")
    post_save.connect(audit_recorded, sender=AuditEntry, dispatch_uid="pagecache.audit")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(page_changed, dispatch_uid=f"pagecache.{id(signal)}")


# --- the middleware ---------------------------------------------------------------------------------------------
def path_domains(path: str) -> frozenset[str]:
    for prefix, domains in PATH_DOMAINS:
        if path.startswith(prefix):
            return domains
    return ALL


def _eligible(request) -> bool:
    if request.method != "GET" or not enabled():
        return False
    if request.path.startswith(EXCLUDED_PREFIXES) or request.META.get("HTTP_AUTHORIZATION"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request, gens: dict[str, int]) -> str:
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    parts = [request.scheme, request.get_host(), request.get_full_path(), language]
    parts += [f"{d}={gens.get(d, 0)}" for d in sorted(path_domains(request.path))]
    return "pagecache:page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    if content_type not in CACHEABLE_TYPES or len(response.content) > MAX_BODY:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in NO_STORE)


class PageCacheMiddleware:
    """Serve and store anonymous public pages (see the module docstring). Sits after WhiteNoise and before the
    session middleware, so a hit costs neither a session lookup nor a database query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = _key(request, generations().read())
        stored = _body_cache().get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(request, response):
            headers = [(name, value) for name, value in response.items() if name.lower() != "x-page-cache"]
            timeout = getattr(settings, "PAGE_CACHE_SECONDS", 60)
            _body_cache().set(key, (response.status_code, headers, response.content), timeout)
            response["X-Page-Cache"] = "miss"
        return response
