"""Public event URLs under /events/ (the event pages themselves are Wagtail pages under the same prefix; these
Django routes are tried first and never clash with a page slug because page slugs cannot contain a slash)."""

from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("register/<int:event_id>/", views.register, name="register"),
    path("<int:event_id>/calendar.ics", views.event_ics, name="event_ics"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("tickets/<str:token>/", views.ticket, name="ticket"),
    path("tickets/<str:token>/qr.svg", views.ticket_qr, name="ticket_qr"),
    path("tickets/<str:token>/event.ics", views.ticket_ics, name="ticket_ics"),
]
