"""Forms of the credit workspace: a firm's objection (异议) and repair application (信用修复), an association's
record submitted for committee approval. The forms check shapes only; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .scoring import num
from .services.common import MAX_TEXT

FILE_HELP = _("PDF, DOCX, OFD, PNG or JPEG, at most 20 MB.")


def _text(label, *, required=True, rows=6, max_length=MAX_TEXT, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


def _date(label, *, required=True, help_text=""):
    return forms.DateField(label=label, required=required, help_text=help_text,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ObjectionForm(forms.Form):
    reason = _text(_("Why the record or rating is wrong"),
                   help_text=_("State the facts and what you ask the committee to do."))
    evidence_file = forms.FileField(label=_("Evidence"), required=False, help_text=FILE_HELP)


class RepairForm(forms.Form):
    statement = _text(_("How the firm has put it right"))
    pledge_file = forms.FileField(label=_("Credit pledge (signed and sealed)"), help_text=FILE_HELP)
    evidence_file = forms.FileField(label=_("Evidence of rectification"), help_text=FILE_HELP)


class SubmitForm(forms.Form):
    """An association-sourced record (awards, 自律公约 violations) about a current member firm.

    ``firms`` are the association's current member firms, ``indicators`` those of the schemes in force that cover
    the association's sector. ``cleaned_data`` gives ``firm`` and ``indicator`` as objects."""

    firm = forms.ChoiceField(label=_("Member firm"))
    indicator = forms.ChoiceField(label=_("Indicator"))
    points = forms.DecimalField(label=_("Points"), required=False, max_digits=7, decimal_places=2,
                                help_text=_("Leave empty for the indicator's default points."))
    summary = forms.CharField(label=_("Fact"), max_length=300,
                              help_text=_("Firm-level facts only: no personal names."))
    occurred_on = _date(_("Date it happened"))
    effective_from = _date(_("Effective from"), required=False, help_text=_("Leave empty for the date it happened."))
    expires_on = _date(_("Expires on"), required=False,
                       help_text=_("The last day the record counts. Leave empty for the longest publication."))
    evidence_doc_no = forms.CharField(label=_("Evidence document number"), required=False, max_length=100)
    evidence_issuer = forms.CharField(label=_("Evidence issued by"), required=False, max_length=100)
    evidence_file = forms.FileField(label=_("Evidence file"), required=False, help_text=FILE_HELP)

    def __init__(self, *args, firms, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self._firms = {str(f.pk): f for f in firms}
        self._indicators = {str(i.pk): i for i in indicators}
        self.fields["firm"].choices = [("", "—")] + [(k, f"{f.name}（{f.uscc}）") for k, f in self._firms.items()]
        several = len({i.scheme_id for i in indicators}) > 1
        self.fields["indicator"].choices = [("", "—")] + [
            (key, self._indicator_label(i, several)) for key, i in self._indicators.items()]

    @staticmethod
    def _indicator_label(indicator, with_scheme: bool) -> str:
        label = (f"{indicator.code} {indicator.name}（{num(indicator.points_min)} ~ {num(indicator.points_max)}，"
                 f"{indicator.get_category_display()}）")
        return f"{indicator.scheme.name} · {label}" if with_scheme else label

    def clean(self):
        cleaned = super().clean()
        cleaned["firm"] = self._firms.get(cleaned.get("firm") or "")
        cleaned["indicator"] = self._indicators.get(cleaned.get("indicator") or "")
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "firm": data["firm"], "indicator": data["indicator"], "points": data["points"],
            "summary": data["summary"], "occurred_on": data["occurred_on"],
            "effective_from": data["effective_from"], "expires_on": data["expires_on"],
            "evidence_doc_no": data["evidence_doc_no"], "evidence_issuer": data["evidence_issuer"],
            "evidence_upload": data["evidence_file"],
        }
