"""Public event views (being built: see issue 8)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


register = event_ics = invitation = ticket = ticket_qr = ticket_ics = _todo
