"""Public credit pages (placeholder until the lookup is built)."""

from portal.views import coming_soon


def lookup(request):
    return coming_soon(request, section="credit")
