"""Forms of the firm's entries (/me/awards/): the entry (firm, category, title, description and the campaign's own
questions f0, f1 …) and a file upload. The rules (window, eligibility, freezing, file types) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EntryFile


class FirmPickForm(forms.Form):
    """Step one when the user acts for several firms: which firm enters (a GET form)."""

    firm = forms.ModelChoiceField(label=_("Entering firm"), queryset=None, empty_label=_("Choose the firm"))

    def __init__(self, data=None, *, firms):
        super().__init__(data)
        self.fields["firm"].queryset = firms


class EntryForm(forms.Form):
    firm = forms.ModelChoiceField(label=_("Entering firm"), queryset=None, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, empty_label=_("Choose a category"))
    title = forms.CharField(label=_("Entry title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, data=None, *, campaign, firms=None, initial=None):
        super().__init__(data, initial=initial)
        if firms is None:  # editing: the firm of an entry never changes
            del self.fields["firm"]
        else:
            self.fields["firm"].queryset = firms
        self.fields["category"].queryset = campaign.categories.all()
        for i, spec in enumerate(campaign.entry_fields or []):
            self.fields[f"f{i}"] = forms.CharField(label=spec.get("label") or f"f{i}", max_length=2000,
                                                   required=bool(spec.get("required")),
                                                   widget=forms.Textarea(attrs={"rows": 2}))
        self.answer_keys = [f"f{i}" for i in range(len(campaign.entry_fields or []))]

    def answers(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key in self.answer_keys}


def entry_initial(entry) -> dict:
    return {"category": entry.category_id, "title": entry.title, "description": entry.description,
            **(entry.answers or {})}


class EntryFileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryFile.Kind.choices, initial=EntryFile.Kind.IMAGE)
    upload = forms.FileField(label=_("File"), help_text=_("Images: JPG or PNG, up to 5 MB. Attachments: PDF, DOCX, "
                                                          "XLSX, JPG or PNG, up to 20 MB."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "file")
        super().__init__(*args, **kwargs)
