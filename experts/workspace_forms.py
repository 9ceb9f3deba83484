"""Forms of the expert workspace at /me/expert/: the expert's own profile and an application to join a pool.

The forms check shapes only; the services (profile_update, application_submit) check the rules and decide what
goes to review (professional title and employer)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Field, Pool, Title

DOCUMENT_HELP = _("PDF, DOCX, PNG or JPEG, at most 20 MB: certificates of the title and qualifications.")
REVIEW_HELP = _("A change goes to the committee for review before it shows.")


def _fields_field():
    return forms.MultipleChoiceField(label=_("Fields of expertise"), choices=Field.choices,
                                     widget=forms.CheckboxSelectMultiple)


def _text(label, *, required=False, rows=5, max_length=5000, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class ProfileForm(forms.Form):
    """The expert's own profile. Title and employer changes go to review; everything else changes at once."""

    name = forms.CharField(label=_("Name"), max_length=50)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    qualifications = _text(_("Qualifications and certificates"))
    bio = _text(_("Public biography"), rows=6)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            help_text=_("Seen by committee staff only, never published."))
    email = forms.EmailField(label=_("Email"), required=False,
                             help_text=_("Invitations to draws are sent here. Seen by committee staff only."))
    fields = _fields_field()
    title = forms.ChoiceField(label=_("Professional title"), choices=Title.choices, help_text=REVIEW_HELP)
    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False, help_text=REVIEW_HELP)
    employer_code = forms.CharField(label=_("Employer's unified social credit code"), max_length=18,
                                    required=False, help_text=REVIEW_HELP)

    @classmethod
    def initial_for(cls, expert) -> dict:
        return {name: getattr(expert, name) for name in cls.base_fields}


class ApplyForm(forms.Form):
    """A signed-in user's application to join a pool; the admission checks are shown after submitting."""

    pool = forms.ModelChoiceField(label=_("Pool"), queryset=Pool.objects.order_by("id"), empty_label=None)
    name = forms.CharField(label=_("Name"), max_length=50)
    birth_year = forms.IntegerField(label=_("Year of birth"), min_value=1900, max_value=2100)
    title = forms.ChoiceField(label=_("Professional title"), choices=Title.choices)
    years_in_field = forms.IntegerField(label=_("Years in the field"), min_value=0, max_value=80)
    fields = _fields_field()
    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False)
    employer_code = forms.CharField(label=_("Employer's unified social credit code"), max_length=18,
                                    required=False)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    bio = _text(_("Public biography"), rows=6)
    document = forms.FileField(label=_("Supporting document"), required=False, help_text=DOCUMENT_HELP)

    def profile(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("name", "birth_year", "title", "years_in_field", "fields",
                                           "employer_name", "employer_code", "position", "bio")}
