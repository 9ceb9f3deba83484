"""Responses workbench (意见处理), outcome publication, moderation and tracker in the Wagtail admin.

``urlpatterns`` are plain paths; consultations/wagtail_hooks.py mounts them under /admin/consultations/ in the
namespace ``consultations_admin``. Every view is for committee staff only (editors and administrators); the
services decide what each role may do (publishing the outcome: administrators).

Views are thin: parse the POST, call one service, redirect back to the workbench (same filters and page) with a
message; a DomainError re-renders the workbench (status 200, nothing changed) with the message at the top and
next to the form that failed.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.auth import require_admin_access
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.audit import audit_log
from core.errors import DomainError
from core.exports import XLSX_TYPE, export_response
from core.params import parse_positive_int, parse_positive_ints
from core.roles import is_committee_staff

from . import admin_tracker, permissions, services
from .exports import export_comments_xlsx
from .models import Comment, Consultation, ReasonTemplate, Result
from .services.responses import unanswered

PER_PAGE = 50


def staff_only(view):
    """Logged in with admin access (else the login page), and committee staff (else PermissionDenied)."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not is_committee_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return require_admin_access(checked)


# --- Forms (parse only; the services validate) --------------------------------------------------------------


class AnswerForm(forms.Form):
    result = forms.ChoiceField(choices=[("", "")] + Result.choices, required=False)
    reason = forms.CharField(required=False, strip=True)
    new_article = forms.IntegerField(required=False)
    template = forms.IntegerField(required=False)

    def answer(self) -> dict:
        """result / reason / new_article, with the reason template's text when the reason was left empty."""
        self.is_valid()
        data = self.cleaned_data
        result, reason = data.get("result", ""), data.get("reason", "")
        template = ReasonTemplate.objects.filter(pk=data["template"]).first() if data.get("template") else None
        if template is not None and not reason:
            result, reason = result or template.result, template.text
        return {"result": result, "reason": reason, "new_article": data.get("new_article")}


class PublishForm(forms.Form):
    note = forms.CharField(required=False, strip=True)
    final_page = forms.IntegerField(required=False)


def _policy_pages():
    from portal.policies.models import PolicyPage

    return PolicyPage.objects.live().order_by("-date_published", "-id").only("id", "title")


# --- The workbench -----------------------------------------------------------------------------------------


class ConsultationAdminMixin(WagtailAdminTemplateMixin):
    """A page about one consultation (``pk`` in the URL)."""

    header_icon = "comment"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.consultation = get_object_or_404(Consultation, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return f"{self.consultation.number} {self.consultation.title}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("consultations_admin:index"), "label": gettext_lazy("Consultations")},
            {"url": reverse("consultations_admin:detail", args=[self.consultation.pk]),
             "label": self.consultation.number},
            {"url": "", "label": self.get_page_title()},
        ]

    def links(self) -> dict:
        pk = self.consultation.pk
        return {
            "responses": reverse("consultations_admin:responses", args=[pk]),
            "tracker": reverse("consultations_admin:tracker", args=[pk]),
            "export": reverse("consultations_admin:responses_export", args=[pk]),
            "outcome_preview": reverse("consultations:outcome", args=[pk]),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, links=self.links(), **kwargs)


