from django.urls import path

from . import views

app_name = "associations"

urlpatterns = [
    path("members/", views.my_members, name="my_members"),
    path("associations/<int:pk>/members/", views.member_list, name="member_list"),
    path("associations/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("associations/<int:pk>/members/import/", views.member_import, name="member_import"),
    path("associations/<int:pk>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("associations/<int:pk>/members/<int:membership_id>/invite/", views.member_invite, name="member_invite"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
