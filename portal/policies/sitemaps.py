"""Discovery: /sitemap.xml (every live, public page, through Wagtail's sitemap) and /robots.txt."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

CACHE_SECONDS = 3600

# Paths crawlers are asked to leave alone: the back office, personal pages and the account screens.
DISALLOWED_PATHS = ["/admin/", "/me/", "/accounts/"]


@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def sitemap(request):
    """All live, public pages of the current Wagtail site; page URLs use the Site's hostname and port."""
    return wagtail_sitemap(request)


@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def robots_txt(request):
    context = {
        "disallowed_paths": DISALLOWED_PATHS,
        "sitemap_url": request.build_absolute_uri(reverse("sitemap")),
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")
