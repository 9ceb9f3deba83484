"""Public pages of consultations, mounted at /consultations/."""

from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/comments/", views.comments, name="comments"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/diff/", views.diff_view, name="diff"),
    path("<int:pk>/outcome/", views.outcome, name="outcome"),
    path("<int:pk>/outcome.<str:fmt>", views.outcome_export, name="outcome_export"),
    path("receipt/<str:receipt_number>/", views.receipt, name="receipt"),
    path("receipt/<str:receipt_number>/withdraw/", views.withdraw, name="withdraw"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
