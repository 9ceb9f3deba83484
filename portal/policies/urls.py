"""Feeds, sitemap, robots.txt and the public API of the policy library (mounted at the site root)."""

urlpatterns = []
