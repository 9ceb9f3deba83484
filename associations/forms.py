from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Membership


class MemberAddForm(forms.Form):
    name = forms.CharField(label=_("Firm name"), max_length=200)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40)
    level = forms.ChoiceField(label=_("Membership level"), choices=Membership.Level.choices,
                              initial=Membership.Level.MEMBER)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email of the firm's contact"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Member list (CSV or XLSX)"))
    dry_run = forms.BooleanField(label=_("Check only, import nothing"), required=False)
