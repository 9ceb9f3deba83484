"""/me/events/: a user's registrations, registering colleagues, and the organisers' console."""

from django.urls import path  # noqa: F401

app_name = "events_workspace"

urlpatterns = []
