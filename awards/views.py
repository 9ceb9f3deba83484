"""Being built (issue 9)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


index = _todo
detail = _todo
objection = _todo
certificate = _todo
