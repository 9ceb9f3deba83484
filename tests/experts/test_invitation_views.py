"""The invitation page /experts/invitation/<token>/: confirm with the 回避承诺, decline with a reason (the next
alternate is invited), and clear pages for a bad link or an invitation already answered or lapsed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from experts import services
from experts.models import Selection
from tests.factories import committee_user

from .helpers import make_draw, make_expert
from .test_public import bulk_experts

pytestmark = pytest.mark.django_db


@pytest.fixture
def draw(db):
    for name in ("王建国", "王丽", "李明"):
        make_expert(name, email=f"{name}@example.com", phone="13800138000")
    draw = make_draw(committee_user(admin=False), count=1, alternates=1)
    return services.draw_run(actor=draw.operator, draw=draw)


def member(draw) -> Selection:
    return draw.selections.get(alternate=False)


def alternate(draw) -> Selection:
    return draw.selections.get(alternate=True)


def url(selection) -> str:
    return reverse("experts:invitation", args=[services.invitation_token(selection)])


def test_page_shows_the_draw_dates_field_and_deadline_without_login(client, draw):
    selection = member(draw)
    response = client.get(url(selection))
    html = response.content.decode()
    assert response.status_code == 200
    assert draw.title in html and "2026-12-01" in html and "2026-12-02" in html
    assert str(selection.get_field_display()) in html
    assert timezone.localtime(selection.answer_by).strftime("%Y-%m-%d %H:%M") in html
    assert 'name="confirm-pledge"' in html and 'name="decline-reason"' in html
    assert "13800138000" not in html


def test_confirm_needs_the_pledge(client, draw):
    selection = member(draw)
    response = client.post(url(selection), {"action": "confirm"})
    assert response.status_code == 200 and response.context["confirm_form"].errors
    selection.refresh_from_db()
    assert selection.response == Selection.Response.WAITING


def test_confirm_with_the_pledge_records_it_and_shows_the_result(client, draw):
    selection = member(draw)
    response = client.post(url(selection), {"action": "confirm", "confirm-pledge": "on"}, follow=True)
    assert response.status_code == 200
    selection.refresh_from_db()
    assert selection.response == Selection.Response.CONFIRMED and selection.recusal_pledge
    assert response.templates[0].name == "experts/invitation_answered.html"
    assert "invitation-confirmed" in response.content.decode()
    assert alternate(draw).response == Selection.Response.STANDBY


def test_decline_needs_a_reason(client, draw):
    selection = member(draw)
    response = client.post(url(selection), {"action": "decline", "decline-reason": "  "})
    assert response.status_code == 200 and response.context["decline_form"].errors
    selection.refresh_from_db()
    assert selection.response == Selection.Response.WAITING
    assert alternate(draw).response == Selection.Response.STANDBY


def test_decline_with_a_reason_promotes_the_alternate(client, draw):
    selection, standby = member(draw), alternate(draw)
    response = client.post(url(selection), {"action": "decline", "decline-reason": "当日出差在外"}, follow=True)
    assert response.status_code == 200 and "当日出差在外" in response.content.decode()
    selection.refresh_from_db()
    standby.refresh_from_db()
    assert selection.response == Selection.Response.DECLINED and selection.decline_reason == "当日出差在外"
    assert standby.response == Selection.Response.WAITING and standby.replaces_id == selection.pk


def test_answered_invitation_shows_a_clear_page_and_changes_nothing(client, draw):
    selection = member(draw)
    services.invitation_answer(token=services.invitation_token(selection), accept=True, pledge=True)
    response = client.post(url(selection), {"action": "decline", "decline-reason": "改变主意"})
    assert response.status_code == 200
    assert response.templates[0].name == "experts/invitation_answered.html"
    selection.refresh_from_db()
    assert selection.response == Selection.Response.CONFIRMED and selection.decline_reason == ""
    assert alternate(draw).response == Selection.Response.STANDBY


def test_lapsed_invitation_shows_a_clear_page_and_changes_nothing(client, draw):
    selection = member(draw)
    Selection.objects.filter(pk=selection.pk).update(answer_by=timezone.now() - timedelta(minutes=1))
    response = client.post(url(selection), {"action": "confirm", "confirm-pledge": "on"})
    assert response.status_code == 200 and response.context["lapsed"]
    selection.refresh_from_db()
    assert selection.response == Selection.Response.WAITING and not selection.recusal_pledge


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
                                    lambda t: "x" + t, lambda t: "nonsense"])
def test_tampered_token_is_404_and_changes_nothing(client, draw, mangle):
    selection = member(draw)
    token = mangle(services.invitation_token(selection))
    target = reverse("experts:invitation", args=[token])
    assert client.get(target).status_code == 404
    response = client.post(target, {"action": "confirm", "confirm-pledge": "on"})
    assert response.status_code == 404 and "invitation-answers" not in response.content.decode()
    selection.refresh_from_db()
    assert selection.response == Selection.Response.WAITING


def test_token_of_another_expert_is_404(client, draw):
    from django.core import signing

    from experts.services.invitations import SALT

    selection = member(draw)
    token = signing.dumps({"s": selection.pk, "e": alternate(draw).expert_id}, salt=SALT)
    assert client.get(reverse("experts:invitation", args=[token])).status_code == 404


@pytest.mark.parametrize("n", [10, 2000])
def test_invitation_page_query_count(client, draw, django_assert_num_queries, n):
    selection = member(draw)
    bulk_experts(n)
    with django_assert_num_queries(1):  # the selection with its draw and expert
        assert client.get(url(selection)).status_code == 200
