"""Forms of the judges' workspace: the score form (one number per criterion of the round, and a comment) and the
recusal form. Values are checked by ``services.judging.clean_values`` (scale, half points), whose refusal names
the field ``c<criterion pk>`` — the names used here."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ScoreForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, criteria):
        super().__init__(data, prefix="score")
        self.criteria = list(criteria)
        fields = {}
        for c in self.criteria:
            fields[f"c{c.pk}"] = forms.CharField(
                label=c.name, max_length=20,
                help_text=_("From %(low)d to %(high)d, whole or half points; weight %(weight)s.")
                % {"low": c.scale_min, "high": c.scale_max, "weight": c.weight.normalize()},
                widget=forms.NumberInput(attrs={"min": c.scale_min, "max": c.scale_max, "step": "0.5",
                                                "inputmode": "decimal"}))
        fields["comment"] = self.fields.pop("comment")
        self.fields = fields

    def values(self) -> dict:
        """{str(criterion pk): raw value} for ``services.score_submit``."""
        return {str(c.pk): self.cleaned_data.get(f"c{c.pk}", "") for c in self.criteria}


class RecusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for standing aside"), max_length=300,
                             help_text=_("For example: a former employer, a relative works there."))

    def __init__(self, data=None):
        super().__init__(data, prefix="recuse")
