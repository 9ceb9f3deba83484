"""Read-only public JSON API of the expert pool, mounted at /api/v1/experts/ (namespace "experts_api")."""

from django.urls import path

from . import api

app_name = "experts_api"

urlpatterns = [
    path("", api.expert_list, name="list"),
    path("<int:pk>/", api.expert_detail, name="detail"),
    path("<path:rest>", api.not_found),
]
