"""The registration form: attendee details, ticket type, sub-events and the event's questions as form fields.

Used by the public registration page, by association staff registering a colleague, by the attendee editing a
registration and by the organisers (who also see staff-only questions). Each answer is validated by the same
function the service uses (``validate_answer``), so errors appear at the field; the service checks again.
Conditional questions carry ``data-show-if`` / ``data-show-values`` attributes for static/js/events-form.js; a
hidden conditional question is simply not saved, and a required one is only required when shown.
"""

from django import forms
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from .models import Answer, Question, SubEvent, TicketType
from .services.questions import applicable, is_shown, validate_answer

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def question_field(question: Question) -> forms.Field:
    kind, common = question.kind, {"label": question.label, "required": False, "help_text": question.help_text}
    if kind == Question.Kind.CHOICE:
        field = forms.ChoiceField(choices=[("", "—"), *((c, c) for c in question.choices)], **common)
    elif kind == Question.Kind.MULTI:
        field = forms.MultipleChoiceField(choices=[(c, c) for c in question.choices],
                                          widget=forms.CheckboxSelectMultiple, **common)
    elif kind == Question.Kind.YESNO:
        field = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    elif kind == Question.Kind.PHONE:
        field = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel",
                                                                            "autocomplete": "tel"}), **common)
    elif kind == Question.Kind.ID_NUMBER:
        field = forms.CharField(max_length=24, widget=forms.TextInput(attrs={"autocomplete": "off"}), **common)
    elif kind == Question.Kind.COMPANY:
        field = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "organization"}),
                                **common)
    else:
        field = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}), **common)
    attrs = field.widget.attrs
    types = [str(tt.pk) for tt in question.ticket_types.all()]
    if types:
        attrs["data-ticket-types"] = "|".join(types)
    if question.required:
        attrs["data-required"] = "true"
    if question.show_if_id:
        attrs["data-show-if"] = f"q{question.show_if_id}"
        attrs["data-show-values"] = "|".join(str(v) for v in question.show_if_values)
    field.question = question
    return field


def initial_answers(registration) -> dict:
    """The registration's answers as form initial data (answers and questions loaded once, unless already)."""
    prefetch_related_objects([registration], Prefetch("answers", queryset=Answer.objects.select_related("question")))
    initial = {}
    for answer in registration.answers.all():
        value = answer.value
        if value is True:
            value = "yes"
        elif value is False:
            value = "no"
        initial[answer.question.field_name] = value
    return initial


class RegistrationForm(forms.Form):
    """``questions``: the event's questions (with ``ticket_types`` prefetched); ``ticket_types`` to choose from
    (one is fixed by an invitation or an existing registration: pass ``fixed_ticket_type``)."""

    name = forms.CharField(label=_("Name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"), help_text=_("The ticket is sent to this address."))
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    ticket_type = forms.ModelChoiceField(label=_("Ticket type"), queryset=TicketType.objects.none(),
                                         empty_label=None, widget=forms.RadioSelect)
    sub_events = forms.ModelMultipleChoiceField(label=_("Also attend"), queryset=SubEvent.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, data=None, *, event, questions, ticket_types, sub_events=(), staff=False,
                 fixed_ticket_type=None, lock_email=False, editing=False, initial=None):
        super().__init__(data, initial=initial)
        self.event, self.staff = event, staff
        self.all_questions = list(questions)
        if fixed_ticket_type is not None:
            self.fields["ticket_type"].queryset = TicketType.objects.filter(pk=fixed_ticket_type.pk)
            self.fields["ticket_type"].initial = fixed_ticket_type.pk
            self.fields["ticket_type"].disabled = True
        else:
            self.fields["ticket_type"].queryset = TicketType.objects.filter(pk__in=[t.pk for t in ticket_types])
            if len(ticket_types) == 1:
                self.fields["ticket_type"].initial = ticket_types[0].pk
        if sub_events and not editing:
            self.fields["sub_events"].queryset = SubEvent.objects.filter(pk__in=[s.pk for s in sub_events])
        else:
            del self.fields["sub_events"]
        if lock_email or editing:
            self.fields["email"].disabled = True
        for question in self.all_questions:
            if question.staff_only and not staff:
                continue
            self.fields[question.field_name] = question_field(question)

    def questions_for(self, ticket_type_id) -> list[Question]:
        return applicable(self.all_questions, ticket_type_id, staff=self.staff)

    def clean(self):
        cleaned = super().clean()
        ticket_type = cleaned.get("ticket_type")
        if ticket_type is None:
            return cleaned
        answers: dict[int, object] = {}
        for question in self.questions_for(ticket_type.pk):
            if not is_shown(question, answers):
                continue
            try:
                answers[question.pk] = validate_answer(question, cleaned.get(question.field_name))
            except DomainError as exc:
                self.add_error(question.field_name, exc.message)
        return cleaned

    def raw_answers(self) -> dict:
        """Field name → submitted value, for the service (which validates again)."""
        return {q.field_name: self.cleaned_data.get(q.field_name) for q in self.all_questions
                if q.field_name in self.cleaned_data}

    def question_fields(self):
        """Bound fields of the questions, in order, for the template."""
        return [self[q.field_name] for q in self.all_questions if q.field_name in self.fields]
