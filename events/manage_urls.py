"""The organisers' console under /me/events/manage/: committee staff (every event) and the staff of the organising
association (its events). Setup, registrations, invitations (manage_views), check-in and exports
(checkin_views, exports)."""

from django.urls import path

from . import checkin_views, exports, manage_views

app_name = "events_manage"

urlpatterns = [
    path("", manage_views.index, name="index"),
    path("<int:event_id>/", manage_views.event, name="event"),
    path("<int:event_id>/setup/", manage_views.setup, name="setup"),
    path("<int:event_id>/<str:kind>/add/", manage_views.item_edit, name="item_add"),
    path("<int:event_id>/<str:kind>/<int:pk>/", manage_views.item_edit, name="item_edit"),
    path("<int:event_id>/registrations/", manage_views.registrations, name="registrations"),
    path("registrations/<int:pk>/", manage_views.registration, name="registration"),
    path("registrations/<int:pk>/<str:action>/", manage_views.registration_action, name="registration_action"),
    path("<int:event_id>/invitations/", manage_views.invitations, name="invitations"),
    path("invitations/<int:pk>/revoke/", manage_views.invitation_revoke, name="invitation_revoke"),
    path("<int:event_id>/checkin/", checkin_views.lists, name="checkin_lists"),
    path("checkin/<int:list_id>/", checkin_views.scan, name="checkin"),
    path("checkin/<int:list_id>/counts.json", checkin_views.counts, name="checkin_counts"),
    path("checkin/<int:list_id>/security.xlsx", exports.security_list, name="export_security"),
    path("<int:event_id>/export/attendees.xlsx", exports.attendees, name="export_attendees"),
    path("<int:event_id>/export/checkins.csv", exports.checkin_log, name="export_checkins"),
]
