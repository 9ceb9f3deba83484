"""Forms of the public consultation pages. They only collect input: the services validate and sanitise."""

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Comment
from .services.comments import MAX_FIELD_CHARS

MAX_FILES = 5
ACCEPTED_FILES = ".pdf,.docx,.png,.jpg,.jpeg,.gif,application/pdf,image/*"
GENERAL = ""  # the article choice meaning 总体意见 (a comment on the whole draft)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``; the service checks their number, size and type."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def speaker_label(speaker, user) -> str:
    if speaker.kind == Comment.AuthorKind.ASSOCIATION:
        return _("%(name)s (association)") % {"name": speaker.name}
    if speaker.kind == Comment.AuthorKind.FIRM:
        return _("%(name)s (member firm)") % {"name": speaker.name}
    return _("%(name)s (in your own name)") % {"name": user.display_name}


def article_label(article) -> str:
    text = Truncator(article.heading or article.text.replace("\n", " ")).chars(24)
    return f"{article.label} {text}".strip()


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": MAX_FIELD_CHARS})


class CommentForm(forms.Form):
    speaker = forms.ChoiceField(label=_("Submit as"), widget=forms.RadioSelect)
    article = forms.ChoiceField(label=pgettext_lazy("consultation", "Article"), required=False)
    problem = forms.CharField(label=pgettext_lazy("consultation", "Problem"), widget=_textarea(5))
    reason = forms.CharField(label=_("Reasons and basis"), required=False, widget=_textarea(4))
    suggestion = forms.CharField(label=_("Suggested wording"), required=False, widget=_textarea(4))
    contact = forms.CharField(label=_("Contact (not published)"), required=False, max_length=200,
                              help_text=_("A telephone number or email the committee may use to ask about the "
                                          "comment. It is never published."))
    attachments = MultipleFileField(label=_("Attachments"), required=False,
                                    help_text=_("Up to 5 files: PDF, DOCX or images, at most 20 MB each."))
    adopted_points = forms.MultipleChoiceField(label=_("Member firms' points taken into this comment"),
                                               required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, speakers, articles, points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.speakers = list(speakers)
        self.points = list(points)
        self.fields["speaker"].choices = [(s.value, speaker_label(s, user)) for s in self.speakers]
        if len(self.speakers) == 1:
            self.fields["speaker"].initial = self.speakers[0].value
        self.fields["article"].choices = [(GENERAL, _("General comment (the whole draft)"))] + [
            (str(a.pk), article_label(a)) for a in articles if a.commentable]
        if self.points:
            self.fields["adopted_points"].choices = [(str(p.pk), p.firm.name) for p in self.points]
        else:
            del self.fields["adopted_points"]

    def selected_article_pk(self) -> str:
        """The article chosen (bound) or preselected (initial), as a string; "" for a general comment."""
        value = self.data.get("article") if self.is_bound else self.initial.get("article")
        value = str(value or "")
        return value if value in {key for key, _label in self.fields["article"].choices} else GENERAL

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "speaker": data["speaker"],
            "article": int(data["article"]) if data.get("article") else None,
            "problem": data["problem"],
            "reason": data.get("reason", ""),
            "suggestion": data.get("suggestion", ""),
            "contact": data.get("contact", ""),
            "files": data.get("attachments") or [],
            "adopted_points": [int(pk) for pk in data.get("adopted_points", [])],
        }
