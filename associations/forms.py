from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.uscc import normalize_uscc

from .models import Firm, Membership

MAX_FIRM_CANDIDATES = 5


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


class FirmLookupField(forms.CharField):
    """A firm on file by its full name, its unified social credit code or a part of its name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Firm"))
        kwargs.setdefault("help_text", _("Unified social credit code, full name or a part of the name."))
        super().__init__(max_length=200, **kwargs)

    def clean(self, value):
        query = super().clean(value).strip()
        if not query:
            return None
        exact = list(Firm.objects.filter(Q(uscc=normalize_uscc(query)) | Q(name=query))[:2])
        if len(exact) == 1:
            return exact[0]
        found = list(Firm.objects.filter(name__icontains=query).order_by("name")[:MAX_FIRM_CANDIDATES + 1])
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(_("No firm on file matches “%(query)s”.") % {"query": query})
        names = "、".join(f.name for f in found[:MAX_FIRM_CANDIDATES])
        raise forms.ValidationError(
            _("Several firms match: %(names)s. Enter the full name or the unified social credit code.")
            % {"names": names})
