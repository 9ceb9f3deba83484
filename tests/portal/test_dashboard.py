import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings
from django.urls import reverse

from associations.models import AssociationStaff
from tests.factories import UserFactory, association_staff, committee_user, firm_user

pytestmark = pytest.mark.django_db


def test_dashboard_requires_login(client):
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_committee_admin_sees_role_and_back_office(client):
    user = committee_user(admin=True)
    client.force_login(user)
    html = client.get("/me/").content.decode()
    assert "badge-committee" in html
    assert 'href="/admin/"' in html
    assert reverse("firms_admin:index") in html


def test_committee_editor_sees_editor_role_without_org_admin_links(client):
    user = committee_user(admin=False)
    client.force_login(user)
    response = client.get("/me/")
    html = response.content.decode()
    assert "badge-committee" in html
    assert 'href="/admin/"' in html
    assert reverse("firms_admin:index") not in html


def test_association_admin_sees_association_badge_and_manage_link(client, association):
    user = association_staff(association, role=AssociationStaff.Role.ADMIN)
    client.force_login(user)
    html = client.get("/me/").content.decode()
    assert "badge-association" in html
    assert association.name in html
    assert reverse("associations:member_list", args=[association.pk]) in html
    assert 'href="/admin/"' not in html


def test_association_staff_sees_view_only_link(client, association):
    user = association_staff(association, role=AssociationStaff.Role.STAFF)
    client.force_login(user)
    response = client.get("/me/")
    assert association.name in response.content.decode()
    assert response.context["staff_bindings"][0].role == AssociationStaff.Role.STAFF


def test_firm_user_sees_firm_and_its_association(client, association, member_firm):
    user = firm_user(member_firm)
    client.force_login(user)
    html = client.get("/me/").content.decode()
    assert "badge-firm" in html
    assert member_firm.name in html
    assert association.name in html


def test_unbound_user_is_told_what_they_can_do(client):
    client.force_login(UserFactory())
    response = client.get("/me/")
    assert response.status_code == 200
    assert not response.context["staff_bindings"] and not response.context["firm_bindings"]
    assert "badge-muted" in response.content.decode()


def test_admin_opens_for_committee_accounts_only(client, association):
    client.force_login(committee_user(admin=False))
    assert client.get("/admin/").status_code == 200
    client.force_login(association_staff(association))
    assert client.get("/admin/").status_code in (302, 403)


@override_settings(PORTAL_REQUIRE_MFA_FOR_COMMITTEE=True)
def test_committee_staff_without_mfa_is_sent_to_enrol(client):
    client.force_login(committee_user())
    for path in ("/me/", "/admin/", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # The enrolment itself (and logging out) stays reachable.
    assert client.get(reverse("mfa_index")).status_code == 200


@override_settings(PORTAL_REQUIRE_MFA_FOR_COMMITTEE=True)
def test_committee_staff_with_totp_pass_through(client):
    user = committee_user()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    client.force_login(user)
    assert client.get("/me/").status_code == 200


@override_settings(PORTAL_REQUIRE_MFA_FOR_COMMITTEE=True)
def test_mfa_rule_does_not_touch_association_staff(client, association):
    client.force_login(association_staff(association))
    assert client.get("/me/").status_code == 200


def test_mfa_rule_is_off_in_dev_and_test_settings(client):
    client.force_login(committee_user())
    assert client.get("/me/").status_code == 200
