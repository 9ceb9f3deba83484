"""Forms of the public award pages: the objection during the 公示. The rules are the service's (objection_file)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=50)
    contact = forms.CharField(label=_("Phone or email"), max_length=100,
                              help_text=_("Only the organiser sees it, to answer you. It is never published."))
    entry = forms.TypedChoiceField(label=_("Entry objected to"), required=False, coerce=int, empty_value=None,
                                   help_text=_("Leave empty for an objection to the results as a whole."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
                             help_text=_("At least 10 characters: what is wrong and how you know."))
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False,
                               help_text=_("PDF, JPG, PNG or DOCX, up to 10 MB."))

    def __init__(self, *args, winners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {w.entry_id: w.entry for w in winners}
        self.fields["entry"].choices = [("", _("The results as a whole"))] + [
            (w.entry_id, f"{w.category.name} · {w.entry.number} {w.entry.title} · {w.entry.firm.name}")
            for w in winners]

    def chosen_entry(self):
        return self.entries.get(self.cleaned_data.get("entry"))
