"""Every consultation URL against every role, for GET and for the POSTs that change something.

The list of URLs comes from the URL resolver: a new consultation URL without a row here fails
``test_every_consultation_url_is_in_the_matrix``. Objects of another organisation are 404; a page that needs a login
sends the anonymous visitor to it (302); the back office sends everyone outside the committee away (302).
"""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations import services
from consultations.models import CommentAttachment, ReasonTemplate, Result
from tests.consultations.helpers import article, make_consultation
from tests.factories import (
    AssociationFactory,
    FirmFactory,
    MembershipFactory,
    UserFactory,
    association_staff,
    committee_user,
    firm_user,
)
from tests.url_matrix import statuses, url_names_under

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "public", "firm", "invited_staff", "other_staff", "editor", "admin")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class World:
    users: dict
    consultation: object
    comment: object
    point: object
    attachment: object
    template: object


@pytest.fixture
def world():
    admin = committee_user()
    invited, other = AssociationFactory(), AssociationFactory()
    firm = FirmFactory()
    MembershipFactory(firm=firm, association=invited)
    consultation = make_consultation(admin=admin, invited=[invited])
    staff = association_staff(invited)
    comment = services.comment_submit(
        actor=staff, consultation=consultation, speaker=f"association:{invited.pk}",
        article=article(consultation, "第五条"), problem="收运时间规定过严。",
        files=[SimpleUploadedFile("意见.pdf", PDF, content_type="application/pdf")])
    member = firm_user(firm)
    point = services.member_point_submit(actor=member, consultation=consultation, firm=firm, association=invited,
                                         problem="建议放宽收运时间。")
    template = ReasonTemplate.objects.create(title="已有规定", result=Result.ALREADY, text="上位法已有规定。")
    users = {
        "anonymous": None,
        "public": UserFactory(),
        "firm": member,
        "invited_staff": staff,
        "other_staff": association_staff(other),
        "editor": committee_user(admin=False),
        "admin": admin,
    }
    return World(users, consultation, comment, point, CommentAttachment.objects.get(comment=comment), template)


def _all(status):
    return dict.fromkeys(ROLES, status)


def _roles(default, **overrides):
    return {**_all(default), **overrides}


OPEN = _all(200)
LOGIN_THEN_200 = _roles(200, anonymous=302)
INVITED_ONLY = _roles(404, anonymous=302, invited_staff=200)
INVITED_REDIRECT = _roles(404, anonymous=302, invited_staff=302)  # the invited staff act and are sent on
COMMITTEE_ONLY_PAGE = _roles(404, editor=200, admin=200)
BACK_OFFICE = _roles(302, editor=200, admin=200)  # Wagtail sends non-admins to the login / admin home
# An empty POST: refused for outsiders (302 away), re-rendered with the form's error for the committee (200).
BACK_OFFICE_POST = _roles(302, editor=200, admin=200)
# Publishing, extending and publishing the outcome are for administrators: editors are sent back (302).
ADMIN_POST = _roles(302, admin=200)