class WorkbenchView(ConsultationAdminMixin, TemplateView):
    template_name = "consultations/admin/responses.html"
    page_title = gettext_lazy("Handle comments")
    #: (target, message, posted data) of a failed action, shown next to its form.
    action_error = None

    def get_context_data(self, **kwargs):
        consultation = self.consultation
        articles = admin_tracker.newest_articles(consultation)
        authors = admin_tracker.author_names(consultation)
        filters = admin_tracker.WorkbenchFilters.from_query(
            self.request.GET, article_keys={a.key for a in articles}, authors=set(authors))
        paginator = WagtailPaginator(admin_tracker.workbench_comments(consultation, filters), PER_PAGE)
        page = paginator.get_page(self.request.GET.get("p"))
        comments = list(page.object_list)
        for comment in comments:
            self._prepare(comment)
        error_target = self.action_error[0] if self.action_error else None
        context = super().get_context_data(
            page_obj=page, comments=comments, elided_page_range=paginator.get_elided_page_range(page.number),
            filters=filters, authors=authors, articles=articles,
            results=Result.choices, templates=ReasonTemplate.objects.order_by("title"),
            withdrawn=admin_tracker.withdrawn_comments(consultation),
            unanswered_count=unanswered(consultation).count(),
            can_publish=permissions.can_publish(self.request.user, consultation),
            error_target=error_target, action_error=self.action_error[1] if self.action_error else "",
            posted=self.action_error[2] if self.action_error else {},
            bulk_values=self.action_error[2] if error_target == "bulk" else {},
            query=self.request.GET.urlencode(),
            **kwargs,
        )
        context["reason_templates"] = {str(t.pk): {"result": t.result, "text": t.text} for t in context["templates"]}
        if context["can_publish"]:
            context["policy_pages"] = list(_policy_pages())
        return context

    def _prepare(self, comment: Comment) -> None:
        """Attach what the card shows: current and published answers and the values of the answer form."""
        comment.current = comment.current_responses[-1] if comment.current_responses else None
        published = comment.published_responses[-1] if comment.published_responses else None
        comment.published = published
        comment.published_differs = published is not None and (comment.current is None
                                                                or published.pk != comment.current.pk)
        current = comment.current
        comment.form = {
            "result": current.result if current else "",
            "reason": current.reason if current else "",
            "new_article": current.new_article_id if current else None,
        }
        if self.action_error and self.action_error[0] == f"c-{comment.pk}" and self.action_error[2]:
            comment.form = self.action_error[2]
        comment.error = self.action_error[1] if self.action_error and self.action_error[0] in (
            f"c-{comment.pk}", *(f"c-{d.pk}" for d in comment.grouped)) else ""


class ActionView(WorkbenchView):
    """POST only: perform one service call, then back to the workbench; a DomainError re-renders it."""

    http_method_names = ["post"]
    #: the anchor of the form, for the error and the redirect
    target = "top"
    #: show what was typed again after an error (answer, bulk and publish forms)
    keep_input = False

    def post(self, request, *args, **kwargs):
        try:
            message = self.perform()
        except DomainError as exc:
            return self.failed(exc)
        messages.success(request, message)
        url = reverse("consultations_admin:responses", args=[self.consultation.pk])
        query = request.GET.urlencode()
        return redirect(f"{url}{'?' + query if query else ''}#{self.target}")

    def perform(self) -> str:
        raise NotImplementedError

    def posted(self) -> dict:
        """What was typed, to show again in the form that failed."""
        if not self.keep_input:
            return {}
        post = self.request.POST
        article = post.get("new_article", "")
        return {"result": post.get("result", ""), "reason": post.get("reason", ""), "note": post.get("note", ""),
                "of": post.get("of", ""), "new_article": parse_positive_int(article)}

    def failed(self, exc: DomainError):
        messages.error(self.request, str(exc))
        self.action_error = (self.target, str(exc), self.posted())
        return self.render_to_response(self.get_context_data(), status=200)


