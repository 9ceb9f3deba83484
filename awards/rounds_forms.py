"""Forms of the rounds part of the organisers' console: a judging round (初评 · 复评 · 终评) and its score criteria,
and their saving. Both can be changed only while the round has not started; every save is audited."""

from decimal import Decimal

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.audit import audit_log
from core.errors import DomainError

from .models import Campaign, CampaignState, Criterion, Round

EDITABLE_CAMPAIGN_STATES = (CampaignState.DRAFT, CampaignState.OPEN, CampaignState.JUDGING)


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["kind", "position", "blind", "quorum", "aggregation", "disagreement", "advance_top",
                  "advance_min_score"]

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        if self.instance.campaign_id is None:
            self.instance.campaign = campaign
            if not self.is_bound:
                last = campaign.rounds.order_by("-position").values_list("position", flat=True).first()
                self.initial.setdefault("position", (last or 0) + 1)
        for name, low in (("quorum", 1), ("disagreement", 0), ("advance_top", 1), ("advance_min_score", 0)):
            self.fields[name].widget.attrs["min"] = low

    def clean_quorum(self):
        quorum = self.cleaned_data["quorum"]
        if quorum is not None and quorum < 1:
            raise forms.ValidationError(_("At least one score is needed per entry."))
        return quorum

    def clean_disagreement(self):
        value = self.cleaned_data["disagreement"]
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise forms.ValidationError(_("Give a number of points from 0 to 100."))
        return value

    def clean_advance_min_score(self):
        value = self.cleaned_data["advance_min_score"]
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise forms.ValidationError(_("Give a number of points from 0 to 100."))
        return value

    def clean_advance_top(self):
        value = self.cleaned_data["advance_top"]
        if value is not None and value < 1:
            raise forms.ValidationError(_("Advance at least one entry per category, or leave it empty."))
        return value

    def clean_position(self):
        position = self.cleaned_data["position"]
        clash = Round.objects.filter(campaign=self.campaign, position=position).exclude(pk=self.instance.pk)
        if position is not None and clash.exists():
            raise forms.ValidationError(_("This campaign already has a round in this order."))
        started = (Round.objects.filter(campaign=self.campaign).exclude(state=Round.State.PENDING)
                   .exclude(pk=self.instance.pk).order_by("-position").values_list("position", flat=True).first())
        if position is not None and (position < 1 or (started is not None and position <= started)):
            raise forms.ValidationError(_("A round comes after the rounds already started: give a number above "
                                          "%(n)d.") % {"n": started or 0})
        return position


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "weight", "scale_min", "scale_max", "position"]

    def __init__(self, *args, round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        if self.instance.round_id is None:
            self.instance.round = round
        self.fields["position"].label = _("order")

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight is not None and weight <= 0:
            raise forms.ValidationError(_("The weight must be greater than 0."))
        return weight

    def clean(self):
        data = super().clean()
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and low >= high:
            self.add_error("scale_max", _("The highest score must be greater than the lowest."))
        return data


def _pending(round_pk) -> None:
    state = Round.objects.select_for_update().filter(pk=round_pk).values_list("state", flat=True).first()
    if state is not None and state != Round.State.PENDING:
        raise DomainError(_t("This round has started; its settings and criteria can no longer be changed."))


def round_save(form: RoundForm, *, actor) -> Round:
    campaign = form.campaign
    if campaign.state not in EDITABLE_CAMPAIGN_STATES:
        raise DomainError(_t("Rounds cannot be changed once the public notice has started."))
    with transaction.atomic():
        if form.instance.pk:
            _pending(form.instance.pk)
        created = form.instance.pk is None
        rnd = form.save()
        audit_log(actor=actor, action="awards.round.saved", obj=campaign,
                  data={"round": rnd.pk, "created": created, "kind": rnd.kind, "position": rnd.position,
                        "quorum": rnd.quorum, "aggregation": rnd.aggregation, "blind": rnd.blind,
                        "changed": sorted(form.changed_data)})
    return rnd


def criterion_save(form: CriterionForm, *, actor) -> Criterion:
    with transaction.atomic():
        _pending(form.round.pk)
        created = form.instance.pk is None
        criterion = form.save()
        audit_log(actor=actor, action="awards.criterion.saved", obj=form.round.campaign,
                  data={"round": form.round.pk, "criterion": criterion.pk, "created": created,
                        "name": criterion.name, "weight": str(criterion.weight),
                        "scale": [criterion.scale_min, criterion.scale_max]})
    return criterion