# name → (method, kwargs(world) → dict, expected status per role)
MATRIX = {
    "consultations:index": ("get", lambda w: {}, OPEN),
    "consultations:detail": ("get", lambda w: {"pk": w.consultation.pk}, OPEN),
    "consultations:comments": ("get", lambda w: {"pk": w.consultation.pk}, OPEN),
    "consultations:comment": ("get", lambda w: {"pk": w.consultation.pk}, INVITED_ONLY),
    "consultations:diff": ("get", lambda w: {"pk": w.consultation.pk}, OPEN),
    "consultations:outcome": ("get", lambda w: {"pk": w.consultation.pk}, COMMITTEE_ONLY_PAGE),
    "consultations:outcome_export": ("get", lambda w: {"pk": w.consultation.pk, "fmt": "xlsx"}, _all(404)),
    "consultations:receipt": ("get", lambda w: {"receipt_number": w.comment.receipt_number},
                              _roles(404, anonymous=302, invited_staff=200, editor=200, admin=200)),
    "consultations:withdraw": ("post", lambda w: {"receipt_number": w.comment.receipt_number},
                               _roles(404, anonymous=302, invited_staff=302, editor=302, admin=302)),
    "consultations:attachment": ("get", lambda w: {"pk": w.attachment.pk}, OPEN),
    "consultations_api:list": ("get", lambda w: {}, OPEN),
    "consultations_api:detail": ("get", lambda w: {"pk": w.consultation.pk}, OPEN),
    "consultations_api:None": ("get", lambda w: {"rest": "nothing/here"}, _all(404)),
    "consultations_workspace:index": ("get", lambda w: {}, LOGIN_THEN_200),
    "consultations_workspace:comments": ("get", lambda w: {"pk": w.consultation.pk},
                                         _roles(404, anonymous=302, firm=200, invited_staff=200)),
    "consultations_workspace:adopt": ("get", lambda w: {"pk": w.consultation.pk}, INVITED_REDIRECT),
    "consultations_workspace:point": ("get", lambda w: {"pk": w.consultation.pk},
                                      _roles(404, anonymous=302, firm=200)),
    "consultations_workspace:point_drop": ("post", lambda w: {"point_pk": w.point.pk}, INVITED_REDIRECT),
    "consultations_admin:index": ("get", lambda w: {}, BACK_OFFICE),
    "consultations_admin:add": ("get", lambda w: {}, BACK_OFFICE),
    "consultations_admin:detail": ("get", lambda w: {"pk": w.consultation.pk}, BACK_OFFICE),
    "consultations_admin:edit": ("get", lambda w: {"pk": w.consultation.pk}, BACK_OFFICE),
    "consultations_admin:publish": ("post", lambda w: {"pk": w.consultation.pk}, ADMIN_POST),
    "consultations_admin:extend": ("post", lambda w: {"pk": w.consultation.pk}, ADMIN_POST),
    "consultations_admin:version_add": ("get", lambda w: {"pk": w.consultation.pk}, BACK_OFFICE),
    "consultations_admin:version_preview": ("get", lambda w: {"pk": w.consultation.pk, "number": 1}, BACK_OFFICE),
    "consultations_admin:version_publish": ("post", lambda w: {"pk": w.consultation.pk, "number": 1},
                                            ADMIN_POST),
    "consultations_admin:offline": ("get", lambda w: {"pk": w.consultation.pk}, BACK_OFFICE),
    "consultations_admin:responses": ("get", lambda w: {"pk": w.consultation.pk}, BACK_OFFICE),
    "consultations_admin:responses_bulk": ("post", lambda w: {"pk": w.consultation.pk}, BACK_OFFICE_POST),
    "consultations_admin:responses_export": ("get", lambda w: {"pk": w.consultation.pk}, BACK_OFFICE),
    "consultations_admin:response_save": ("post", lambda w: {"pk": w.consultation.pk, "comment_pk": w.comment.pk},
                                          BACK_OFFICE_POST),
    "consultations_admin:comment_duplicate": ("post", lambda w: {"pk": w.consultation.pk,
                                                                 "comment_pk": w.comment.pk}, BACK_OFFICE_POST),
    "consultations_admin:comment_hide": ("post", lambda w: {"pk": w.consultation.pk, "comment_pk": w.comment.pk},
                                         BACK_OFFICE_POST),
    "consultations_admin:comment_unhide": ("post", lambda w: {"pk": w.consultation.pk,
                                                              "comment_pk": w.comment.pk}, _all(302)),
    # The workbench re-renders with the refusal for an editor (200): nothing is published.
    "consultations_admin:outcome_publish": ("post", lambda w: {"pk": w.consultation.pk}, BACK_OFFICE_POST),
    "consultations_admin:tracker": ("get", lambda w: {"pk": w.consultation.pk}, BACK_OFFICE),
    "reason_templates:index": ("get", lambda w: {}, BACK_OFFICE),
    "reason_templates:index_results": ("get", lambda w: {}, BACK_OFFICE),
    "reason_templates:add": ("get", lambda w: {}, BACK_OFFICE),
    "reason_templates:edit": ("get", lambda w: {"pk": w.template.pk}, BACK_OFFICE),
    "reason_templates:history": ("get", lambda w: {"pk": w.template.pk}, BACK_OFFICE),
    "reason_templates:history_results": ("get", lambda w: {"pk": w.template.pk}, BACK_OFFICE),
    "reason_templates:usage": ("get", lambda w: {"pk": w.template.pk}, BACK_OFFICE),
    "reason_templates:delete": ("get", lambda w: {"pk": w.template.pk}, _roles(302, editor=302, admin=200)),
}


