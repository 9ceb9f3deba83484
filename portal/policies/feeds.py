"""RSS 2.0 (/policies/rss/) and Atom (/policies/atom/) feeds of the latest policies, optionally of one 类别.

Each item carries the 文号 twice: in the title, as Chinese government sites show it (“标题（成城管发〔2024〕12号）”),
and as a Dublin Core <dc:identifier> element for programs. The 类别 label and the topic tags are <category> elements;
the issuing body is the author.

`?category=<value>` filters by 类别; an unknown value is answered with 400 and a message listing the valid values.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .models import Category, PolicyIndexPage
from .selectors import PolicyFilters, filter_policies, live_policies

FEED_SIZE = 50
CACHE_SECONDS = 300
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
SHANGHAI = ZoneInfo("Asia/Shanghai")


class _DublinCoreMixin:
    """Adds <dc:identifier> (the 文号) to each item."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("document_number"):
            handler.addQuickElement("dc:identifier", item["document_number"])


class PolicyRssGenerator(_DublinCoreMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NAMESPACE}


class PolicyAtomGenerator(_DublinCoreMixin, Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:dc": DC_NAMESPACE}


def policy_pubdate(page) -> datetime.datetime | None:
    """发布日期 at midnight in Shanghai; the first publication time when the date is missing."""
    if page.date_published:
        return datetime.datetime.combine(page.date_published, datetime.time.min, tzinfo=SHANGHAI)
    return page.first_published_at


def feed_title(page) -> str:
    return f"{page.title}（{page.document_number}）" if page.document_number else page.title


class PolicyFeed(Feed):
    """One instance per request (see `as_view`), so the request can be kept on it for page URLs."""

    feed_type = PolicyRssGenerator

    def __init__(self, request):
        self.request = request
        self.category = None

    @classmethod
    def as_view(cls):
        @require_safe
        @cache_control(public=True, max_age=CACHE_SECONDS)
        def view(request):
            return cls(request)(request)

        return view

    def __call__(self, request, *args, **kwargs):
        filters = PolicyFilters.from_params({"category": request.GET.get("category", "")})
        if filters.ignored:
            message = _("Unknown category “%(value)s”. Use one of: %(choices)s.") % {
                "value": request.GET.get("category", "").strip(),
                "choices": ", ".join(Category.values),
            }
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        self.category = filters.category or None
        return super().__call__(request, *args, **kwargs)

    # --- channel -------------------------------------------------------------------
    def title(self):
        site = settings.WAGTAIL_SITE_NAME
        if self.category:
            return _("%(category)s · Policy documents · %(site)s") % {
                "category": Category(self.category).label,
                "site": site,
            }
        return _("Policy documents · %(site)s") % {"site": site}

    def description(self):
        if self.category:
            return _(
                "The latest policy documents of the category “%(category)s” published by the urban management "
                "committee."
            ) % {"category": Category(self.category).label}
        return _(
            "The latest laws, rules, normative documents, standards, notices and policy interpretations "
            "published by the urban management committee."
        )

    def link(self):
        index = PolicyIndexPage.objects.live().first()
        url = (index.get_url(self.request) if index else None) or "/"
        return f"{url}?category={self.category}" if self.category else url

    def author_name(self):
        return settings.WAGTAIL_SITE_NAME

    def feed_url(self):
        return self.request.get_full_path()

    # --- items ---------------------------------------------------------------------
    def items(self):
        qs = filter_policies(live_policies(), PolicyFilters(category=self.category or ""))
        return qs.defer_streamfields().prefetch_related("tags")[:FEED_SIZE]

    def item_title(self, item):
        return feed_title(item)

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return policy_pubdate(item)

    def item_updateddate(self, item):
        return item.last_published_at or policy_pubdate(item)

    def item_author_name(self, item):
        return item.issuing_body.name

    def item_categories(self, item):
        return [str(Category(item.category).label), *sorted(tag.name for tag in item.tags.all())]

    def item_extra_kwargs(self, item):
        return {"document_number": item.document_number}


class PolicyAtomFeed(PolicyFeed):
    feed_type = PolicyAtomGenerator

    def subtitle(self):
        return self.description()
