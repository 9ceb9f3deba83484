"""Being built (issue 9)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


round_edit = _todo
round_detail = _todo
criterion_edit = _todo
round_action = _todo
results_xlsx = _todo
