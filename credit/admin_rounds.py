"""Rating rounds in the credit back office: list, open, the round's page (state, level distribution, ratings,
compute / publish / finalise) and one rating's explanation with all its versions.

Editors open and compute rounds; committee administrators publish and finalise (the services check the same).
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.widgets.button import HeaderButton

from . import services
from .admin_forms import RatingFilterForm, RoundOpenForm
from .admin_views import ActionMixin, CreditView, ServiceFormView, audit_trail, paginate
from .models import Category, DecisionState, Objection, Rating, RatingRound

ROUNDS = (gettext_lazy("All rating rounds"), "credit_admin:rounds")


def pending_objections(rating_round_ref):
    """Subquery: the number of pending objections to the ratings of a round."""
    counts = (Objection.objects.filter(rating__round=rating_round_ref, state=DecisionState.PENDING).order_by()
              .values("rating__round").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


class RoundIndexView(CreditView, TemplateView):
    template_name = "credit/admin/rounds.html"
    page_title = gettext_lazy("All rating rounds")

    def get_header_buttons(self):
        return [HeaderButton(_("Open a round"), url=reverse("credit_admin:round_add"), icon_name="plus")]

    def get_context_data(self, **kwargs):
        rounds = (RatingRound.objects.select_related("scheme")
                  .annotate(pending_objections=pending_objections(OuterRef("pk"))).order_by("-as_of", "-id"))
        return super().get_context_data(page=paginate(self.request, rounds), **kwargs)


class RoundOpenView(ServiceFormView):
    template_name = "credit/admin/form.html"
    form_class = RoundOpenForm
    page_title = gettext_lazy("Open a round")
    header_icon = "plus"
    section = ROUNDS

    def save(self, form):
        return services.round_open(actor=self.request.user, **form.cleaned_data)

    def success(self, rating_round):
        return (_("Opened “%(name)s”: compute the ratings next.") % {"name": rating_round.name},
                reverse("credit_admin:round", args=[rating_round.pk]))


def level_distribution(levels: list[str], counts: dict[str, int]) -> list[dict]:
    """One row per level of the scheme (highest first), then any other level found, with its share."""
    total = sum(counts.values())
    names = levels + sorted(set(counts) - set(levels))
    return [{"level": name, "count": counts.get(name, 0),
             "percent": round(100 * counts.get(name, 0) / total, 1) if total else 0} for name in names]


class RoundMixin:
    section = ROUNDS

    @cached_property
    def rating_round(self) -> RatingRound:
        return get_object_or_404(RatingRound.objects.select_related("scheme", "superseded_by"),
                                 pk=self.kwargs["pk"])

    def get_page_title(self):
        return self.rating_round.name

    def get_success_url(self):
        return reverse("credit_admin:round", args=[self.rating_round.pk])


class RoundDetailView(RoundMixin, CreditView, TemplateView):
    template_name = "credit/admin/round.html"

    def get_context_data(self, **kwargs):
        rating_round = self.rating_round
        levels = [level.name for level in rating_round.scheme.levels.all()]
        current = Rating.objects.current().filter(round=rating_round)
        counts = dict(current.order_by().values_list("level").annotate(n=Count("pk")))
        form = RatingFilterForm(self.request.GET or None, levels=levels)
        ratings = form.filter(current.select_related("firm")).order_by("-score", "firm__name_pinyin", "pk")
        pending = Objection.objects.filter(rating__round=rating_round, state=DecisionState.PENDING).count()
        return super().get_context_data(
            rating_round=rating_round, distribution=level_distribution(levels, counts),
            rated=sum(counts.values()), filter_form=form, page=paginate(self.request, ratings),
            pending_objections=pending, **kwargs)


class RoundComputeView(ActionMixin, RoundDetailView):
    def perform(self, form):
        n = services.round_compute(actor=self.request.user, rating_round=self.rating_round)
        return _("Computed the ratings of %(n)s firms.") % {"n": n}


class RoundPublishView(ActionMixin, RoundDetailView):
    decide_required = True

    def perform(self, form):
        published = services.round_publish(actor=self.request.user, rating_round=self.rating_round)
        return _("Published for public notice until %(notice)s; objections are accepted until %(close)s.") % {
            "notice": published.notice_ends_on.isoformat(), "close": published.objections_close_on.isoformat()}


class RoundFinaliseView(ActionMixin, RoundDetailView):
    decide_required = True

    def perform(self, form):
        final = services.round_finalise(actor=self.request.user, rating_round=self.rating_round)
        return _("The ratings are final, valid from %(start)s until %(end)s.") % {
            "start": final.valid_from.isoformat(), "end": final.valid_until.isoformat()}


# --- One rating -----------------------------------------------------------------------------------------------


def explanation_rows(explanation: dict) -> tuple[list[dict], list[dict]]:
    """The explanation's category totals and contributions with their category labels."""
    labels = dict(Category.choices)
    categories = [{**c, "label": labels.get(c.get("category"), c.get("category"))}
                  for c in explanation.get("categories", ())]
    contributions = [{**c, "label": labels.get(c.get("category"), c.get("category"))}
                     for c in explanation.get("contributions", ())]
    return categories, contributions


class RatingDetailView(CreditView, TemplateView):
    """One rating version with its explanation; every version of the firm's rating in the round is listed."""

    template_name = "credit/admin/rating.html"
    section = ROUNDS

    @cached_property
    def rating(self) -> Rating:
        return get_object_or_404(Rating.objects.select_related("round__scheme", "firm"), pk=self.kwargs["pk"])

    def get_page_title(self):
        return _("%(firm)s, version %(version)s") % {"firm": self.rating.firm.name, "version": self.rating.version}

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        rating_round = self.rating.round
        items.insert(-1, {"url": reverse("credit_admin:round", args=[rating_round.pk]), "label": rating_round.name})
        return items

    def get_context_data(self, **kwargs):
        rating = self.rating
        categories, contributions = explanation_rows(rating.explanation)
        versions = list(Rating.objects.filter(round_id=rating.round_id, firm_id=rating.firm_id).order_by("-version"))
        return super().get_context_data(
            rating=rating, rating_round=rating.round, categories=categories, contributions=contributions,
            versions=versions, objections=list(rating.objections.order_by("-submitted_at")),
            audit=audit_trail(rating), **kwargs)
