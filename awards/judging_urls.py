"""/me/judging/: a judge's campaigns, the entries assigned in open rounds, score forms and progress."""

from django.urls import path

from . import judging_views as views

app_name = "judging"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:round_id>/", views.round_entries, name="round"),
    path("entries/<int:pk>/", views.round_entry, name="entry"),
    path("entries/<int:pk>/recuse/", views.recuse, name="recuse"),
    path("files/<int:pk>/", views.entry_file, name="file"),
]
