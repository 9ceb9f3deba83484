"""The organisers' console under /me/awards/manage/: committee staff (every campaign) and the staff of the
organising association (its campaigns). Campaign setup, entries, panel, publicity and objections
(manage_views); rounds, criteria, results and the results XLSX (manage_rounds)."""

from django.urls import path

from . import manage_rounds, manage_views

app_name = "awards_manage"

urlpatterns = [
    path("", manage_views.index, name="index"),
    path("add/", manage_views.campaign_edit, name="campaign_add"),
    path("<int:pk>/", manage_views.campaign, name="campaign"),
    path("<int:pk>/edit/", manage_views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/categories/add/", manage_views.category_edit, name="category_add"),
    path("<int:pk>/categories/<int:category_id>/", manage_views.category_edit, name="category_edit"),
    path("<int:pk>/action/<str:action>/", manage_views.campaign_action, name="campaign_action"),
    path("<int:pk>/entries/", manage_views.entries, name="entries"),
    path("entries/<int:entry_id>/", manage_views.entry, name="entry"),
    path("<int:pk>/panel/", manage_views.panel, name="panel"),
    path("<int:pk>/objections/", manage_views.objections, name="objections"),
    path("objections/<int:objection_id>/", manage_views.objection, name="objection"),
    path("objections/<int:objection_id>/evidence/", manage_views.objection_evidence, name="objection_evidence"),
    path("<int:pk>/rounds/add/", manage_rounds.round_edit, name="round_add"),
    path("rounds/<int:round_id>/", manage_rounds.round_detail, name="round"),
    path("rounds/<int:round_id>/edit/", manage_rounds.round_edit, name="round_edit"),
    path("rounds/<int:round_id>/criteria/add/", manage_rounds.criterion_edit, name="criterion_add"),
    path("rounds/<int:round_id>/criteria/<int:criterion_id>/", manage_rounds.criterion_edit, name="criterion_edit"),
    path("rounds/<int:round_id>/<str:action>/", manage_rounds.round_action, name="round_action"),
    path("<int:pk>/results.xlsx", manage_rounds.results_xlsx, name="results_xlsx"),
]
