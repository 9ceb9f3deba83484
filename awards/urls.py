"""Public award pages under /awards/."""

from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/objection/", views.objection, name="objection"),
    path("<int:pk>/certificates/<int:winner>/", views.certificate, name="certificate"),
]
