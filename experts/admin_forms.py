"""Forms of the experts back office: the expert edit form (fields as checkboxes), the application decision, the
draw (with up to four criteria rows and the parties as codes, one per line) and the evaluation."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.models import WagtailAdminModelForm

from associations.models import Firm
from core.uscc import normalize_uscc

from .models import Field, Pool, Purpose, Title

CRITERIA_ROWS = 4


class ExpertAdminForm(WagtailAdminModelForm):
    """The JSON list of fields of expertise, edited as checkboxes."""

    fields = forms.MultipleChoiceField(label=gettext_lazy("fields of expertise"), choices=Field.choices,
                                       widget=forms.CheckboxSelectMultiple)

    def clean_fields(self):
        chosen = self.cleaned_data["fields"]
        return [value for value in Field.values if value in chosen]  # a stable order


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=gettext_lazy("Decision"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", gettext_lazy("Approve")), ("no", gettext_lazy("Reject"))])
    decision = forms.CharField(label=gettext_lazy("Decision and reason"), widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=2000)


class CriterionForm(forms.Form):
    field = forms.ChoiceField(label=gettext_lazy("Field"), required=False,
                              choices=[("", "—"), *Field.choices])
    count = forms.IntegerField(label=gettext_lazy("Experts"), min_value=1, max_value=50, required=False)
    min_title = forms.ChoiceField(label=gettext_lazy("Minimum title"), choices=Title.choices,
                                  initial=Title.INTERMEDIATE)
    alternates = forms.IntegerField(label=gettext_lazy("Alternates"), min_value=0, max_value=50, initial=2,
                                    required=False)

    def clean(self):
        data = super().clean()
        if data.get("field") and not data.get("count"):
            self.add_error("count", _("Enter the number of experts."))
        return data

    def row(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("field"):
            return None
        return {"field": data["field"], "count": data["count"], "min_title": data["min_title"],
                "alternates": data.get("alternates") or 0}


CriteriaFormSet = forms.formset_factory(CriterionForm, extra=CRITERIA_ROWS, max_num=CRITERIA_ROWS,
                                        absolute_max=CRITERIA_ROWS)


class DrawForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=Purpose.choices)
    matter = forms.CharField(label=gettext_lazy("Matter"), max_length=100, required=False,
                             help_text=gettext_lazy("The object the draw serves, e.g. consultations.consultation:12."))
    pool = forms.ModelChoiceField(label=gettext_lazy("Pool"), queryset=Pool.objects.order_by("id"), required=False,
                                  empty_label=gettext_lazy("Every pool"))
    excluded_firms = forms.CharField(
        label=gettext_lazy("Parties (their related experts are excluded)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Unified social credit codes of the firms concerned, one per line."))
    exclude_recent_days = forms.IntegerField(label=gettext_lazy("Exclude experts drawn in the last (days)"),
                                             min_value=0, max_value=3650, initial=0)
    starts_on = forms.DateField(label=gettext_lazy("Engagement starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("Engagement ends"), widget=forms.DateInput(attrs={"type": "date"}))
    response_hours = forms.IntegerField(label=gettext_lazy("Hours to answer an invitation"), min_value=1,
                                        max_value=720, initial=48)
    supervisor = forms.CharField(label=gettext_lazy("Supervisor"), max_length=100)

    def clean_excluded_firms(self) -> list[Firm]:
        codes = [normalize_uscc(line) for line in self.cleaned_data["excluded_firms"].splitlines() if line.strip()]
        codes = list(dict.fromkeys(codes))
        firms = {f.uscc: f for f in Firm.objects.filter(uscc__in=codes)}
        unknown = [c for c in codes if c not in firms]
        if unknown:
            raise forms.ValidationError(_("No firm on file has the code %(codes)s.") % {"codes": "、".join(unknown)})
        return [firms[c] for c in codes]


class EvaluateForm(forms.Form):
    score = forms.IntegerField(label=gettext_lazy("Score"), min_value=0, max_value=100)
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
