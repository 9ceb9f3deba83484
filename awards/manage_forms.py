"""Forms of the organisers' console: the campaign (fully editable in draft; after opening only the summary, rules
and ceremony), categories, the eligibility review, the judges' draw and the objection decision."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from core.roles import is_committee_staff

from .models import Campaign, CampaignState, Category, Objection

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
LATE_FIELDS = ("summary", "rules", "ceremony")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def fields_to_lines(fields) -> str:
    return "\n".join(f"{f.get('label', '')}{'*' if f.get('required') else ''}" for f in fields or [])


def lines_to_fields(value) -> list[dict]:
    out, seen = [], set()
    for line in (value or "").splitlines():
        line = line.strip()
        required = line.endswith("*")
        label = line.rstrip("*").strip()[:100]
        if label and label not in seen:
            seen.add(label)
            out.append({"label": label, "required": required})
    return out


class CampaignForm(forms.ModelForm):
    entry_fields = forms.CharField(
        label=_("Entry form fields"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One text question per line; end a line with * to make it required."))
    min_credit_level = forms.ChoiceField(label=_("Minimum credit level"), required=False)

    class Meta:
        model = Campaign
        fields = ["name", "year", "organiser", "approval_number", "approving_body", "restricted_name_confirmed",
                  "summary", "rules", "associations", "min_credit_level", "entries_open", "entries_close",
                  "entry_fields", "max_images", "publicity_days", "ceremony", "credit_indicator"]
        widgets = {"entries_open": DateTimeLocalInput(), "entries_close": DateTimeLocalInput(),
                   "associations": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        from credit.models import Indicator
        from credit.selectors import level_names
        from events.models import EventPage

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["min_credit_level"].choices = [("", "—")] + [(n, n) for n in sorted(level_names())]
        self.fields["ceremony"].queryset = EventPage.objects.live().order_by("-starts_at")
        self.fields["credit_indicator"].queryset = Indicator.objects.filter(
            scheme__state="in_force", category="good").select_related("scheme")
        self.fields["associations"].queryset = Association.objects.order_by("name")
        self.committee = is_committee_staff(user)
        if not self.committee:
            from associations.permissions import staff_association_ids

            own = Association.objects.filter(pk__in=staff_association_ids(user))
            self.fields["organiser"].queryset = own
            self.fields["organiser"].required = True
            self.fields["organiser"].empty_label = None
            if self.instance.pk is None and not self.is_bound:
                self.initial["organiser"] = own.values_list("pk", flat=True).first()
        if not self.is_bound:
            self.initial["entry_fields"] = fields_to_lines(self.instance.entry_fields)
        self.locked = self.instance.pk is not None and self.instance.state != CampaignState.DRAFT
        if self.locked:
            for name, field in self.fields.items():
                if name not in LATE_FIELDS:
                    field.disabled = True
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)

    def clean_publicity_days(self):
        days = self.cleaned_data.get("publicity_days")
        if days is not None and days < 1:
            raise forms.ValidationError(_("The public notice lasts at least one working day."))
        return days

    def clean_entry_fields(self):
        if self.locked:
            return self.instance.entry_fields
        return lines_to_fields(self.cleaned_data.get("entry_fields"))

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("entries_open"), cleaned.get("entries_close")
        if not self.locked and opens and closes and closes <= opens:
            self.add_error("entries_close", _("Entries must close after they open."))
        return cleaned

    @property
    def restricted_words(self) -> list[str]:
        name = (self.data.get("name") if self.is_bound else self.instance.name) or ""
        return list(Campaign(name=name).restricted_words)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "description", "awards", "position"]

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        if self.instance.campaign_id is None:
            self.instance.campaign = campaign

    def clean_name(self):
        name = self.cleaned_data.get("name", "").strip()
        clash = Category.objects.filter(campaign=self.campaign, name=name).exclude(pk=self.instance.pk)
        if name and clash.exists():
            raise forms.ValidationError(_("This campaign already has a category called “%(name)s”.")
                                        % {"name": name})
        return name


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("eligible", _("Eligible")), ("ineligible", _("Ineligible"))])
    reason = forms.CharField(label=_("Reason (told to the firm)"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DrawForm(forms.Form):
    field = forms.ChoiceField(label=_("Field of expertise"))
    count = forms.IntegerField(label=_("Judges"), min_value=1, max_value=30, initial=5)
    alternates = forms.IntegerField(label=_("Alternates"), min_value=0, max_value=30, initial=2)
    supervisor = forms.CharField(label=_("Supervisor"), max_length=100,
                                 help_text=_("Who witnesses the draw, e.g. the discipline inspection team."))
    starts_on = forms.DateField(label=_("Engagement starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Engagement ends"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from experts.models import Field

        super().__init__(*args, **kwargs)
        self.fields["field"].choices = Field.choices


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[(Objection.State.UPHELD, _("Upheld")),
                                          (Objection.State.REJECTED, _("Rejected"))])
    outcome = forms.CharField(label=_("Outcome (told to the objector)"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))


def campaign_save(form: CampaignForm, *, actor) -> Campaign:
    """Save the campaign form with an audit entry (awards.campaign.saved)."""
    from django.db import transaction

    from core.audit import audit_log

    creating = form.instance.pk is None
    with transaction.atomic():
        if creating:
            form.instance.created_by = actor
        campaign = form.save()
        audit_log(actor=actor, action="awards.campaign.saved", obj=campaign,
                  data={"created": creating, "changed": form.changed_data})
    return campaign


def category_save(form: CategoryForm, *, actor) -> Category:
    from django.db import transaction

    from core.audit import audit_log

    with transaction.atomic():
        category = form.save()
        audit_log(actor=actor, action="awards.category.saved", obj=form.campaign,
                  data={"category": category.pk, "name": category.name, "awards": category.awards})
    return category
