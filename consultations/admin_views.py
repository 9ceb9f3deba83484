"""The committee's consultation pages in the Wagtail admin (征求意见 back office).

List, create and edit, the consultation's dashboard, draft versions (pasted text or DOCX, parsed preview),
publish, extend or reopen, and comments received offline. Thin views: parse → permission → one service →
redirect or render; a DomainError is shown as a form error and changes nothing.

Committee staff only (``permissions.can_manage``); publishing, extending and publishing a version need
``permissions.can_publish`` (committee administrators). Others get Wagtail's permission-denied redirect.

The URL patterns live in the ``consultations_admin`` namespace together with the responses workbench and
tracker of ``admin_responses`` (see :func:`admin_urlpatterns`).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from core.errors import DomainError

from . import admin_responses, permissions, services
from .admin_forms import (
    ConsultationForm,
    ExtendForm,
    OfflineCommentForm,
    StatusFilterForm,
    VersionForm,
    minimum_period_hints,
)
from .models import Article, Channel, Comment, Consultation, DraftVersion

PER_PAGE = 50
# DomainError.field names that differ from the form's field names.
FIELD_ALIASES = {"invited_associations": "invited", "files": "attachments"}


def add_domain_error(form, exc: DomainError) -> None:
    field = FIELD_ALIASES.get(exc.field, exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def admin_consultations(status: str = ""):
    """Every consultation (drafts and internal ones too) with its comment and invitation counts."""
    qs = Consultation.objects.with_status(status)
    comments = (Comment.objects.filter(consultation=OuterRef("pk"), status=Comment.Status.SUBMITTED).order_by()
                .values("consultation").annotate(n=Count("pk")).values("n"))
    through = Consultation.invited_associations.through
    invited = (through.objects.filter(consultation=OuterRef("pk")).order_by().values("consultation")
               .annotate(n=Count("pk")).values("n"))
    return qs.annotate(
        comment_count=Coalesce(Subquery(comments, output_field=IntegerField()), 0),
        invited_count=Coalesce(Subquery(invited, output_field=IntegerField()), 0),
    ).order_by("-year", "-sequence")


def article_tree(articles: list[Article]) -> list[Article]:
    """The roots of a version's nodes; each node gets ``child_nodes`` (no queries)."""
    by_id = {a.pk: a for a in articles}
    roots = []
    for node in articles:
        node.child_nodes = []
    for node in articles:
        parent = by_id.get(node.parent_id)
        (parent.child_nodes if parent else roots).append(node)
    return roots


class CommitteeView(WagtailAdminTemplateMixin):
    """Committee staff only; ``publish_required`` views are for committee administrators."""

    publish_required = False
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        check = permissions.can_publish if self.publish_required else permissions.can_manage
        if not check(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items,
                 {"url": reverse("consultations_admin:index"), "label": gettext_lazy("Consultations")}]
        consultation = getattr(self, "consultation", None)
        if consultation is not None and not isinstance(self, DetailView):
            items.append({"url": reverse("consultations_admin:detail", args=[consultation.pk]),
                          "label": consultation.number})
        return items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_publish"] = permissions.can_publish(self.request.user)
        return context


