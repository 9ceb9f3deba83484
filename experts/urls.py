from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.detail, name="detail"),
    path("draws/<int:pk>/", views.draw, name="draw"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
