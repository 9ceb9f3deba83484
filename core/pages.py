"""Fewer queries to find and check a page than Wagtail's defaults.

Wagtail routes a URL one level at a time (the root page's ``.specific``, then a child lookup and a ``.specific``
fetch per path segment) and checks view restrictions with two queries (the ancestors' alias ids, then the
restrictions): a page three levels below the root cost nine queries before its own content. Here
:func:`core.views.serve_page` finds the page with one lookup by ``url_path`` plus its ``.specific`` fetch — Wagtail
keeps ``url_path`` equal to the chain of slugs and no page type of the portal overrides ``route()``, so the walk
and the lookup name the same page, live or 404 as before — and
:class:`PortalPageMixin` checks restrictions in one query.
"""

from django.db.models import Q
from wagtail.models import PageViewRestriction


class PortalPageMixin:
    """Put before ``Page`` in the bases of each page type."""

    @property
    def parent_url(self) -> str:
        """The parent page's URL, cut from this page's own (URLs follow the slugs) instead of fetching the parent."""
        url = self.url or ""
        return url[: url.rstrip("/").rfind("/") + 1]

    def get_view_restrictions(self):
        """The restrictions on this page and its ancestors (an alias's come from its source page), in one query."""
        steplen = self.steplen
        paths = [self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)]
        return PageViewRestriction.objects.filter(Q(page__path__in=paths) | Q(page__aliases__path__in=paths)).distinct()
