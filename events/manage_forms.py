"""Forms of the organisers' console: the registration setup, the setup objects (ticket types, sub-events, quotas,
questions, check-in lists), the registration actions and invitations.

Every form takes ``event``: choices of related objects are limited to the event's own, and the event is set on the
instance before validation. The services (``setup_object_save``, ``quota_save``, …) do the saving."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CheckinList, Question, Quota, Registration, RegistrationSetup, SubEvent, TicketType

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; values are read and shown in Asia/Shanghai time."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def _lines(value) -> list[str]:
    """One option per line, blank lines and repeats dropped, order kept."""
    seen: list[str] = []
    for line in (value or "").splitlines():
        line = line.strip()
        if line and line not in seen:
            seen.append(line)
    return seen


class EventFormMixin:
    """Sets the event on the instance and limits related choices to the event's objects."""

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if getattr(self.instance, "event_id", None) is None and hasattr(self.instance, "event_id"):
            self.instance.event = event
        limits = {"ticket_types": TicketType, "sub_event": SubEvent}
        for name, model in limits.items():
            if name in self.fields:
                self.fields[name].queryset = model.objects.filter(event=event)

    def _unique_name(self, model):
        name = self.cleaned_data.get("name", "").strip()
        clash = model.objects.filter(event=self.event, name=name).exclude(pk=self.instance.pk)
        if name and clash.exists():
            raise forms.ValidationError(_("This event already has one called “%(name)s”.") % {"name": name})
        return name


class SetupForm(forms.ModelForm):
    class Meta:
        model = RegistrationSetup
        fields = ["opens_at", "closes_at", "audience", "associations", "approval_required", "limit_per_firm",
                  "waiting_list", "offer_hours", "contact"]
        widgets = {"opens_at": DateTimeLocalInput(), "closes_at": DateTimeLocalInput(),
                   "associations": forms.CheckboxSelectMultiple}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if self.instance.event_id is None:
            self.instance.event = event

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Registration must close after it opens."))
        if (self.instance.pk and not cleaned.get("waiting_list")
                and Registration.objects.filter(event=self.event, state=Registration.State.WAITING).exists()):
            self.add_error("waiting_list", _("People are on the waiting list: cancel their registrations before "
                                             "turning the waiting list off."))
        if cleaned.get("offer_hours") == 0 and cleaned.get("waiting_list"):
            self.add_error("offer_hours", _("Give the waiting list at least one hour to accept an offer."))
        return cleaned


class TicketTypeForm(EventFormMixin, forms.ModelForm):
    class Meta:
        model = TicketType
        fields = ["name", "description", "approval_required", "invitation_only", "position"]

    def clean_name(self):
        return self._unique_name(TicketType)


class SubEventForm(EventFormMixin, forms.ModelForm):
    class Meta:
        model = SubEvent
        fields = ["name", "starts_at", "ends_at", "location"]
        widgets = {"starts_at": DateTimeLocalInput(), "ends_at": DateTimeLocalInput()}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A sub-event must end after it starts."))
        return cleaned


class QuotaForm(EventFormMixin, forms.ModelForm):
    class Meta:
        model = Quota
        fields = ["name", "size", "ticket_types", "sub_event"]
        widgets = {"ticket_types": forms.CheckboxSelectMultiple}


class QuestionForm(EventFormMixin, forms.ModelForm):
    choices = forms.CharField(label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("One option per line (for one choice and several choices)."))
    show_if_values = forms.CharField(label=_("is one of"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text=_("One answer per line; for a yes-or-no question write yes or no."))

    class Meta:
        model = Question
        fields = ["label", "help_text", "kind", "choices", "required", "ticket_types", "show_if", "show_if_values",
                  "staff_only", "show_at_checkin", "personal_data", "retention_days", "position"]
        widgets = {"ticket_types": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Question.objects.filter(event=self.event)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["show_if"].queryset = others
        if self.instance.pk and not self.is_bound:
            self.initial["choices"] = "\n".join(self.instance.choices or [])
            self.initial["show_if_values"] = "\n".join(str(v) for v in self.instance.show_if_values or [])

    def clean_choices(self):
        return _lines(self.cleaned_data.get("choices"))

    def clean_show_if_values(self):
        return _lines(self.cleaned_data.get("show_if_values"))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in (Question.Kind.CHOICE, Question.Kind.MULTI):
            if len(cleaned.get("choices") or []) < 2:
                self.add_error("choices", _("Give at least two options, one per line."))
        else:
            cleaned["choices"] = []
        if cleaned.get("show_if") and not cleaned.get("show_if_values"):
            self.add_error("show_if_values", _("Give the answers that show this question, one per line."))
        if not cleaned.get("show_if"):
            cleaned["show_if_values"] = []
        show_if = cleaned.get("show_if")
        if show_if is not None and show_if.position >= (cleaned.get("position") or 0):
            self.add_error("show_if", _("A question can only depend on a question asked before it: give it a "
                                        "higher position than “%(question)s” (%(position)d).")
                           % {"question": show_if.label, "position": show_if.position})
        if kind in (Question.Kind.ID_NUMBER, Question.Kind.PHONE) and (
                not cleaned.get("personal_data") or cleaned.get("retention_days") is None):
            self.add_error("retention_days", _("ID numbers and phone numbers are personal data: tick “personal "
                                               "data” and give the days they are kept after the event."))
        if cleaned.get("retention_days") is not None and not cleaned.get("personal_data"):
            self.add_error("retention_days", _("A retention period only applies to personal data: tick "
                                               "“personal data” or leave it empty."))
        return cleaned


class CheckinListForm(EventFormMixin, forms.ModelForm):
    class Meta:
        model = CheckinList
        fields = ["name", "ticket_types", "sub_event", "allow_entry_after_exit"]
        widgets = {"ticket_types": forms.CheckboxSelectMultiple}


#: The setup objects the console edits: kind in the URL → (form, label).
ITEM_FORMS = {
    "tickettypes": (TicketTypeForm, _("ticket type")),
    "subevents": (SubEventForm, _("sub-event")),
    "quotas": (QuotaForm, _("quota")),
    "questions": (QuestionForm, _("question")),
    "checkinlists": (CheckinListForm, _("check-in list")),
}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PriorityForm(forms.Form):
    priority = forms.IntegerField(label=_("Waiting-list priority"), min_value=-100, max_value=100,
                                  help_text=_("Higher first; from -100 to 100."))


class InvitationForm(forms.Form):
    ticket_type = forms.ModelChoiceField(label=_("Ticket type"), queryset=TicketType.objects.none())
    name = forms.CharField(label=_("Guest name"), max_length=50, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    lock_email = forms.BooleanField(label=_("Only for this email"), required=False)
    valid_until = forms.DateTimeField(label=_("Valid until"), required=False, widget=DateTimeLocalInput())

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket_type"].queryset = TicketType.objects.filter(event=event)
