"""/me/awards/: a member firm's entries (its users, or association staff on its behalf)."""

from django.urls import path

from . import workspace_views as views

app_name = "awards_workspace"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:campaign_id>/enter/", views.entry_new, name="entry_new"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/submit/", views.entry_submit, name="entry_submit"),
    path("entries/<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("entries/<int:pk>/files/", views.entry_file_add, name="entry_file_add"),
    path("files/<int:pk>/", views.entry_file, name="entry_file"),
]