def test_every_consultation_url_is_in_the_matrix():
    missing = url_names_under("consultations") - set(MATRIX)
    assert not missing, f"consultation URLs without a permission-matrix row: {sorted(missing)}"


def _url(name, kwargs):
    if name == "consultations_api:None":
        return "/api/v1/consultations/" + kwargs["rest"]
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_it_should(client, world, name):
    method, kwargs, expected = MATRIX[name]
    assert statuses(client, world.users, method, _url(name, kwargs(world))) == expected


def test_refused_posts_change_nothing(client, world):
    """A POST from a role that may not act leaves the comment, the point and the consultation as they were."""
    before = (world.comment.status, world.point.status, world.consultation.published_at)
    for role in ("anonymous", "public", "firm", "other_staff"):
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        client.post(reverse("consultations:withdraw", args=[world.comment.receipt_number]))
        client.post(reverse("consultations_workspace:point_drop", args=[world.point.pk]))
        client.post(reverse("consultations_admin:comment_hide", args=[world.consultation.pk, world.comment.pk]),
                    {"reason": "x"})
    world.comment.refresh_from_db()
    world.point.refresh_from_db()
    world.consultation.refresh_from_db()
    assert (world.comment.status, world.point.status, world.consultation.published_at) == before
    assert world.comment.hidden_at is None


# --- other kinds of consultation --------------------------------------------------------------------------
HIDDEN_FROM_OUTSIDERS = ("consultations:detail", "consultations:comments", "consultations:diff",
                         "consultations:comment", "consultations_api:detail")


@pytest.mark.parametrize("name", HIDDEN_FROM_OUTSIDERS)
def test_internal_consultation_is_404_outside_the_committee_and_the_invited(client, world, name):
    internal = make_consultation(admin=world.users["admin"], kind="internal",
                                 invited=list(world.consultation.invited_associations.all()))
    got = {}
    for role in ROLES:
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        got[role] = client.get(reverse(name, kwargs={"pk": internal.pk})).status_code
    outsiders = {role: got[role] for role in ("public", "firm", "other_staff")}
    assert outsiders == dict.fromkeys(outsiders, 404)
    assert got["anonymous"] in (302, 404)
    if name != "consultations_api:detail":  # the public API never shows internal consultations
        assert got["invited_staff"] == 200


@pytest.mark.parametrize("name", ("consultations:detail", "consultations:comments", "consultations_api:detail"))
def test_draft_consultation_is_404_for_everyone_outside_the_committee(client, world, name):
    draft = make_consultation(admin=world.users["admin"], publish=False)
    for role in ("anonymous", "public", "firm", "invited_staff", "other_staff"):
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        assert client.get(reverse(name, kwargs={"pk": draft.pk})).status_code == 404, role


def test_committee_only_comments_are_not_shown_to_outsiders_until_the_outcome(client, world):
    from consultations.models import Visibility

    quiet = make_consultation(admin=world.users["admin"], visibility=Visibility.COMMITTEE,
                              invited=list(world.consultation.invited_associations.all()))
    association = quiet.invited_associations.get()
    services.comment_submit(actor=world.users["invited_staff"], consultation=quiet,
                            speaker=f"association:{association.pk}", problem="只给委员会看的意见。")
    for role in ("anonymous", "public", "other_staff"):
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        page = client.get(reverse("consultations:comments", kwargs={"pk": quiet.pk}))
        assert "只给委员会看的意见" not in page.content.decode(), role
    client.force_login(world.users["editor"])
    page = client.get(reverse("consultations:comments", kwargs={"pk": quiet.pk}))
    assert "只给委员会看的意见" in page.content.decode()
