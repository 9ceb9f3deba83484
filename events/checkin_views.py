"""Check-in at the door, in the organisers' console: the event's check-in lists with live counts, the scanning page
(phone-friendly; a hardware scanner types the QR text and Enter, the camera is offered by events-checkin.js where
the browser has a BarcodeDetector) and the counts as JSON for the page's polling.

Only the event's organisers (events.permissions.can_manage_event) reach these pages; others get 404.
"""

import secrets

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from . import checkin_selectors as selectors
from . import services
from .models import Checkin, EventPage
from .permissions import can_manage_event

POLL_SECONDS = 10


class ScanForm(forms.Form):
    payload = forms.CharField(
        label=_("Ticket QR code or ticket code"), max_length=300, strip=True,
        error_messages={"required": _("Scan the ticket's QR code or type its code.")},
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false", "enterkeyhint": "go", "class": "checkin-input",
                                      "data-checkin-input": ""}),
    )
    kind = forms.ChoiceField(label=_("Scan for"), choices=Checkin.Kind.choices, initial=Checkin.Kind.ENTRY,
                             widget=forms.RadioSelect)
    nonce = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    @classmethod
    def fresh(cls, kind=Checkin.Kind.ENTRY):
        """An empty form for the next scan, with a new nonce (a double submit of it is recorded once)."""
        return cls(initial={"kind": kind, "nonce": secrets.token_urlsafe(24)})


def _managed_event(request, event_id: int) -> EventPage:
    event = get_object_or_404(EventPage, pk=event_id)
    if not can_manage_event(request.user, event):
        raise Http404
    return event


def _managed_list(request, list_id: int):
    checkin_list = selectors.checkin_list(list_id)
    if checkin_list is None or not can_manage_event(request.user, checkin_list.event):
        raise Http404
    return checkin_list


@login_required
@require_GET
def lists(request, event_id):
    event = _managed_event(request, event_id)
    checkin_lists = selectors.checkin_lists(event)
    counts = selectors.counts(checkin_lists)
    rows = [{"list": cl, "counts": counts[cl.pk], "ticket_types": list(cl.ticket_types.all())}
            for cl in checkin_lists]
    return render(request, "events/manage/checkin_lists.html",
                  {"event": event, "rows": rows, "section": "events"})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def scan(request, list_id):
    checkin_list = _managed_list(request, list_id)
    result, sub_events = None, []
    if request.method == "POST":
        form = ScanForm(request.POST)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            result = services.scan(checkin_list, payload=form.cleaned_data["payload"], actor=request.user,
                                   kind=kind, nonce=form.cleaned_data["nonce"])
            if result.registration is not None:
                sub_events = list(result.registration.sub_events.all())
            form = ScanForm.fresh(kind)
        elif not form.data.get("nonce"):
            form.data = form.data.copy()
            form.data["nonce"] = secrets.token_urlsafe(24)
    else:
        form = ScanForm.fresh()
    counts = selectors.counts([checkin_list])[checkin_list.pk]
    context = {"event": checkin_list.event, "checkin_list": checkin_list, "form": form, "result": result,
               "sub_events": sub_events, "counts": counts, "poll_seconds": POLL_SECONDS, "section": "events"}
    return render(request, "events/manage/checkin.html", context)


@login_required
@require_GET
def counts(request, list_id):
    checkin_list = _managed_list(request, list_id)
    response = JsonResponse(selectors.counts([checkin_list])[checkin_list.pk].as_dict())
    response["Cache-Control"] = "private, no-store"
    return response
