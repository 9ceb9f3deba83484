"""Read-only open data under /api/v1/awards/."""

from django.urls import path

from . import api

app_name = "awards_api"

urlpatterns = [
    path("", api.campaign_list, name="list"),
    path("<int:pk>/", api.campaign_detail, name="detail"),
]
