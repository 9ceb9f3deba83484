"""Forms of the committee's consultation pages in the Wagtail admin.

They parse input only: every rule of the domain is checked by the services, whose DomainError the views show
as a form error.
"""

from django import forms
from django.utils.html import linebreaks
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from associations.forms import FirmLookupField
from associations.models import Association

from .forms import MultipleFileField
from .models import Article, Channel, Comment, Consultation, Kind, Status
from .services.consultations import MINIMUM_PERIOD

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_DOCX_BYTES = 20 * 1024 * 1024
RICH_FIELDS = ("summary", "explanation", "legal_basis")


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; values are read and shown in Asia/Shanghai time."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def as_html(value: str) -> str:
    """Plain text typed into a textarea becomes paragraphs; text that already holds HTML is kept as it is.

    The service sanitises either way.
    """
    value = (value or "").strip()
    if not value or "<" in value:
        return value
    return linebreaks(value, autoescape=True)


def minimum_period_hint(kind: str) -> str:
    """The legal minimum period of ``kind`` in words, from the services' MINIMUM_PERIOD (which checks it on
    publishing): "at least 30 days", "at least 7 working days" or "no legal minimum"."""
    days, workdays = MINIMUM_PERIOD.get(kind, (0, 0))
    if workdays:
        return ngettext("at least %(n)s working day", "at least %(n)s working days", workdays) % {"n": workdays}
    if days:
        return ngettext("at least %(n)s day", "at least %(n)s days", days) % {"n": days}
    return gettext("no legal minimum")


def minimum_period_hints() -> list[tuple[str, str, str]]:
    """(kind value, kind label, minimum) for the help block next to the kind field."""
    return [(kind.value, kind.label, minimum_period_hint(kind)) for kind in Kind]


class ConsultationForm(forms.ModelForm):
    """All fields a committee member sets on a consultation. Saved through consultation_create/update."""

    invited = forms.ModelMultipleChoiceField(
        label=_("Invited associations"), queryset=Association.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their staff receive the invitation by email; required when only invited associations may "
                    "comment."),
    )

    class Meta:
        model = Consultation
        fields = ["title", "kind", "department", "summary", "explanation", "legal_basis", "contact", "starts_at",
                  "ends_at", "audience", "visibility", "allow_late", "shortened_reason"]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "explanation": forms.Textarea(attrs={"rows": 8}),
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "shortened_reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "explanation": _("Plain text (a blank line starts a new paragraph) or simple HTML."),
            "starts_at": _("Beijing time."),
            "ends_at": _("Beijing time. The legal minimum period depends on the kind, see below."),
            "shortened_reason": _("Only for a period shorter than the legal minimum; it is shown on the public "
                                  "page."),
        }

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if self.instance.pk:
            self.fields["invited"].initial = list(self.instance.invited_associations.values_list("pk", flat=True))
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def _post_clean(self):
        # The services validate and save; the model instance is neither validated nor touched here.
        pass

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        for name in RICH_FIELDS:
            data[name] = as_html(data[name])
        return data


class VersionForm(forms.Form):
    """A new version of the draft text: pasted text or a DOCX file."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave empty to use the consultation's title."))
    text = forms.CharField(label=_("Draft text"), required=False, widget=forms.Textarea(attrs={"rows": 16}),
                           help_text=_("Paste the whole text: 第一章 … 第一条 … each at the start of a line."))
    docx = forms.FileField(label=_("Or upload a Word (DOCX) file"), required=False)
    change_note = forms.CharField(label=_("Change note"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("What changed compared with the previous version (required from the "
                                              "second version on)."))

    def clean_docx(self):
        upload = self.cleaned_data.get("docx")
        if upload and upload.size > MAX_DOCX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("docx") and not (cleaned.get("text") or "").strip():
            raise forms.ValidationError(_("Paste the draft text or upload a DOCX file."))
        if cleaned.get("docx") and (cleaned.get("text") or "").strip():
            raise forms.ValidationError(_("Paste the text or upload a file, not both."))
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"title": data["title"], "change_note": data["change_note"]}
        if data.get("docx"):
            kwargs["docx"] = data["docx"].read()
        else:
            kwargs["text"] = data["text"]
        return kwargs


class ExtendForm(forms.Form):
    new_ends_at = forms.DateTimeField(label=_("New end"), widget=DateTimeLocalInput(),
                                      input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
                                      help_text=_("Beijing time. A closed consultation is reopened until then."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Published with the dated notice on the consultation page."))


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(Status.choices))


class ArticleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(label)s (version %(number)s)") % {"label": obj.label, "number": obj.version.number}


class OfflineCommentForm(forms.Form):
    """A comment received by letter, email or at a meeting, registered by committee staff."""

    channel = forms.ChoiceField(label=_("Channel"),
                                choices=[c for c in Channel.choices if c[0] != Channel.ONLINE])
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    association = forms.ModelChoiceField(label=_("Association"), required=False,
                                         queryset=Association.objects.order_by("name"))
    firm = FirmLookupField(label=_("Member firm"), required=False,
                           help_text=_("Name or unified social credit code of a firm on file."))
    author_name = forms.CharField(label=_("Name as published"), required=False, max_length=200,
                                  help_text=_("For an organisation or person not on file; with an association or "
                                              "firm, leave empty to use its name."))
    author_kind = forms.ChoiceField(
        label=_("Commenter type (not on file)"), required=False,
        choices=[(Comment.AuthorKind.OTHER, Comment.AuthorKind.OTHER.label),
                 (Comment.AuthorKind.PUBLIC, Comment.AuthorKind.PUBLIC.label)],
    )
    article = ArticleChoiceField(label=_("Article"), required=False, queryset=Article.objects.none(),
                                 empty_label=_("General comment"))
    problem = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 5}))
    reason = forms.CharField(label=_("Reason and basis"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    suggestion = forms.CharField(label=_("Suggested change"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Attachments"), required=False,
                                    help_text=_("PDF, DOCX or images; at most 5 files of 20 MB each."))

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = (
            Article.objects.filter(version__consultation=consultation, version__published_at__isnull=False,
                                   kind=Article.NodeKind.ARTICLE)
            .select_related("version").order_by("-version__number", "position")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("association") and cleaned.get("firm"):
            raise forms.ValidationError(_("Choose an association or a firm, not both."))
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "channel": data["channel"], "received_on": data["received_on"], "author_name": data["author_name"],
            "author_kind": data["author_kind"] or Comment.AuthorKind.OTHER, "association": data["association"],
            "firm": data["firm"], "article": data["article"], "problem": as_html(data["problem"]),
            "reason": as_html(data["reason"]), "suggestion": as_html(data["suggestion"]),
            "files": data["attachments"],
        }