class CommentActionView(ActionView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.comment = get_object_or_404(Comment, pk=kwargs["comment_pk"], consultation=self.consultation)
        self.comment.consultation = self.consultation
        self.target = f"c-{self.comment.pk}"


class ResponseSaveView(CommentActionView):
    keep_input = True

    def perform(self):
        self.form = AnswerForm(self.request.POST)
        services.response_save(actor=self.request.user, comment=self.comment, **self.form.answer())
        return _("The answer to %(receipt)s is saved (not yet published).") % {
            "receipt": self.comment.receipt_number}


class BulkView(ActionView):
    target = "bulk"
    keep_input = True

    def perform(self):
        answer = AnswerForm(self.request.POST).answer()
        selected = parse_positive_ints(self.request.POST.getlist("comments"))
        saved = services.response_bulk(actor=self.request.user, consultation=self.consultation, comments=selected,
                                       result=answer["result"], reason=answer["reason"])
        return _("%(n)s answers saved (not yet published).") % {"n": len(saved)}


def find_comment(consultation: Consultation, number: str) -> Comment:
    """A submitted comment of ``consultation`` by its receipt number or its sequence number."""
    number = (number or "").strip()
    comments = Comment.objects.submitted().filter(consultation=consultation)
    found = None
    sequence = parse_positive_int(number)
    if sequence is not None:
        found = comments.filter(sequence=sequence).first()
    elif number:
        found = comments.filter(receipt_number__iexact=number).first()
    if found is None:
        raise DomainError(_("No submitted comment of this consultation has the number “%(number)s”.")
                          % {"number": number})
    return found


class DuplicateView(CommentActionView):
    def perform(self):
        user, comment = self.request.user, self.comment
        if self.request.POST.get("ungroup"):
            services.comment_mark_duplicate(actor=user, comment=comment, of=None)
            return _("%(receipt)s is no longer grouped.") % {"receipt": comment.receipt_number}
        leader = find_comment(self.consultation, self.request.POST.get("of", ""))
        comment = services.comment_mark_duplicate(actor=user, comment=comment, of=leader)
        self.target = f"c-{comment.duplicate_of_id}"
        return _("%(receipt)s is grouped under %(leader)s and answered with it.") % {
            "receipt": comment.receipt_number, "leader": comment.duplicate_of.receipt_number}


class HideView(CommentActionView):
    def perform(self):
        services.comment_hide(actor=self.request.user, comment=self.comment,
                              reason=self.request.POST.get("reason", ""))
        return _("%(receipt)s is hidden from the public; its text is kept.") % {
            "receipt": self.comment.receipt_number}


class UnhideView(CommentActionView):
    def perform(self):
        services.comment_unhide(actor=self.request.user, comment=self.comment)
        return _("%(receipt)s is shown to the public again.") % {"receipt": self.comment.receipt_number}


class PublishView(ActionView):
    target = "publish"
    keep_input = True

    def perform(self):
        form = PublishForm(self.request.POST)
        data = form.cleaned_data if form.is_valid() else {}
        final_page = None
        if data.get("final_page"):
            final_page = _policy_pages().filter(pk=data["final_page"]).first()
            if final_page is None:
                raise DomainError(_("Choose a published policy page as the final text."))
        count = services.outcome_publish(actor=self.request.user, consultation=self.consultation,
                                         note=data.get("note", ""), final_page=final_page)
        return _("The outcome is published: %(n)s answers became public.") % {"n": count}


# --- Tracker and export --------------------------------------------------------------------------------------


class TrackerView(ConsultationAdminMixin, TemplateView):
    template_name = "consultations/admin/tracker.html"
    page_title = gettext_lazy("Consultation tracker")
    header_icon = "view"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tracker=admin_tracker.tracker(self.consultation), results=Result.choices,
                                         heat_levels=range(admin_tracker.HEAT_LEVELS + 1), **kwargs)


def export_view(request, pk):
    """All comments (hidden, unpublished answers, contacts) as XLSX for internal work."""
    consultation = get_object_or_404(Consultation, pk=pk)
    data = export_comments_xlsx(consultation, published_only=False)
    audit_log(actor=request.user, action="consultations.comments.exported", obj=consultation,
              data={"published_only": False})
    return export_response(data, f"{consultation.number}-意见清单.xlsx", XLSX_TYPE)


urlpatterns = [
    path("<int:pk>/responses/", staff_only(WorkbenchView.as_view()), name="responses"),
    path("<int:pk>/responses/bulk/", staff_only(BulkView.as_view()), name="responses_bulk"),
    path("<int:pk>/responses/export.xlsx", staff_only(export_view), name="responses_export"),
    path("<int:pk>/responses/<int:comment_pk>/answer/", staff_only(ResponseSaveView.as_view()),
         name="response_save"),
    path("<int:pk>/responses/<int:comment_pk>/duplicate/", staff_only(DuplicateView.as_view()),
         name="comment_duplicate"),
    path("<int:pk>/responses/<int:comment_pk>/hide/", staff_only(HideView.as_view()), name="comment_hide"),
    path("<int:pk>/responses/<int:comment_pk>/unhide/", staff_only(UnhideView.as_view()), name="comment_unhide"),
    path("<int:pk>/outcome/publish/", staff_only(PublishView.as_view()), name="outcome_publish"),
    path("<int:pk>/tracker/", staff_only(TrackerView.as_view()), name="tracker"),
]
