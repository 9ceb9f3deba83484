from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.pages import PortalPageMixin


class HomePage(PortalPageMixin, Page):
    """The portal's front page. Sections below the intro are built from live data."""

    lead = models.CharField(_("lead"), max_length=200, blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("lead"), FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["portal.PolicyIndexPage", "events.EventIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from associations.selectors import associations_with_member_counts

        from .policies.selectors import latest_policies

        context = super().get_context(request, *args, **kwargs)
        context["associations"] = list(associations_with_member_counts())
        context["latest_policies"] = latest_policies(limit=6)
        return context


from .policies.models import (  # noqa: E402, F401  (the policy library's models belong to this app)
    IndexNumberCounter,
    IssuingBody,
    PolicyAttachment,
    PolicyIndexPage,
    PolicyPage,
    PolicyPageTag,
)
