"""Forms of the consultations workspace: a member firm's draft point, an association's note on dropping one."""

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import MemberPoint
from .services.comments import MAX_FIELD_CHARS

ARTICLE_EXCERPT = 30  # characters of an article's text shown in the article choice


def _text(label, *, required=False, rows=4):
    return forms.CharField(label=label, required=required, max_length=MAX_FIELD_CHARS,
                           widget=forms.Textarea(attrs={"rows": rows}))


class PointForm(forms.Form):
    """A draft point for the association's consolidated comments (协会汇总意见).

    ``targets`` are the (firm, association) pairs of ``permissions.point_targets_for``; ``articles`` the
    commentable articles of the current published version. ``cleaned_data`` gives ``firm``, ``association`` and
    ``article`` (None for a general point) as objects.
    """

    target = forms.ChoiceField(label=_("Send to"))
    article = forms.ChoiceField(label=_("Article"), required=False)
    problem = _text(_("Problem"), required=True)
    reason = _text(_("Reasons and basis"))
    suggestion = _text(_("Suggested change"))

    def __init__(self, *args, targets, articles, **kwargs):
        super().__init__(*args, **kwargs)
        self._targets = {f"{firm.pk}:{association.pk}": (firm, association) for firm, association in targets}
        several_firms = len({firm.pk for firm, _association in targets}) > 1
        self.fields["target"].choices = [
            (key, f"{firm.name} → {association.name}" if several_firms else association.name)
            for key, (firm, association) in self._targets.items()
        ]
        if len(self._targets) == 1:
            self.fields["target"].initial = next(iter(self._targets))
            self.fields["target"].widget = forms.HiddenInput()
        self._articles = {str(a.pk): a for a in articles}
        self.fields["article"].choices = [("", _("General comment (not about one article)"))] + [
            (str(a.pk), f"{a.label} {Truncator(a.text).chars(ARTICLE_EXCERPT)}".strip()) for a in articles
        ]

    def clean(self):
        cleaned = super().clean()
        pair = self._targets.get(cleaned.get("target", ""))
        if pair:
            cleaned["firm"], cleaned["association"] = pair
        cleaned["article"] = self._articles.get(cleaned.get("article") or "")
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("firm", "association", "article", "problem", "reason", "suggestion")}


class DropForm(forms.Form):
    note = forms.CharField(label=_("Note to the member firm"), required=False,
                           max_length=MemberPoint._meta.get_field("note").max_length)
