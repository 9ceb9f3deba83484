import pytest
from django.core import mail
from django.urls import reverse

from associations.models import AssociationStaff, FirmUser, Membership
from core.models import AuditEntry
from tests.factories import (
    MembershipFactory,
    UserFactory,
    association_staff,
    committee_user,
    firm_user,
    make_uscc,
)

pytestmark = pytest.mark.django_db


def members_url(association):
    return reverse("associations:member_list", args=[association.pk])


def test_my_members_redirects_to_own_association(client, association, association_admin):
    client.force_login(association_admin)
    response = client.get("/me/members/")
    assert response.status_code == 302
    assert response["Location"] == members_url(association)


def test_my_members_is_404_without_an_association(client):
    client.force_login(UserFactory())
    assert client.get("/me/members/").status_code == 404


def test_admin_sees_own_members(client, association, association_admin, member_firm):
    client.force_login(association_admin)
    response = client.get(members_url(association))
    assert response.status_code == 200
    assert member_firm.name in response.content.decode()
    assert response.context["can_manage"] is True


def test_other_association_member_page_is_404(client, association, other_association, association_admin):
    MembershipFactory(association=other_association)
    client.force_login(association_admin)
    assert client.get(members_url(other_association)).status_code == 404
    for name in ("member_add", "member_import"):
        assert client.post(reverse(f"associations:{name}", args=[other_association.pk])).status_code == 404


def test_other_associations_membership_cannot_be_removed_through_own_url(
    client, association, other_association, association_admin
):
    foreign = MembershipFactory(association=other_association)
    client.force_login(association_admin)
    url = reverse("associations:member_remove", args=[association.pk, foreign.pk])
    assert client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.ended_on is None


def test_firm_user_and_anonymous_cannot_see_member_page(client, association, member_firm):
    assert client.get(members_url(association)).status_code == 302  # to login
    client.force_login(firm_user(member_firm))
    assert client.get(members_url(association)).status_code == 404


def test_association_staff_can_view_but_not_manage(client, association):
    staff = association_staff(association, role=AssociationStaff.Role.STAFF)
    client.force_login(staff)
    response = client.get(members_url(association))
    assert response.status_code == 200
    assert response.context["can_manage"] is False
    assert client.post(reverse("associations:member_add", args=[association.pk]), {}).status_code == 403


def test_committee_editor_can_view_any_member_list(client, association):
    client.force_login(committee_user(admin=False))
    assert client.get(members_url(association)).status_code == 200


def test_add_member_creates_firm_membership_and_audit_entry(client, association, association_admin):
    client.force_login(association_admin)
    code = make_uscc()
    response = client.post(
        reverse("associations:member_add", args=[association.pk]),
        {"name": "成都光华照明科技有限公司", "uscc": code, "level": Membership.Level.COUNCIL},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(association=association, firm__uscc=code)
    assert membership.level == Membership.Level.COUNCIL
    assert membership.firm.name_initials == "cdghzmkjyxgs"
    assert AuditEntry.objects.filter(action="associations.membership.created", actor=association_admin).exists()


def test_add_member_with_bad_code_changes_nothing_and_explains(client, association, association_admin):
    client.force_login(association_admin)
    before = Membership.objects.count()
    response = client.post(
        reverse("associations:member_add", args=[association.pk]),
        {"name": "成都光华照明科技有限公司", "uscc": "91110000600037341M", "level": "member"},
    )
    assert response.status_code == 400
    assert "“L”" in response.content.decode()
    assert Membership.objects.count() == before


def test_adding_an_existing_member_is_refused(client, association, association_admin, member_firm):
    client.force_login(association_admin)
    response = client.post(
        reverse("associations:member_add", args=[association.pk]),
        {"name": member_firm.name, "uscc": member_firm.uscc, "level": "member"},
    )
    assert response.status_code == 400
    assert Membership.objects.filter(firm=member_firm).count() == 1


def test_remove_member_ends_membership_but_keeps_record(client, association, association_admin, member_firm):
    membership = Membership.objects.get(firm=member_firm)
    client.force_login(association_admin)
    response = client.post(reverse("associations:member_remove", args=[association.pk, membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_on is not None
    assert AuditEntry.objects.filter(action="associations.membership.ended").count() == 1
    listed = [m.firm for m in client.get(members_url(association)).context["page"]]
    assert member_firm not in listed


def test_invite_then_accept_binds_firm_user(client, association, association_admin, member_firm):
    membership = Membership.objects.get(firm=member_firm)
    client.force_login(association_admin)
    with pytest.MonkeyPatch.context():
        response = client.post(
            reverse("associations:member_invite", args=[association.pk, membership.pk]),
            {"email": "boss@firm.cn"},
        )
    assert response.status_code == 302
    # The mail is sent on commit; the test transaction never commits, so run the callbacks.
    invitation = member_firm.invitations.get()
    link = reverse("associations:invitation_accept", args=[invitation.token])

    invitee = UserFactory(email="boss@firm.cn")
    client.force_login(invitee)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert FirmUser.objects.filter(user=invitee, firm=member_firm).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee


def test_invitation_mail_is_sent_with_the_link(client, association, association_admin, member_firm,
                                               django_capture_on_commit_callbacks):
    membership = Membership.objects.get(firm=member_firm)
    client.force_login(association_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("associations:member_invite", args=[association.pk, membership.pk]), {"email": "boss@firm.cn"}
        )
    assert len(mail.outbox) == 1
    invitation = member_firm.invitations.get()
    assert invitation.token in mail.outbox[0].body
    assert mail.outbox[0].to == ["boss@firm.cn"]


def test_invitation_cannot_be_taken_by_another_address(client, association, association_admin, member_firm):
    membership = Membership.objects.get(firm=member_firm)
    client.force_login(association_admin)
    client.post(reverse("associations:member_invite", args=[association.pk, membership.pk]), {"email": "boss@firm.cn"})
    invitation = member_firm.invitations.get()
    intruder = UserFactory(email="someone@else.cn")
    client.force_login(intruder)
    client.post(reverse("associations:invitation_accept", args=[invitation.token]))
    assert not FirmUser.objects.filter(user=intruder).exists()


def test_member_list_query_count_does_not_grow(client, association, association_admin, django_assert_num_queries):
    client.force_login(association_admin)
    MembershipFactory.create_batch(3, association=association)
    client.get(members_url(association))  # first request of the session records the user session
    with django_assert_num_queries(7):
        client.get(members_url(association))
    MembershipFactory.create_batch(60, association=association)
    with django_assert_num_queries(7):
        client.get(members_url(association))
