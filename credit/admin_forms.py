"""Forms of the committee's credit pages in the Wagtail admin.

They parse input only: every rule of the domain is checked by the services, whose DomainError the views show
as a form error (nothing changed).
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm

from associations.forms import FirmLookupField
from associations.models import Firm, Sector
from core.uscc import normalize_uscc

from .models import (
    Category,
    CreditEvent,
    CreditScheme,
    DecisionState,
    EventState,
    Indicator,
    ListKind,
    SchemeState,
    Source,
)
from .scoring import num

MAX_QUERY = 100


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, *, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


def reason_field(label=None, help_text=""):
    return forms.CharField(label=label or _("Reason"), max_length=5000, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 3}))


def search_text(value) -> str:
    return (value or "").strip()[:MAX_QUERY]


def firm_filter(query: str) -> Q:
    """Firms whose name, pinyin initials or code contain `query`."""
    code = normalize_uscc(query)
    return Q(name__icontains=query) | Q(name_initials__icontains=query.lower()) | Q(uscc__icontains=code)


# --- Shared fields ------------------------------------------------------------------------------------------


class IndicatorChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        queryset = (Indicator.objects.filter(scheme__state=SchemeState.IN_FORCE).select_related("scheme")
                    .order_by("scheme__family", "scheme_id", "sort_order", "code"))
        super().__init__(queryset=queryset, label=_("Indicator"), **kwargs)

    def label_from_instance(self, obj):
        return gettext("%(code)s %(name)s (%(points)s; %(low)s to %(high)s) · %(scheme)s") % {
            "code": obj.code, "name": obj.name, "points": num(obj.points), "low": num(obj.points_min),
            "high": num(obj.points_max), "scheme": obj.scheme.version}


# --- Schemes ------------------------------------------------------------------------------------------------


class SchemeForm(WagtailAdminModelForm):
    """The scheme's sectors are a JSON list on the model: chosen here with checkboxes."""

    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Rounds are opened for one of these sectors; none means any sector."))


class NewVersionForm(forms.Form):
    version = forms.CharField(label=_("Version name"), max_length=40, help_text=_("For example 2027年版."))


# --- Credit events ------------------------------------------------------------------------------------------


class EventFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All"))] + EventState.choices)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All"))] + Category.choices)
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All"))] + Source.choices)
    q = forms.CharField(label=_("Firm or record number"), required=False, max_length=MAX_QUERY)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        if data["category"]:
            queryset = queryset.filter(indicator__category=data["category"])
        if data["source"]:
            queryset = queryset.filter(source=data["source"])
        if query := search_text(data["q"]):
            queryset = queryset.filter(
                Q(number__iexact=query) | Q(firm__in=Firm.objects.filter(firm_filter(query))))
        return queryset


class EventFieldsForm(forms.Form):
    """The fields of a record, shared by recording and correcting."""

    indicator = IndicatorChoiceField()
    points = forms.DecimalField(label=_("Points"), required=False, max_digits=7, decimal_places=2,
                                help_text=_("Leave empty for the indicator's default points."))
    summary = forms.CharField(label=_("Fact"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Firm-level facts only: no personal names."))
    occurred_on = date_field(_("Date it happened"))
    effective_from = date_field(_("Effective from"), required=False,
                                help_text=_("Leave empty: the date it happened."))
    expires_on = date_field(_("Expires on"), required=False,
                            help_text=_("The last day the record counts. Leave empty for the indicator's longest "
                                        "publication period."))
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.AUTHORITY)
    evidence_doc_no = forms.CharField(label=_("Evidence document number"), max_length=100, required=False)
    evidence_issuer = forms.CharField(label=_("Evidence issued by"), max_length=100, required=False)
    evidence_file = forms.FileField(label=_("Evidence file"), required=False,
                                    help_text=_("PDF, DOCX, OFD, PNG or JPEG, at most 20 MB. Seen by the committee "
                                                "only."))

    SERVICE_FIELDS = ("indicator", "points", "summary", "occurred_on", "effective_from", "expires_on", "source",
                      "evidence_doc_no", "evidence_issuer")

    def service_kwargs(self, names=None) -> dict:
        """Keyword arguments for the event services: all fields, or only `names`."""
        names = [*self.SERVICE_FIELDS, "evidence_file"] if names is None else names
        kwargs = {name: self.cleaned_data[name] for name in names if name in self.SERVICE_FIELDS}
        if "evidence_file" in names and self.cleaned_data.get("evidence_file"):
            kwargs["evidence_upload"] = self.cleaned_data["evidence_file"]
        return kwargs


class EventRecordForm(EventFieldsForm):
    firm = FirmLookupField()
    field_order = ["firm"]


class EventCorrectForm(EventFieldsForm):
    """A correction: the changed fields make a new record that revokes the old one."""

    reason = reason_field(_("Reason for the correction"))

    def __init__(self, *args, event: CreditEvent, **kwargs):
        initial = {name: getattr(event, name) for name in self.SERVICE_FIELDS}
        initial["indicator"] = event.indicator_id
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not set(self.changed_data) - {"reason"}:
            raise forms.ValidationError(_("Change at least one field of the record."))
        return cleaned

    def changed_kwargs(self) -> dict:
        return self.service_kwargs([name for name in self.changed_data if name != "reason"])


class ReasonForm(forms.Form):
    reason = reason_field()


# --- Rating rounds ------------------------------------------------------------------------------------------


class RoundOpenForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Scheme"),
                                    queryset=CreditScheme.objects.filter(state=SchemeState.IN_FORCE))
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    name = forms.CharField(label=_("Round name"), max_length=200,
                           help_text=_("For example 2026年度市政设施养护维修行业信用评价."))
    as_of = date_field(_("Rating date"), help_text=_("Records effective on this date count."))


class RatingFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), required=False)
    q = forms.CharField(label=_("Firm"), required=False, max_length=MAX_QUERY)

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("All"))] + [(name, name) for name in levels]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data["level"]:
            queryset = queryset.filter(level=self.cleaned_data["level"])
        if query := search_text(self.cleaned_data["q"]):
            queryset = queryset.filter(firm__in=Firm.objects.filter(firm_filter(query)))
        return queryset


# --- Objections and repairs ---------------------------------------------------------------------------------


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All"))] + DecisionState.choices)
    q = forms.CharField(label=_("Firm or number"), required=False, max_length=MAX_QUERY)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data["state"]:
            queryset = queryset.filter(state=self.cleaned_data["state"])
        if query := search_text(self.cleaned_data["q"]):
            queryset = queryset.filter(
                Q(number__iexact=query) | Q(firm__in=Firm.objects.filter(firm_filter(query))))
        return queryset


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                choices=[(DecisionState.UPHELD, _("Upheld")),
                                         (DecisionState.REJECTED, _("Not upheld"))])
    decision = forms.CharField(label=_("Decision and reason"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("Sent to the firm by email."))

    @property
    def upheld(self) -> bool:
        return self.cleaned_data["outcome"] == DecisionState.UPHELD


class ObjectionDecideForm(DecideForm):
    """For an objection to a rating: which counted records it shows to be wrong (revoked when upheld)."""

    revoke_events = forms.TypedMultipleChoiceField(
        label=_("Records to revoke"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=_("When upheld, the records the objection shows to be wrong are revoked. With none chosen, the "
                    "rating is recomputed with the records known now (say a missing record has been recorded)."))

    def __init__(self, *args, contributions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if contributions:
            self.fields["revoke_events"].choices = [
                (c["event_id"], f"{c['number']} {c['code']} {c['name']}（{c['points']}）") for c in contributions]
        else:
            del self.fields["revoke_events"]


class RepairDecideForm(DecideForm):
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                choices=[(DecisionState.UPHELD, _("Approve")),
                                         (DecisionState.REJECTED, _("Reject"))])


# --- Red and black lists ------------------------------------------------------------------------------------


class ListFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("List"), required=False, choices=[("", _("Both"))] + ListKind.choices)
    q = forms.CharField(label=_("Firm"), required=False, max_length=MAX_QUERY)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data["kind"]:
            queryset = queryset.filter(kind=self.cleaned_data["kind"])
        if query := search_text(self.cleaned_data["q"]):
            queryset = queryset.filter(firm__in=Firm.objects.filter(firm_filter(query)))
        return queryset


class ListAddForm(forms.Form):
    firm = FirmLookupField()
    kind = forms.ChoiceField(label=_("List"), choices=ListKind.choices)
    scheme = forms.ModelChoiceField(label=_("Scheme"),
                                    queryset=CreditScheme.objects.exclude(state=SchemeState.DRAFT))
    reason = reason_field(help_text=_("Shown on the public lists: firm-level facts and document numbers only, "
                                      "no personal names."))
