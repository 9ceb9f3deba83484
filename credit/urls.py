"""Public credit pages, mounted at /credit/ (namespace "credit")."""

from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("export.csv", views.export, name="export"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("lists/", views.lists, name="lists"),
    path("<str:code>/", views.firm, name="firm"),
]
