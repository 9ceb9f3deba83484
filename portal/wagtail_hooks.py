"""Back office (Wagtail admin) of the policy library.

A "Policy library" menu groups:

- **Policy documents** — a flat listing of every PolicyPage (a `PageListingViewSet`), filterable by category,
  issuing body, validity and date published, searchable, exportable. Editing, submitting for review, approving and
  scheduling go through Wagtail's own page views and the review workflow 委员会审核 (see portal/setup.py).
- **Issuing bodies** — the 发文机关 list (a `SnippetViewSet`), searched through the ORM; a body that has issued
  policies cannot be deleted (the page keeps a PROTECT foreign key to it).

Who sees what follows the committee groups (associations/roles_setup.py): editors and administrators both have page
permissions, so both get the policy listing; issuing bodies are listed for both and edited by administrators.
"""

import django_filters
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy, ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.views.pages.listing import IndexView as PageIndexView
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from .policies.models import IssuingBody, PolicyPage

POLICY_MENU_HOOK = "register_policy_library_menu_item"


# --- Policy documents: a flat listing of PolicyPage ----------------------------------------------------


class PolicyPageFilterSet(PageFilterSet):
    date_published = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Date published"), widget=DateRangePickerWidget
    )

    class Meta:
        model = PolicyPage
        fields = ["category", "issuing_body", "validity", "subject_category", "date_published"]


class PolicyPageIndexView(PageIndexView):
    def annotate_queryset(self, pages):
        # The listing is fetched as specific pages; the issuing body comes with them (no query per row).
        return super().annotate_queryset(pages).select_related("issuing_body", for_specific_subqueries=True)


class PolicyPageMenuItem(MenuItem):
    def is_shown(self, request):
        return PagePermissionPolicy().user_has_any_permission(
            request.user, PolicyPageIndexView.any_permission_required
        )


class PolicyPageListingViewSet(PageListingViewSet):
    model = PolicyPage
    name = "policy_pages"
    url_prefix = "policy-documents"
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Policy documents")
    menu_name = "policy-documents"
    menu_item_class = PolicyPageMenuItem
    index_view_class = PolicyPageIndexView
    filterset_class = PolicyPageFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label=gettext_lazy("Title"), sort_key="title", classname="title"),
        Column("document_number", label=gettext_lazy("Document number"), sort_key="document_number"),
        Column("issuing_body", label=gettext_lazy("Issuing body"), accessor="issuing_body"),
        Column("category", label=gettext_lazy("Category"), accessor="get_category_display", sort_key="category"),
        Column(
            "validity", label=gettext_lazy("Validity"), accessor="effective_validity_label", sort_key="validity"
        ),
        DateColumn("date_published", label=gettext_lazy("Date published"), sort_key="date_published"),
        PageStatusColumn("status", label=gettext_lazy("Status"), sort_key="live", width="12%"),
    ]
    ordering = "-date_published"
    list_per_page = 50
    list_export = [
        "index_number", "document_number", "title", "issuing_body", "category", "validity", "date_written",
        "date_published", "date_effective", "live", "url",
    ]
    export_headings = {
        "index_number": gettext_lazy("Index number"),
        "document_number": gettext_lazy("Document number"),
        "title": gettext_lazy("Title"),
        "issuing_body": gettext_lazy("Issuing body"),
        "category": gettext_lazy("Category"),
        "validity": gettext_lazy("Validity"),
        "date_written": gettext_lazy("Date written"),
        "date_published": gettext_lazy("Date published"),
        "date_effective": gettext_lazy("Date in force"),
        "live": gettext_lazy("Live"),
        "url": gettext_lazy("URL"),
    }
    export_filename = "policy-documents"


class PolicyLibraryMenu(ViewSetGroup):
    """The "Policy library" submenu; other items (issuing bodies) join it through POLICY_MENU_HOOK."""

    menu_label = gettext_lazy("Policy library")
    menu_name = "policy-library"
    menu_icon = "doc-full-inverse"
    menu_order = 240  # just before "Associations" (250)
    submenu_hook = POLICY_MENU_HOOK
    items = (PolicyPageListingViewSet,)


@hooks.register("register_admin_viewset")
def register_policy_viewsets():
    return PolicyLibraryMenu()


# --- Issuing bodies (发文机关) ---------------------------------------------------------------------


class IssuingBodyIndexView(SnippetIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(policy_count=Count("policies"))


class IssuingBodyViewSet(SnippetViewSet):
    model = IssuingBody
    icon = "site"
    menu_label = gettext_lazy("Issuing bodies")
    menu_name = "issuing-bodies"
    menu_hook = POLICY_MENU_HOOK  # shown in the "Policy library" submenu, not under "Snippets"
    menu_order = 200
    index_view_class = IssuingBodyIndexView
    list_display = [
        "name",
        "short_name",
        "org_code",
        Column("policy_count", label=gettext_lazy("Policies"), sort_key="policy_count"),
        "sort_order",
    ]
    search_fields = ["name", "short_name", "org_code"]
    search_backend_name = None  # ORM search (icontains); issuing bodies are not in the search index
    ordering = ["sort_order", "id"]
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = True


register_snippet(IssuingBodyViewSet)


@hooks.register("before_delete_snippet")
def refuse_deleting_issuing_body_in_use(request, instances):
    """Runs for the delete view and the bulk delete action: a body with policies stays (PROTECT)."""
    bodies = [obj for obj in instances if isinstance(obj, IssuingBody)]
    if not bodies:
        return None
    used = list(IssuingBody.objects.filter(pk__in=[b.pk for b in bodies], policies__isnull=False).distinct())
    if not used:
        return None
    names = "、".join(body.name for body in used)
    messages.error(
        request,
        ngettext(
            "%(names)s has issued policies and cannot be deleted.",
            "%(names)s have issued policies and cannot be deleted.",
            len(used),
        )
        % {"names": names},
    )
    return redirect(IssuingBody.snippet_viewset.get_url_name("list"))
