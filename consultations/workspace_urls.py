from django.urls import path

from . import workspace_views as views

app_name = "consultations_workspace"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.comments, name="comments"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
    path("<int:pk>/point/", views.point, name="point"),
    path("points/<int:point_pk>/drop/", views.point_drop, name="point_drop"),
]
