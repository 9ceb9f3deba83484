"""Being built (issue 9)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


index = _todo
round_entries = _todo
round_entry = _todo
recuse = _todo
entry_file = _todo
