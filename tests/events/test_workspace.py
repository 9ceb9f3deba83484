"""The attendee's workspace /me/events/: the list, cancel, accept an offer, edit, and staff registering colleagues."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Registration
from tests.factories import (
    AssociationFactory,
    FirmFactory,
    MembershipFactory,
    UserFactory,
    association_staff,
    committee_user,
)

from .helpers import make_event, question, register, ticket

pytestmark = pytest.mark.django_db(transaction=False)

VALID_ID = "11010519491231002X"
INDEX = "/me/events/"
QUERIES_REGISTRATION = 8  # the same with 2 and 30 answered questions (answers prefetched with their questions)
QUERIES_COLLEAGUE_EVENTS = 5


def url(name, *args):
    return reverse(f"events_workspace:{name}", args=args)


def test_list_shows_own_and_colleague_registrations_not_others(client):
    association = AssociationFactory()
    firm = MembershipFactory(association=association).firm
    staff = association_staff(association)
    event, past = make_event(), make_event()
    own = register(event, staff, name="本人报名")
    colleague = register(event, staff, email="colleague@example.com", name="同事李四", firm=firm,
                         for_colleague=True)
    register(event, UserFactory(), name="别人王五")
    register(past, staff, name="往期报名")
    type(past).objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(days=3),
                                                 ends_at=timezone.now() - timedelta(days=2))
    client.force_login(staff)
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "本人报名" in html and "同事李四" in html and "往期报名" in html
    assert "别人王五" not in html
    assert {r["registration"].pk for r in response.context["upcoming"]} == {own.pk, colleague.pk}
    assert [r["registration"].name for r in response.context["past"]] == ["往期报名"]
    assert own.get_ticket_url() in html
    assert url("cancel", own.pk) in html


def _bulk(user, event, n):
    tt = ticket(event)
    Registration.objects.bulk_create(
        Registration(event=event, ticket_type=tt, state=Registration.State.CONFIRMED, name=f"参会人{i}",
                     email=f"p{i}@example.com", user=user, registered_by=user) for i in range(n))


def test_list_query_count_is_fixed(client, django_assert_num_queries):
    user = UserFactory()
    event = make_event(size=5000)
    _bulk(user, event, 10)
    client.force_login(user)
    client.get(INDEX)
    with django_assert_num_queries(5):  # session, user, count, the page (with event + ticket type), site
        assert client.get(INDEX).status_code == 200
    _bulk(user, make_event(size=5000), 990)
    with django_assert_num_queries(5):
        response = client.get(INDEX)
    assert response.context["page"].paginator.count == 1000
    assert len(response.context["upcoming"]) == 20


def test_cancel_frees_the_place_and_offers_it_to_the_waiting_list(client):
    event = make_event(size=1)
    first, second = UserFactory(), UserFactory()
    held = register(event, first)
    waiting = register(event, second)
    assert waiting.state == Registration.State.WAITING
    client.force_login(first)
    response = client.post(url("cancel", held.pk), {"reason": "行程冲突"})
    assert response.status_code == 302
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.state == Registration.State.CANCELLED and held.cancel_reason == "行程冲突"
    assert waiting.has_open_offer
    client.force_login(second)
    html = client.get(INDEX).content.decode()
    assert url("accept_offer", waiting.pk) in html
    response = client.post(url("accept_offer", waiting.pk), {"next": "registration"})
    assert response.status_code == 302 and response["Location"] == url("registration", waiting.pk)
    waiting.refresh_from_db()
    assert waiting.state == Registration.State.CONFIRMED


def test_accept_without_an_open_offer_shows_a_message(client):
    event = make_event(size=0)
    user = UserFactory()
    waiting = register(event, user)
    client.force_login(user)
    response = client.post(url("accept_offer", waiting.pk), follow=True)
    assert response.status_code == 200
    assert any("offer" in str(m).lower() or "名额" in str(m) or "邀请" in str(m)
               for m in response.context["messages"])
    waiting.refresh_from_db()
    assert waiting.state == Registration.State.WAITING


def test_cancelling_twice_is_a_message_not_an_error(client):
    user = UserFactory()
    reg = register(make_event(), user)
    client.force_login(user)
    client.post(url("cancel", reg.pk))
    response = client.post(url("cancel", reg.pk), follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])


def test_edit_of_confirmed_registration_goes_back_to_pending_when_approval_is_required(client):
    event = make_event(approval=True)
    user = UserFactory()
    reg = register(event, user)
    services.approve(reg, actor=committee_user())
    client.force_login(user)
    page = client.get(url("registration", reg.pk))
    assert page.status_code == 200 and b"resets-to-pending" in page.content
    response = client.post(url("registration", reg.pk), {"name": "张三丰", "company": "成都照明公司"})
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.name == "张三丰" and reg.state == Registration.State.PENDING


def test_invalid_id_number_on_edit_rerenders_and_changes_nothing(client):
    event = make_event()
    q = question(event, "身份证号", "id_number", required=True)
    user = UserFactory()
    reg = register(event, user, answers={q.field_name: VALID_ID})
    client.force_login(user)
    response = client.post(url("registration", reg.pk), {"name": "改名", q.field_name: "110105194912310021"})
    assert response.status_code == 200
    assert response.context["form"].errors[q.field_name]
    reg.refresh_from_db()
    assert reg.name == "张三"
    assert reg.answers.get().value == VALID_ID


def test_staff_only_answers_are_not_shown_to_the_attendee(client):
    event = make_event()
    seat = question(event, "座位号", "text", staff_only=True)
    user = UserFactory()
    reg = register(event, user)
    reg.answers.create(question=seat, value="A-12")
    client.force_login(user)
    html = client.get(url("registration", reg.pk)).content.decode()
    assert "座位号" not in html and "A-12" not in html


def test_other_users_registration_is_404(client):
    reg = register(make_event(), UserFactory())
    organiser = committee_user()
    for user in (UserFactory(), organiser):
        client.force_login(user)
        assert client.get(url("registration", reg.pk)).status_code == 404
        assert client.post(url("cancel", reg.pk)).status_code == 404
        assert client.post(url("accept_offer", reg.pk)).status_code == 404
    reg.refresh_from_db()
    assert reg.state == Registration.State.CONFIRMED


def test_login_required(client):
    assert client.get(INDEX).status_code == 302


def test_staff_registers_a_colleague_of_a_member_firm(client):
    association = AssociationFactory()
    firm = MembershipFactory(association=association).firm
    outsider = FirmFactory()
    staff = association_staff(association)
    event = make_event()
    client.force_login(staff)
    listing = client.get(url("colleague_events"))
    assert listing.status_code == 200 and event.title in listing.content.decode()
    page = url("register_colleague", event.pk)
    data = {"name": "同事李四", "email": "lisi@example.com", "ticket_type": ticket(event).pk}
    refused = client.post(page, {**data, "colleague-firm": outsider.pk})
    assert refused.status_code == 200 and refused.context["firm_form"].errors["firm"]
    assert not Registration.objects.filter(email="lisi@example.com").exists()
    response = client.post(page, {**data, "colleague-firm": firm.pk})
    assert response.status_code == 302
    reg = Registration.objects.get(email="lisi@example.com")
    assert reg.firm == firm and reg.user is None and reg.registered_by == staff
    assert "同事李四" in client.get(INDEX).content.decode()


def test_colleague_pages_are_403_for_others(client):
    event = make_event()
    client.force_login(UserFactory())
    assert client.get(url("colleague_events")).status_code == 403
    assert client.get(url("register_colleague", event.pk)).status_code == 403


def test_dashboard_links(client):
    client.force_login(UserFactory())
    html = client.get("/me/").content.decode()
    assert INDEX in html
    assert url("colleague_events") not in html and reverse("events_manage:index") not in html
    client.force_login(association_staff(AssociationFactory()))
    html = client.get("/me/").content.decode()
    assert url("colleague_events") in html and reverse("events_manage:index") in html
    client.force_login(committee_user())
    html = client.get("/me/").content.decode()
    assert reverse("events_manage:index") in html and url("colleague_events") not in html


def _questions(event, n):
    return {question(event, f"问题{i}", "text").field_name: f"回答{i}" for i in range(n)}


def test_registration_page_query_count_is_fixed(client, django_assert_num_queries):
    user = UserFactory()
    small, large = make_event(), make_event()
    few = register(small, user, answers=_questions(small, 2))
    many = register(large, user, answers=_questions(large, 30))
    client.force_login(user)
    client.get(url("registration", few.pk))
    with django_assert_num_queries(QUERIES_REGISTRATION):
        assert client.get(url("registration", few.pk)).status_code == 200
    with django_assert_num_queries(QUERIES_REGISTRATION):
        assert "回答29" in client.get(url("registration", many.pk)).content.decode()


def test_colleague_events_query_count_is_fixed(client, django_assert_num_queries):
    staff = association_staff(AssociationFactory())
    make_event()
    client.force_login(staff)
    client.get(url("colleague_events"))
    with django_assert_num_queries(QUERIES_COLLEAGUE_EVENTS):
        client.get(url("colleague_events"))
    for _i in range(10):
        make_event()
    with django_assert_num_queries(QUERIES_COLLEAGUE_EVENTS):
        response = client.get(url("colleague_events"))
    assert len(response.context["events"]) == 11
