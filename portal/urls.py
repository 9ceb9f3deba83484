from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import views as core_views
from search import urls as search_urls

from . import views

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
handler429 = "core.views.too_many_requests"  # allauth's rate limits render through it

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/lang/<str:code>/", core_views.switch_language, name="switch_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("me/", views.dashboard, name="dashboard"),
    path("me/consultations/", include("consultations.workspace_urls")),
    path("me/credit/", include("credit.workspace_urls")),
    path("me/expert/", include("experts.workspace_urls")),
    path("me/", include("associations.urls")),
    path("consultations/", include("consultations.urls")),
    path("api/v1/consultations/", include("consultations.api_urls")),
    path("credit/", include("credit.urls")),
    path("experts/", include("experts.urls")),
    path("events/", include("events.urls")),
    path("awards/", include("awards.urls")),
    path("api/v1/awards/", include("awards.api_urls")),
    path("me/events/manage/", include("events.manage_urls")),
    path("me/awards/manage/", include("awards.manage_urls")),
    path("me/awards/", include("awards.workspace_urls")),
    path("me/judging/", include("awards.judging_urls")),
    path("me/events/", include("events.workspace_urls")),
    path("api/v1/credit/", include("credit.api_urls")),
    path("api/v1/experts/", include("experts.api_urls")),
    path("", include("portal.policies.urls")),
    path("search/", include(search_urls.page_urlpatterns)),
    path("api/v1/search/", include(search_urls.api_urlpatterns)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's own patterns, with its page view replaced by core.views.serve_page (the same view, routed in one lookup).
urlpatterns += [
    path("", include([p for p in wagtail_urls.urlpatterns if p.name != "wagtail_serve"])),
    re_path(wagtail_urls.serve_pattern, core_views.serve_page, name="wagtail_serve"),
]
