"""/me/events/: a user's registrations, association staff registering colleagues, the organisers' console is
events/manage_urls.py under /me/events/manage/."""

from django.urls import path

from . import workspace_views as views

app_name = "events_workspace"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.registration, name="registration"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/accept/", views.accept_offer, name="accept_offer"),
    path("colleagues/", views.colleague_events, name="colleague_events"),
    path("colleagues/<int:event_id>/", views.register_colleague, name="register_colleague"),
]
