"""Read-only public JSON API of credit ratings, mounted at /api/v1/credit/ (namespace "credit_api")."""

from django.urls import path

from . import api

app_name = "credit_api"

urlpatterns = [
    path("", api.rating_list, name="list"),
    path("<str:code>/", api.firm_detail, name="firm"),
    path("<path:rest>", api.not_found),
]