class ConsultationMixin:
    @cached_property
    def consultation(self) -> Consultation:
        return get_object_or_404(Consultation, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.consultation.title

    def detail_url(self) -> str:
        return reverse("consultations_admin:detail", args=[self.consultation.pk])


# --- List ---------------------------------------------------------------------------------------------


class IndexView(CommitteeView, TemplateView):
    template_name = "consultations/admin/index.html"
    page_title = gettext_lazy("Consultations")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_header_buttons(self):
        return [HeaderButton(_("New consultation"), url=reverse("consultations_admin:add"), icon_name="plus")]

    def get_context_data(self, **kwargs):
        form = StatusFilterForm(self.request.GET or None)
        status = form.cleaned_data["status"] if form.is_valid() else ""
        page = Paginator(admin_consultations(status), PER_PAGE).get_page(self.request.GET.get("p"))
        return super().get_context_data(filter_form=form, status=status, page=page, **kwargs)


# --- Create and edit ------------------------------------------------------------------------------------


class ConsultationFormView(CommitteeView, FormView):
    template_name = "consultations/admin/form.html"
    form_class = ConsultationForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(minimum_hints=minimum_period_hints(), **kwargs)
        context["chosen_kind"] = context["form"]["kind"].value()
        return context

    def save(self, form) -> Consultation:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            consultation = self.save(form)
        except DomainError as exc:
            add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved “%(title)s”.") % {"title": consultation.title})
        return redirect("consultations_admin:detail", consultation.pk)


class CreateView(ConsultationFormView):
    page_title = gettext_lazy("New consultation")
    header_icon = "plus"

    def save(self, form):
        return services.consultation_create(actor=self.request.user, invited=list(form.cleaned_data["invited"]),
                                            **form.service_fields())


class EditView(ConsultationMixin, ConsultationFormView):
    """A draft is edited here; a published consultation is shown read-only (the service refuses changes)."""

    page_title = gettext_lazy("Edit consultation")
    header_icon = "edit"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.consultation,
                "read_only": self.consultation.published_at is not None}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["consultation"] = self.consultation
        if self.consultation.published_at is not None:
            context["extend_form"] = ExtendForm()
        return context

    def save(self, form):
        return services.consultation_update(actor=self.request.user, consultation=self.consultation,
                                            invited=list(form.cleaned_data["invited"]), **form.service_fields())


# --- Dashboard, publish, extend ------------------------------------------------------------------------


class DetailView(ConsultationMixin, CommitteeView, TemplateView):
    template_name = "consultations/admin/detail.html"

    def get_page_title(self):
        return self.consultation.number

    def get_context_data(self, **kwargs):
        consultation = self.consultation
        submitted = Q(status=Comment.Status.SUBMITTED)
        stats = consultation.comments.aggregate(
            submitted=Count("pk", filter=submitted),
            withdrawn=Count("pk", filter=Q(status=Comment.Status.WITHDRAWN)),
            offline=Count("pk", filter=submitted & ~Q(channel=Channel.ONLINE)),
            late=Count("pk", filter=submitted & Q(is_late=True)),
            hidden=Count("pk", filter=submitted & Q(hidden_at__isnull=False)),
        )
        versions = list(consultation.versions.annotate(
            article_count=Count("articles", filter=Q(articles__kind=Article.NodeKind.ARTICLE))).order_by("number"))
        kwargs.setdefault("extend_form", ExtendForm())
        return super().get_context_data(
            consultation=consultation, stats=stats, versions=versions,
            notices=list(consultation.notices.select_related("created_by")),
            invited=list(consultation.invited_associations.order_by("name")),
            period_warning=self._period_warning(), **kwargs)

    def _period_warning(self) -> str:
        """For a draft: why publishing would be refused on the period, before anyone presses the button."""
        consultation = self.consultation
        if consultation.published_at is not None:
            return ""
        try:
            error = services.minimum_period_error(kind=consultation.kind, starts_at=consultation.starts_at,
                                                  ends_at=consultation.ends_at)
        except DomainError as exc:
            return exc.message
        return error or ""


class PublishView(DetailView):
    publish_required = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.consultation_publish(actor=request.user, consultation=self.consultation)
        except DomainError as exc:
            return self.render_to_response(self.get_context_data(publish_error=exc.message))
        messages.success(request, _("The consultation is published."))
        return redirect(self.detail_url())


