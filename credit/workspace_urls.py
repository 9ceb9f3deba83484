from django.urls import path

from . import workspace_views as views

app_name = "credit_workspace"

urlpatterns = [
    path("", views.index, name="index"),
    path("ratings/<int:pk>/", views.rating, name="rating"),
    path("object/", views.objection, name="object"),
    path("repair/<int:event_id>/", views.repair, name="repair"),
    path("files/<slug:kind>/<int:pk>/<slug:field>/", views.request_file, name="file"),
    path("association/<int:association_id>/", views.members, name="members"),
    path("association/<int:association_id>/submit/", views.submit, name="submit"),
]
