"""Mounted twice in portal/urls.py: at search/ (page and suggestions) and at api/v1/search/ (the JSON API)."""

from django.urls import path

from . import views

page_urlpatterns = [
    path("", views.search_index, name="search_index"),
    path("suggest/", views.suggest, name="search_suggest"),
]

api_urlpatterns = [
    path("", views.search_api, name="search_api"),
]

urlpatterns = page_urlpatterns
