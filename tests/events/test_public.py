"""Public event pages: the list, an event's page, registration, the invitation landing page, tickets and ICS."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Audience, EventIndexPage, Question, Registration, RegistrationSetup
from tests.factories import AssociationFactory, UserFactory, committee_user

from .helpers import make_event, question, register, ticket

pytestmark = pytest.mark.django_db(transaction=False)

VALID_ID = "11010519491231002X"


def _index_url():
    return EventIndexPage.objects.get().url


def _bulk_registrations(event, n, state=Registration.State.CONFIRMED):
    tt = ticket(event)
    Registration.objects.bulk_create([
        Registration(event=event, ticket_type=tt, state=state, name=f"参会人{i}", email=f"p{event.pk}-{i}@example.cn",
                     code=f"B{event.pk:03d}{i:05d}"[:12], token=f"tok-{event.pk}-{i}")
        for i in range(n)])


# --- the list ----------------------------------------------------------------------------------------------------


def test_index_filters_upcoming_past_type_and_organiser(client):
    association = AssociationFactory()
    forum = make_event(title="未来论坛")
    training = make_event(title="协会培训", event_type="training", organiser=association)
    past = make_event(title="往届颁奖", event_type="ceremony", starts_in=timedelta(days=-10))
    url = _index_url()
    body = client.get(url).content.decode()
    assert forum.title in body and training.title in body and past.title not in body
    body = client.get(url, {"when": "past"}).content.decode()
    assert past.title in body and forum.title not in body
    body = client.get(url, {"type": "training"}).content.decode()
    assert training.title in body and forum.title not in body
    body = client.get(url, {"organiser": association.pk}).content.decode()
    assert training.title in body and forum.title not in body
    body = client.get(url, {"organiser": "committee"}).content.decode()
    assert forum.title in body and training.title not in body
    body = client.get(url, {"type": "nonsense", "organiser": "x", "page": "abc"}).content.decode()
    assert forum.title in body


def test_index_shows_status_badges(client):
    full = make_event(title="已满活动", size=1)
    register(full, UserFactory())
    make_event(title="开放活动", size=5)
    body = client.get(_index_url()).content.decode()
    assert "event-status-full" in body and "event-status-open" in body


@pytest.mark.parametrize("n", [10, 1000])
def test_index_query_count_does_not_grow(client, django_assert_num_queries, n):
    for i in range(3):
        event = make_event(title=f"活动{i}", size=2000)
        _bulk_registrations(event, n // 3)
    url = _index_url()
    client.get(url)  # warm caches (site root, etc.)
    with django_assert_num_queries(QUERIES_INDEX):
        assert client.get(url).status_code == 200


QUERIES_INDEX = 12
QUERIES_EVENT = 12


# --- the event page ----------------------------------------------------------------------------------------------


def test_event_page_shows_places_and_waiting_list_notice_when_full(client):
    event = make_event(size=2)
    page = client.get(event.url).content.decode()
    assert "places-left" in page and ">2<" in page
    for _ in range(2):
        register(event, UserFactory())
    page = client.get(event.url).content.decode()
    assert "event-full-notice" in page
    assert reverse("events:register", args=[event.pk]) in page
    assert reverse("events:event_ics", args=[event.pk]) in page


def test_event_page_links_own_ticket(client):
    event = make_event()
    user = UserFactory()
    registration = register(event, user)
    client.force_login(user)
    assert registration.get_ticket_url() in client.get(event.url).content.decode()


def test_event_page_closed_registration_explains(client):
    event = make_event()
    RegistrationSetup.objects.filter(event=event).update(closes_at=timezone.now() - timedelta(hours=1),
                                                         opens_at=timezone.now() - timedelta(days=2))
    page = client.get(event.url).content.decode()
    assert "event-closed-notice" in page
    assert reverse("events:register", args=[event.pk]) not in page


@pytest.mark.parametrize("n", [10, 1000])
def test_event_page_query_count_does_not_grow(client, django_assert_num_queries, n):
    event = make_event(size=2000)
    _bulk_registrations(event, n)
    client.get(event.url)
    with django_assert_num_queries(QUERIES_EVENT):
        assert client.get(event.url).status_code == 200


# --- registration ------------------------------------------------------------------------------------------------


def test_anonymous_register_redirects_to_login(client):
    event = make_event()
    response = client.get(reverse("events:register", args=[event.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"] and "next=" in response["Location"]


def test_register_not_live_is_404(client):
    event = make_event(publish=False)
    client.force_login(UserFactory())
    assert client.get(reverse("events:register", args=[event.pk])).status_code == 404


def test_register_happy_path_ticket_and_mail(client, django_capture_on_commit_callbacks):
    event = make_event()
    q = question(event, "身份证号", Question.Kind.ID_NUMBER, required=True)
    user = UserFactory()
    client.force_login(user)
    url = reverse("events:register", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200 and user.email in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"name": "李四", "email": user.email, "company": "测试公司",
                                     "ticket_type": ticket(event).pk, q.field_name: VALID_ID})
    registration = Registration.objects.get(event=event)
    assert registration.state == Registration.State.CONFIRMED
    assert response.status_code == 302 and response["Location"] == registration.get_ticket_url()
    assert len(mail.outbox) == 1 and len(mail.outbox[0].attachments) == 2
    assert registration.code in mail.outbox[0].body
    ticket_page = client.get(registration.get_ticket_url())
    body = ticket_page.content.decode()
    assert registration.code in body and "<svg" in body
    assert ticket_page["Referrer-Policy"] == "same-origin"
    assert "no-store" in ticket_page["Cache-Control"]


def test_register_when_full_joins_waiting_list_and_says_so(client):
    event = make_event(size=1)
    register(event, UserFactory())
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("events:register", args=[event.pk]),
                           {"name": "王五", "email": user.email, "ticket_type": ticket(event).pk}, follow=False)
    assert response.status_code == 302
    assert Registration.objects.get(email=user.email).state == Registration.State.WAITING


def test_register_invalid_id_number_rerenders_and_saves_nothing(client):
    event = make_event()
    q = question(event, "身份证号", Question.Kind.ID_NUMBER, required=True)
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("events:register", args=[event.pk]),
                           {"name": "李四", "email": user.email, "ticket_type": ticket(event).pk,
                            q.field_name: "110105194912310021"})
    assert response.status_code == 200
    assert response.context["form"].errors[q.field_name]
    assert not Registration.objects.exists()


def test_register_same_email_twice_is_refused_at_the_field(client):
    event = make_event()
    user = UserFactory()
    register(event, UserFactory(), email="same@example.cn")
    client.force_login(user)
    response = client.post(reverse("events:register", args=[event.pk]),
                           {"name": "李四", "email": "same@example.cn", "ticket_type": ticket(event).pk})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert Registration.objects.count() == 1


def test_register_closed_shows_reason_without_form(client):
    event = make_event()
    RegistrationSetup.objects.filter(event=event).update(opens_at=timezone.now() + timedelta(days=1))
    user = UserFactory()
    client.force_login(user)
    url = reverse("events:register", args=[event.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["form"] is None
    assert "event-closed-notice" in response.content.decode()
    response = client.post(url, {"name": "李四", "email": user.email, "ticket_type": ticket(event).pk})
    assert response.status_code == 200 and not Registration.objects.exists()


# --- invitations -------------------------------------------------------------------------------------------------


def _invited_event():
    event = make_event(audience=Audience.INVITED)
    guest = ticket(event, "嘉宾", invitation_only=True)
    invitation = services.invitation_create(event=event, actor=committee_user(), ticket_type=guest, name="王嘉宾",
                                            email="guest@example.cn", lock_email=True, send=False)
    return event, guest, invitation


def test_invitation_page_valid_and_register_with_it(client):
    event, guest, invitation = _invited_event()
    body = client.get(invitation.get_absolute_url()).content.decode()
    assert "王嘉宾" in body and "嘉宾" in body
    assert f"?invitation={invitation.token}" in body
    user = UserFactory()
    client.force_login(user)
    url = reverse("events:register", args=[event.pk]) + f"?invitation={invitation.token}"
    form = client.get(url).context["form"]
    assert form.fields["email"].disabled and form.fields["ticket_type"].disabled
    response = client.post(url, {"name": "王嘉宾", "email": "other@example.cn", "ticket_type": guest.pk})
    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    assert registration.email == "guest@example.cn" and registration.invitation_id == invitation.pk


def test_invited_only_event_without_invitation_shows_code_form(client):
    event, _guest, invitation = _invited_event()
    client.force_login(UserFactory())
    url = reverse("events:register", args=[event.pk])
    response = client.get(url)
    assert response.context["form"] is None and 'name="code"' in response.content.decode()
    response = client.get(url, {"code": invitation.code})
    assert response.context["form"] is not None and response.context["invitation"] == invitation


def test_invitation_page_used_and_revoked(client):
    event, guest, invitation = _invited_event()
    register(event, UserFactory(), ticket_type=guest, invitation=invitation, email="guest@example.cn")
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 200 and "invitation-error" in response.content.decode()
    assert "?invitation=" not in response.content.decode()
    _e, _g, other = _invited_event()
    services.invitation_revoke(other, actor=committee_user())
    response = client.get(other.get_absolute_url())
    assert response.status_code == 200 and "invitation-error" in response.content.decode()
    assert client.get(reverse("events:invitation", args=["nope"])).status_code == 404


# --- tickets and calendar files ----------------------------------------------------------------------------------


def test_ticket_unknown_token_is_404(client):
    assert client.get(reverse("events:ticket", args=["unknown"])).status_code == 404
    assert client.get(reverse("events:ticket_qr", args=["unknown"])).status_code == 404


def test_waiting_ticket_has_no_qr_and_no_ics(client):
    event = make_event(size=1)
    register(event, UserFactory())
    waiting = register(event, UserFactory())
    assert waiting.state == Registration.State.WAITING
    body = client.get(waiting.get_ticket_url()).content.decode()
    assert "<svg" not in body and "ticket-notice" in body
    assert client.get(reverse("events:ticket_ics", args=[waiting.token])).status_code == 404
    assert client.get(reverse("events:ticket_qr", args=[waiting.token])).status_code == 404


def test_ics_files_parse(client):
    event = make_event()
    registration = register(event, UserFactory())
    for url in (reverse("events:event_ics", args=[event.pk]), reverse("events:ticket_ics", args=[registration.token])):
        response = client.get(url)
        assert response["Content-Type"].startswith("text/calendar")
        assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
        vevent = Calendar.from_ical(response.content).walk("VEVENT")[0]
        assert str(vevent["summary"]) == event.title
    qr = client.get(reverse("events:ticket_qr", args=[registration.token]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


@pytest.mark.parametrize("organiser", ["²", "-1", "0", "abc", "9" * 30])
def test_odd_organiser_filters_never_fail(client, organiser):
    assert client.get("/events/", {"organiser": organiser, "type": "x", "page": "²"}).status_code == 200
