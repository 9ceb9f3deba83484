"""Being built (issue 9)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


index = _todo
campaign_edit = _todo
campaign = _todo
category_edit = _todo
campaign_action = _todo
entries = _todo
entry = _todo
panel = _todo
objections = _todo
objection = _todo
