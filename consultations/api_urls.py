"""Read-only public JSON API of consultations, mounted at /api/v1/consultations/."""

from django.urls import path

from . import api

app_name = "consultations_api"

urlpatterns = [
    path("", api.consultation_list, name="list"),
    path("<int:pk>/", api.consultation_detail, name="detail"),
    path("<path:rest>", api.not_found),
]
