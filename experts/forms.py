"""Forms of the public expert pages: the directory filters and the answer to an invitation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Field, Title
from .selectors import normalize_query


class DirectoryForm(forms.Form):
    """GET filters of the directory; bad values are dropped (the page shows everything rather than failing)."""

    q = forms.CharField(label=_("Name, pinyin, initials, employer or position"), required=False)
    field = forms.ChoiceField(label=_("Field"), required=False,
                              choices=[("", _("All fields")), *Field.choices])
    title = forms.ChoiceField(label=_("Minimum professional title"), required=False,
                              choices=[("", _("Any title")), *Title.choices])
    pool = forms.TypedChoiceField(label=_("Pool"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, pools=()):
        super().__init__(data)
        self.fields["pool"].choices = [("", _("All pools")), *((p.pk, p.name) for p in pools)]

    def filters(self) -> dict:
        """The valid filters (an invalid one is ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"q": normalize_query(data.get("q", "")), "field": data.get("field", ""),
                "min_title": data.get("title", ""), "pool": data.get("pool")}


class ConfirmForm(forms.Form):
    pledge = forms.BooleanField(
        label=_("I have no relationship with the parties that requires recusal, and I will keep the matter "
                "confidential."),
        help_text=_("Recusal pledge (回避承诺). If a relationship comes to light later, tell the organiser at once."))


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: away on these dates, or a relationship with a party."))