class ExtendView(DetailView):
    publish_required = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ExtendForm(request.POST)
        if form.is_valid():
            try:
                services.consultation_extend(actor=request.user, consultation=self.consultation,
                                             new_ends_at=form.cleaned_data["new_ends_at"],
                                             reason=form.cleaned_data["reason"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The new end is published with a notice."))
                return redirect(self.detail_url())
        return self.render_to_response(self.get_context_data(extend_form=form))


# --- Versions ------------------------------------------------------------------------------------------


class VersionAddView(ConsultationMixin, CommitteeView, FormView):
    template_name = "consultations/admin/version_add.html"
    form_class = VersionForm
    page_title = gettext_lazy("New version")
    header_icon = "doc-full-inverse"

    def get_context_data(self, **kwargs):
        versions = list(self.consultation.versions.order_by("number"))
        return super().get_context_data(
            consultation=self.consultation,
            has_published_version=any(v.published_at for v in versions),
            replaces=next((v for v in versions if v.published_at is None), None), **kwargs)

    def form_valid(self, form):
        try:
            version = services.version_create(actor=self.request.user, consultation=self.consultation,
                                              **form.service_kwargs())
        except DomainError as exc:
            add_domain_error(form, exc)
            return self.form_invalid(form)
        return redirect("consultations_admin:version_preview", self.consultation.pk, version.number)


class VersionPreviewView(ConsultationMixin, CommitteeView, TemplateView):
    template_name = "consultations/admin/version_preview.html"

    @cached_property
    def version(self) -> DraftVersion:
        return get_object_or_404(DraftVersion, consultation=self.consultation, number=self.kwargs["number"])

    def get_page_title(self):
        return _("Version %(number)s") % {"number": self.kwargs["number"]}

    def get_context_data(self, **kwargs):
        version = self.version
        articles = list(version.articles.order_by("position"))
        publishable = version.published_at is None and self.consultation.published_at is not None
        return super().get_context_data(
            consultation=self.consultation, version=version, tree=article_tree(articles),
            article_count=sum(1 for a in articles if a.kind == Article.NodeKind.ARTICLE),
            version_publishable=publishable, **kwargs)


class VersionPublishView(VersionPreviewView):
    publish_required = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.version_publish(actor=request.user, version=self.version)
        except DomainError as exc:
            return self.render_to_response(self.get_context_data(publish_error=exc.message))
        messages.success(request, _("Version %(number)s is published.") % {"number": self.version.number})
        return redirect(self.detail_url())


# --- Offline comments ------------------------------------------------------------------------------------


class OfflineCommentView(ConsultationMixin, CommitteeView, FormView):
    template_name = "consultations/admin/offline.html"
    form_class = OfflineCommentForm
    page_title = gettext_lazy("Register an offline comment")
    header_icon = "mail"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consultation": self.consultation}

    def get_initial(self):
        return {"received_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, **kwargs)

    def form_valid(self, form):
        try:
            comment = services.comment_register_offline(actor=self.request.user, consultation=self.consultation,
                                                        **form.service_kwargs())
        except DomainError as exc:
            add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Registered with receipt number %(receipt)s.")
                         % {"receipt": comment.receipt_number})
        return redirect(self.detail_url())


urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    path("add/", CreateView.as_view(), name="add"),
    path("<int:pk>/", DetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", EditView.as_view(), name="edit"),
    path("<int:pk>/publish/", PublishView.as_view(), name="publish"),
    path("<int:pk>/extend/", ExtendView.as_view(), name="extend"),
    path("<int:pk>/versions/add/", VersionAddView.as_view(), name="version_add"),
    path("<int:pk>/versions/<int:number>/", VersionPreviewView.as_view(), name="version_preview"),
    path("<int:pk>/versions/<int:number>/publish/", VersionPublishView.as_view(), name="version_publish"),
    path("<int:pk>/offline/", OfflineCommentView.as_view(), name="offline"),
]


def admin_urlpatterns() -> list:
    """These pages plus the responses workbench and tracker (consultations.admin_responses.urlpatterns)."""
    return [*urlpatterns, *admin_responses.urlpatterns]
