from django.urls import path

from . import workspace_views as views

app_name = "experts_workspace"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("apply/", views.apply, name="apply"),
]
