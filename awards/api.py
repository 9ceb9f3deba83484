"""Being built (issue 9)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


campaign_list = _todo
campaign_detail = _todo
