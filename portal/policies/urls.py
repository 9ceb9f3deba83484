"""Feeds, sitemap, robots.txt and the public API of the policy library (mounted at the site root)."""

from django.urls import path

from . import api, sitemaps
from .feeds import PolicyAtomFeed, PolicyFeed

urlpatterns = [
    path("policies/rss/", PolicyFeed.as_view(), name="policy_feed_rss"),
    path("policies/atom/", PolicyAtomFeed.as_view(), name="policy_feed_atom"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("api/v1/policies/", api.policy_list, name="policy_api_list"),
    path("api/v1/policies/<int:pk>/", api.policy_detail_view, name="policy_api_detail"),
    path("api/v1/policies/<path:rest>", api.not_found),
]
