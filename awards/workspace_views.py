"""Being built (issue 9)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


index = _todo
entry_new = _todo
entry = _todo
entry_submit = _todo
entry_withdraw = _todo
entry_file_add = _todo
entry_file = _todo
