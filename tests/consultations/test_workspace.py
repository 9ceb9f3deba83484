"""The consultations workspace at /me/consultations/: association staff and firm users."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from consultations import permissions, services
from consultations.models import Audience, Comment, Consultation, MemberPoint
from consultations.workspace_selectors import orgs_for, workspace_sections
from tests.consultations.helpers import article, make_consultation
from tests.factories import AssociationFactory, MembershipFactory, association_staff, committee_user, firm_user

pytestmark = pytest.mark.django_db

INDEX = reverse("consultations_workspace:index")


def comments_url(consultation):
    return reverse("consultations_workspace:comments", args=[consultation.pk])


def point_url(consultation):
    return reverse("consultations_workspace:point", args=[consultation.pk])


def drop_url(point):
    return reverse("consultations_workspace:point_drop", args=[point.pk])


def adopt_url(consultation):
    return reverse("consultations_workspace:adopt", args=[consultation.pk])


def comment_form_url(consultation):
    """The public comment form (consultations.urls), where the workspace sends staff to submit comments."""
    return reverse("consultations:comment", args=[consultation.pk])


@pytest.fixture
def admin(db):
    return committee_user()


@pytest.fixture
def consultation(admin, association):
    return make_consultation(admin=admin, invited=[association], title="成都市户外广告设置管理办法（征求意见稿）")


@pytest.fixture
def firm_member(member_firm):
    return firm_user(member_firm)


def send_point(user, consultation, firm, association, text="收运时间过于集中", label="第五条"):
    return services.member_point_submit(
        actor=user, consultation=consultation, firm=firm, association=association,
        article=article(consultation, label) if label else None, problem=text, reason="理由", suggestion="建议")


def association_comment(user, consultation, association, points=(), text="建议明确收运时间"):
    return services.comment_submit(actor=user, consultation=consultation, speaker=f"association:{association.pk}",
                                   problem=text, adopted_points=points)


def invite(consultation, association):
    """Invite one more association (test setup); a fresh object, as permissions cache the invited ids."""
    consultation.invited_associations.add(association)
    return Consultation.objects.get(pk=consultation.pk)


# --- access ---------------------------------------------------------------------------------------------------------

def test_anonymous_is_redirected_to_login(client, consultation, member_firm, firm_member, association):
    point = send_point(firm_member, consultation, member_firm, association)
    for url in (INDEX, comments_url(consultation), point_url(consultation)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    response = client.post(drop_url(point), {"note": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    point.refresh_from_db()
    assert point.status == MemberPoint.Status.PENDING


def test_invited_association_staff_see_the_consultation(client, consultation, association_admin):
    client.force_login(association_admin)
    response = client.get(INDEX)
    assert response.status_code == 200
    page = response.content.decode()
    assert consultation.title in page and consultation.number in page
    assert comment_form_url(consultation) in page
    [section] = response.context["sections"]
    [row] = section.rows
    assert row.consultation == consultation and not row.submitted and row.pending_points == 0 and row.may_comment
    assert client.get(comments_url(consultation)).status_code == 200


def test_staff_of_a_non_invited_association_neither_see_it_nor_open_it(client, consultation, other_association):
    client.force_login(association_staff(other_association))
    response = client.get(INDEX)
    assert response.status_code == 200
    assert consultation.title not in response.content.decode()
    assert client.get(comments_url(consultation)).status_code == 404
    assert client.get(point_url(consultation)).status_code == 404


def test_consultation_open_to_all_associations_is_listed_for_any_association(client, admin, other_association):
    consultation = make_consultation(admin=admin, audience=Audience.ASSOCIATIONS, title="全体协会征求意见")
    client.force_login(association_staff(other_association))
    assert consultation.title in client.get(INDEX).content.decode()
    assert client.get(comments_url(consultation)).status_code == 200


def test_draft_consultation_is_404(client, admin, association, association_admin):
    draft = make_consultation(admin=admin, invited=[association], publish=False)
    client.force_login(association_admin)
    assert client.get(comments_url(draft)).status_code == 404


def test_user_without_organisation_gets_an_empty_workspace_and_404_on_a_consultation(client, consultation):
    client.force_login(committee_user(admin=False))
    response = client.get(INDEX)
    assert response.status_code == 200 and response.context["sections"] == []
    assert client.get(comments_url(consultation)).status_code == 404


def test_dashboard_links_to_the_workspace_for_staff_and_firm_users(client, association_admin, firm_member):
    for user in (association_admin, firm_member):
        client.force_login(user)
        assert INDEX in client.get("/me/").content.decode()


# --- member points ------------------------------------------------------------------------------------------------

def test_firm_user_of_a_member_firm_submits_a_point(client, consultation, association, member_firm, firm_member):
    client.force_login(firm_member)
    assert point_url(consultation) in client.get(INDEX).content.decode()
    fifth = article(consultation, "第五条")
    response = client.post(point_url(consultation), {
        "target": f"{member_firm.pk}:{association.pk}", "article": fifth.pk, "problem": "收运时间过于集中",
        "reason": "高峰期交通拥堵", "suggestion": "增加夜间收运时段"})
    assert response.status_code == 302
    point = MemberPoint.objects.get()
    assert (point.firm, point.association, point.article, point.author) == (member_firm, association, fifth,
                                                                            firm_member)
    assert point.status == MemberPoint.Status.PENDING
    page = client.get(response["Location"]).content.decode()
    assert "收运时间过于集中" in page and association.name in page


def test_point_without_a_problem_is_rejected_and_nothing_is_saved(client, consultation, association, member_firm,
                                                                  firm_member):
    client.force_login(firm_member)
    response = client.post(point_url(consultation), {"target": f"{member_firm.pk}:{association.pk}",
                                                     "problem": "<p> </p>"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not MemberPoint.objects.exists()


def test_point_page_is_404_for_a_firm_whose_association_is_not_invited(client, admin, other_association):
    consultation = make_consultation(admin=admin, invited=[other_association])
    outsider = MembershipFactory(association=AssociationFactory()).firm
    client.force_login(firm_user(outsider))
    assert client.get(point_url(consultation)).status_code == 404
    assert client.post(point_url(consultation), {"problem": "x"}).status_code == 404
    assert consultation.title not in client.get(INDEX).content.decode()


def test_point_page_is_404_once_the_consultation_has_closed(client, consultation, firm_member):
    with time_machine.travel(consultation.ends_at + timedelta(minutes=1)):
        client.force_login(firm_member)
        assert client.get(point_url(consultation)).status_code == 404


def test_staff_drop_one_point_and_adopt_another_and_the_firm_sees_both(
        client, consultation, association, association_admin, member_firm, firm_member):
    dropped = send_point(firm_member, consultation, member_firm, association, text="第一条意见")
    adopted = send_point(firm_member, consultation, member_firm, association, text="第二条意见", label=None)
    client.force_login(association_admin)
    page = client.get(comments_url(consultation)).content.decode()
    assert member_firm.name in page and "第一条意见" in page and "第二条意见" in page
    assert f"{comment_form_url(consultation)}?points={adopted.pk}" in page

    response = client.post(drop_url(dropped), {"note": "已有上位法规定"})
    assert response.status_code == 302 and response["Location"] == comments_url(consultation)
    comment = association_comment(association_admin, consultation, association, points=[adopted.pk])
    dropped.refresh_from_db()
    adopted.refresh_from_db()
    assert (dropped.status, dropped.note) == (MemberPoint.Status.DROPPED, "已有上位法规定")
    assert (adopted.status, adopted.comment) == (MemberPoint.Status.ADOPTED, comment)

    page = client.get(comments_url(consultation)).content.decode()
    assert comment.receipt_number in page
    assert reverse("consultations:receipt", args=[comment.receipt_number]) in page

    client.force_login(firm_member)
    page = client.get(point_url(consultation)).content.decode()
    assert comment.receipt_number in page and "已有上位法规定" in page
    page = client.get(comments_url(consultation)).content.decode()
    assert comment.receipt_number in page and "已有上位法规定" in page


def test_dropping_a_handled_point_again_shows_the_error_and_changes_nothing(
        client, consultation, association, association_admin, member_firm, firm_member):
    point = send_point(firm_member, consultation, member_firm, association)
    services.member_point_decide(actor=association_admin, point=point, note="第一次")
    client.force_login(association_admin)
    response = client.post(drop_url(point), {"note": "第二次"})
    assert response.status_code == 200
    assert response.context["drop_form"].non_field_errors()
    assert 'class="form-errors" role="alert"' in response.content.decode()
    point.refresh_from_db()
    assert point.note == "第一次"


def test_another_associations_staff_get_404_on_the_points(
        client, consultation, association, other_association, member_firm, firm_member):
    point = send_point(firm_member, consultation, member_firm, association)
    client.force_login(association_staff(other_association))
    assert client.post(drop_url(point), {"note": "x"}).status_code == 404
    assert client.get(comments_url(consultation)).status_code == 404
    response = client.get(adopt_url(consultation), {"points": point.pk})
    assert response.status_code == 404
    point.refresh_from_db()
    assert point.status == MemberPoint.Status.PENDING


def test_adopt_redirects_to_the_comment_page_with_the_chosen_pending_points(
        client, consultation, association, association_admin, member_firm, firm_member, other_association):
    first = send_point(firm_member, consultation, member_firm, association)
    second = send_point(firm_member, consultation, member_firm, association)
    other_firm = MembershipFactory(association=other_association).firm
    consultation = invite(consultation, other_association)
    foreign = send_point(firm_user(other_firm), consultation, other_firm, other_association)
    client.force_login(association_admin)
    response = client.get(adopt_url(consultation), {"points": [second.pk, first.pk, foreign.pk, "x"]})
    assert response.status_code == 302
    assert response["Location"] == f"{comment_form_url(consultation)}?points={first.pk},{second.pk}"


@pytest.mark.parametrize("bad", ["²", "１", "-1", "9" * 30, " ", "0"])
def test_adopt_ignores_point_ids_that_are_not_ascii_whole_numbers(
        client, consultation, association, association_admin, member_firm, firm_member, bad):
    point = send_point(firm_member, consultation, member_firm, association)
    client.force_login(association_admin)
    response = client.get(adopt_url(consultation), {"points": [bad]})
    assert response.status_code == 302 and response["Location"] == comments_url(consultation)  # none chosen
    response = client.get(adopt_url(consultation), {"points": [bad, point.pk]})
    assert response.status_code == 302
    assert response["Location"] == f"{comment_form_url(consultation)}?points={point.pk}"


# --- comments -----------------------------------------------------------------------------------------------------

def test_own_comments_are_listed_with_every_status(client, admin, consultation, association, association_admin,
                                                   other_association):
    kept = association_comment(association_admin, consultation, association, text="保留的意见")
    withdrawn = association_comment(association_admin, consultation, association, text="撤回的意见")
    services.comment_withdraw(actor=association_admin, comment=withdrawn)
    services.comment_hide(actor=admin, comment=kept, reason="含有个人信息")
    consultation = invite(consultation, other_association)
    foreign = association_comment(association_staff(other_association), consultation, other_association)
    client.force_login(association_admin)
    response = client.get(comments_url(consultation))
    page = response.content.decode()
    assert kept.receipt_number in page and withdrawn.receipt_number in page
    assert foreign.receipt_number not in page
    [panel] = response.context["panels"]
    assert [c.status for c in panel.comments] == [Comment.Status.SUBMITTED, Comment.Status.WITHDRAWN]
    [row] = client.get(INDEX).context["sections"][0].rows
    assert row.submitted and row.comment_count == 1


def test_firm_listing_agrees_with_the_permissions(client, admin, association, member_firm, firm_member,
                                                  other_association):
    invited = make_consultation(admin=admin, invited=[association], title="邀请本协会")
    members = make_consultation(admin=admin, audience=Audience.MEMBERS, title="会员单位可提意见")
    elsewhere = make_consultation(admin=admin, invited=[other_association], title="邀请其他协会")
    [section] = workspace_sections(orgs_for(firm_member))
    rows = {row.consultation.pk: row for row in section.rows}
    for consultation in (invited, members, elsewhere):
        targets = [a.pk for _f, a in permissions.point_targets_for(firm_member, consultation)]
        speaks = any(s.firm for s in permissions.speakers_for(firm_member, consultation))
        row = rows.get(consultation.pk)
        assert (row is not None) == bool(targets or speaks)
        if row:
            assert [a.pk for a in row.point_targets] == targets and row.may_comment == speaks


def test_open_and_upcoming_consultations_come_before_closed_ones(admin, association, association_admin):
    now = timezone.now()
    closed = make_consultation(admin=admin, invited=[association], starts_at=now - timedelta(days=40),
                               ends_at=now + timedelta(days=1), title="已截止")
    upcoming = make_consultation(admin=admin, invited=[association], starts_at=now + timedelta(days=3),
                                 title="未开始")
    current = make_consultation(admin=admin, invited=[association], title="征求中")
    with time_machine.travel(now + timedelta(days=2)):
        [section] = workspace_sections(orgs_for(association_admin))
    assert [r.consultation for r in section.rows] == [current, upcoming, closed]


# --- query counts -------------------------------------------------------------------------------------------------

def _populate(consultation, association, staff, n):
    """n member points (half handled), n association comments, on ``consultation``."""
    for i in range(n):
        membership = MembershipFactory(association=association)
        point = send_point(firm_user(membership.firm), consultation, membership.firm, association, text=f"意见{i}")
        if i % 2:
            services.member_point_decide(actor=staff, point=point, note="不采纳")
        association_comment(staff, consultation, association,
                            points=[point.pk] if not i % 2 else (), text=f"协会意见{i}")


@pytest.mark.parametrize("n", [2, 20])
def test_index_query_count_is_fixed(client, admin, association, association_admin, n, django_assert_num_queries):
    for _ in range(2 if n == 2 else 5):
        _populate(make_consultation(admin=admin, invited=[association]), association, association_admin, n // 2)
    client.force_login(association_admin)
    with django_assert_num_queries(8):
        response = client.get(INDEX)
    assert response.status_code == 200


@pytest.mark.parametrize("n", [2, 20])
def test_comments_page_query_count_is_fixed(client, consultation, association, association_admin, n,
                                            django_assert_num_queries):
    _populate(consultation, association, association_admin, n)
    client.force_login(association_admin)
    with django_assert_num_queries(11):
        response = client.get(comments_url(consultation))
    assert len(response.context["panels"][0].comments) == n


@pytest.mark.parametrize("n", [2, 20])
def test_point_page_query_count_is_fixed(client, consultation, association, association_admin, member_firm,
                                         firm_member, n, django_assert_num_queries):
    for i in range(n):
        point = send_point(firm_member, consultation, member_firm, association, text=f"意见{i}")
        if i % 2:
            services.member_point_decide(actor=association_admin, point=point, note="不采纳")
        else:
            association_comment(association_admin, consultation, association, points=[point.pk])
    client.force_login(firm_member)
    with django_assert_num_queries(10):
        response = client.get(point_url(consultation))
    assert len(response.context["points"]) == n
