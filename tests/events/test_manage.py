"""The organisers' console (/me/events/manage/): who may use it, setup and quotas, questions, registration
actions, invitations, and query counts that do not grow with the registrations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from events.models import Invitation, Question, Quota, Registration, RegistrationSetup
from tests.factories import AssociationFactory, UserFactory, association_staff, committee_user

from .helpers import checkin_list, make_event, question, register, sub_event, ticket

pytestmark = pytest.mark.django_db(transaction=False)


def url(name, *args):
    return reverse(f"events_manage:{name}", args=args)


@pytest.fixture
def staff(client):
    user = committee_user(admin=False)
    client.force_login(user)
    return user


# --- permissions --------------------------------------------------------------------------------------------


def test_committee_staff_manage_every_event(client, staff):
    own = make_event(organiser=AssociationFactory())
    committee = make_event()
    assert client.get(url("index")).status_code == 200
    for event in (own, committee):
        assert client.get(url("event", event.pk)).status_code == 200
        assert client.get(url("registrations", event.pk)).status_code == 200


def test_association_staff_manage_only_their_associations_events(client):
    association = AssociationFactory()
    own, other, committee = make_event(organiser=association), make_event(organiser=AssociationFactory()), \
        make_event()
    client.force_login(association_staff(association))
    response = client.get(url("index"))
    assert response.status_code == 200
    assert own.title in response.text and other.title not in response.text and committee.title not in response.text
    assert client.get(url("event", own.pk)).status_code == 200
    for event in (other, committee):
        for name in ("event", "setup", "registrations", "invitations"):
            assert client.get(url(name, event.pk)).status_code == 404
        registration = register(event, UserFactory())
        assert client.get(url("registration", registration.pk)).status_code == 404
        assert client.post(url("registration_action", registration.pk, "cancel")).status_code == 404


def test_plain_user_is_refused_with_403(client):
    event = make_event()
    client.force_login(UserFactory())
    assert client.get(url("index")).status_code == 403
    assert client.get(url("event", event.pk)).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(url("index")).status_code == 302


def test_unknown_kind_and_foreign_item_are_404(client, staff):
    event, other = make_event(), make_event()
    assert client.get(url("item_add", event.pk, "speakers")).status_code == 404
    foreign = Quota.objects.get(event=other)
    assert client.get(url("item_edit", event.pk, "quotas", foreign.pk)).status_code == 404
    assert client.get(url("item_edit", other.pk, "quotas", foreign.pk)).status_code == 200


# --- setup --------------------------------------------------------------------------------------------------


def _setup_data(opens, closes, **extra):
    data = {"opens_at": opens.strftime("%Y-%m-%dT%H:%M"), "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
            "audience": "public", "waiting_list": "on", "offer_hours": "24", "contact": "028-12345678"}
    data.update(extra)
    return data


def test_setup_is_created_then_edited(client, staff):
    event = make_event()
    RegistrationSetup.objects.filter(event=event).delete()
    page = client.get(url("event", event.pk))
    assert url("setup", event.pk) in page.text
    now = timezone.localtime()
    response = client.post(url("setup", event.pk), _setup_data(now, now + timedelta(days=5)))
    assert response.status_code == 302
    setup = RegistrationSetup.objects.get(event=event)
    assert setup.offer_hours == 24 and setup.waiting_list
    response = client.post(url("setup", event.pk), _setup_data(now, now + timedelta(days=5), offer_hours="12",
                                                               approval_required="on"))
    assert response.status_code == 302
    setup.refresh_from_db()
    assert setup.offer_hours == 12 and setup.approval_required
    assert AuditEntry.objects.filter(action="events.registrationsetup.changed").exists()


def test_setup_closing_before_opening_is_refused(client, staff):
    event = make_event()
    before = RegistrationSetup.objects.get(event=event).closes_at
    now = timezone.localtime()
    response = client.post(url("setup", event.pk), _setup_data(now, now - timedelta(days=1)))
    assert response.status_code == 200
    assert response.context["form"].errors["closes_at"]
    assert RegistrationSetup.objects.get(event=event).closes_at == before


# --- quotas and questions -----------------------------------------------------------------------------------


def test_quota_cannot_shrink_below_places_taken(client, staff):
    event = make_event(size=5)
    for _ in range(3):
        register(event, UserFactory())
    quota = Quota.objects.get(event=event)
    tt = ticket(event)
    response = client.post(url("item_edit", event.pk, "quotas", quota.pk),
                           {"name": "主会场", "size": "2", "ticket_types": [tt.pk]})
    assert response.status_code == 200
    assert "3" in str(response.context["form"].errors["size"])
    quota.refresh_from_db()
    assert quota.size == 5
    response = client.post(url("item_edit", event.pk, "quotas", quota.pk),
                           {"name": "主会场", "size": "3", "ticket_types": [tt.pk]})
    assert response.status_code == 302
    quota.refresh_from_db()
    assert quota.size == 3


def test_quota_choices_are_limited_to_the_event(client, staff):
    event, other = make_event(), make_event()
    response = client.post(url("item_add", event.pk, "quotas"),
                           {"name": "外部", "size": "3", "ticket_types": [ticket(other).pk]})
    assert response.status_code == 200
    assert response.context["form"].errors["ticket_types"]


def test_question_with_options_one_per_line(client, staff):
    event = make_event()
    response = client.post(url("item_add", event.pk, "questions"), {
        "label": "餐饮要求", "kind": "choice", "choices": "普通\n清真\n\n素食\n普通", "position": "0"})
    assert response.status_code == 302
    q = Question.objects.get(event=event, label="餐饮要求")
    assert q.choices == ["普通", "清真", "素食"]
    page = client.get(url("item_edit", event.pk, "questions", q.pk))
    assert "普通\n清真\n素食" in page.text


def test_question_needs_two_options_and_retention_needs_personal_data(client, staff):
    event = make_event()
    response = client.post(url("item_add", event.pk, "questions"), {
        "label": "餐饮要求", "kind": "multi", "choices": "普通", "retention_days": "30", "position": "0"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "choices" in errors and "retention_days" in errors
    assert not Question.objects.filter(event=event).exists()


def test_conditional_question_lists_only_the_events_questions(client, staff):
    event = make_event()
    parent = question(event, "是否参加晚宴", Question.Kind.YESNO)
    question(make_event(), "别的活动", Question.Kind.TEXT)
    page = client.get(url("item_add", event.pk, "questions"))
    assert list(page.context["form"].fields["show_if"].queryset) == [parent]
    response = client.post(url("item_add", event.pk, "questions"), {
        "label": "饮食禁忌", "kind": "text", "show_if": parent.pk, "show_if_values": "yes", "position": "1"})
    assert response.status_code == 302
    assert Question.objects.get(label="饮食禁忌").show_if_values == ["yes"]


def test_ticket_type_names_are_unique_per_event(client, staff):
    event = make_event()
    response = client.post(url("item_add", event.pk, "tickettypes"), {"name": "企业代表", "position": "0"})
    assert response.status_code == 200 and response.context["form"].errors["name"]
    response = client.post(url("item_add", event.pk, "tickettypes"), {"name": "嘉宾", "position": "1"})
    assert response.status_code == 302


# --- registrations ------------------------------------------------------------------------------------------


def test_approve_and_reject_needs_a_reason(client, staff):
    event = make_event(approval=True)
    first, second = register(event, UserFactory()), register(event, UserFactory())
    assert first.state == Registration.State.PENDING
    response = client.post(url("registration_action", first.pk, "approve"))
    assert response.status_code == 302 and response.url == url("registration", first.pk)
    first.refresh_from_db()
    assert first.state == Registration.State.CONFIRMED
    response = client.post(url("registration_action", second.pk, "reject"), {"reason": ""}, follow=True)
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.state == Registration.State.PENDING
    client.post(url("registration_action", second.pk, "reject"), {"reason": "名额已满"})
    second.refresh_from_db()
    assert second.state == Registration.State.REJECTED and second.rejection_reason == "名额已满"
    # Approving it now is refused with a message, not an error page.
    response = client.post(url("registration_action", second.pk, "approve"), follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])


def test_cancel_and_priority(client, staff):
    event = make_event(size=1)
    holder, waiting = register(event, UserFactory()), register(event, UserFactory())
    assert waiting.state == Registration.State.WAITING
    client.post(url("registration_action", waiting.pk, "priority"), {"priority": "10"})
    waiting.refresh_from_db()
    assert waiting.priority == 10
    client.post(url("registration_action", waiting.pk, "priority"), {"priority": "1000"})
    waiting.refresh_from_db()
    assert waiting.priority == 10
    client.post(url("registration_action", holder.pk, "cancel"), {"reason": "本人无法参加"})
    holder.refresh_from_db()
    assert holder.state == Registration.State.CANCELLED and holder.cancel_reason == "本人无法参加"


def test_actions_are_post_only_and_unknown_action_is_404(client, staff):
    registration = register(make_event(), UserFactory())
    assert client.get(url("registration_action", registration.pk, "cancel")).status_code == 405
    assert client.post(url("registration_action", registration.pk, "delete")).status_code == 404


def test_registration_page_shows_staff_only_answers_and_history(client, staff):
    event = make_event()
    seat = question(event, "座位号", Question.Kind.TEXT, staff_only=True)
    registration = register(event, UserFactory())
    response = client.post(url("registration", registration.pk), {
        "name": registration.name, "company": "成都某公司", seat.field_name: "A排12号"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.state == Registration.State.CONFIRMED
    assert registration.answers.get(question=seat).value == "A排12号"
    page = client.get(url("registration", registration.pk))
    assert "A排12号" in page.text and "events.registration.edited" in page.text


def test_registration_list_filters_and_orders_the_waiting_list(client, staff):
    event = make_event(size=1)
    register(event, UserFactory(), name="甲")
    late = register(event, UserFactory(), name="乙")
    early_low = register(event, UserFactory(), name="丙")
    Registration.objects.filter(pk=late.pk).update(priority=5)
    page = client.get(url("registrations", event.pk), {"state": "waiting"})
    assert [r.pk for r in page.context["page"].object_list] == [late.pk, early_low.pk]
    assert page.context["tabs"]["waiting"] == 2 and page.context["tabs"]["confirmed"] == 1
    found = client.get(url("registrations", event.pk), {"q": early_low.code})
    assert [r.pk for r in found.context["page"].object_list] == [early_low.pk]


# --- invitations --------------------------------------------------------------------------------------------


def test_invitation_create_and_revoke(client, staff):
    event = make_event()
    response = client.post(url("invitations", event.pk), {
        "ticket_type": ticket(event).pk, "name": "王嘉宾", "email": "guest@example.com", "lock_email": "on"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(event=event)
    assert invitation.lock_email and invitation.email == "guest@example.com"
    page = client.get(url("invitations", event.pk))
    assert invitation.code in page.text and invitation.get_absolute_url() in page.text
    client.post(url("invitation_revoke", invitation.pk))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_locked_invitation_without_email_is_refused(client, staff):
    event = make_event()
    response = client.post(url("invitations", event.pk), {"ticket_type": ticket(event).pk, "lock_email": "on"})
    assert response.status_code == 200
    assert not Invitation.objects.exists()


# --- query counts -------------------------------------------------------------------------------------------


def _bulk(event, n):
    tt = ticket(event)
    states = [Registration.State.CONFIRMED, Registration.State.PENDING, Registration.State.WAITING]
    Registration.objects.bulk_create([
        Registration(event=event, ticket_type=tt, state=states[i % 3], name=f"参会人{i}",
                     email=f"p{event.pk}-{i}@example.com", company="成都某公司") for i in range(n)])


@pytest.mark.parametrize("n", [10, 1000])
def test_query_counts_do_not_grow(client, staff, n, django_assert_num_queries):
    event = make_event(size=2000)
    sub_event(event)
    checkin_list(event)
    question(event, "手机号", Question.Kind.PHONE)
    _bulk(event, n)
    for target, expected in ((url("index"), INDEX), (url("event", event.pk), EVENT),
                             (url("registrations", event.pk), REGISTRATIONS),
                             (url("registrations", event.pk) + "?state=waiting&q=参会", REGISTRATIONS)):
        client.get(target)  # warm the process-wide caches (content types, Wagtail site root paths) first
        with django_assert_num_queries(expected):
            assert client.get(target).status_code == 200


# Session, user, groups and the user's associations are part of each count.
INDEX, EVENT, REGISTRATIONS = 6, 14, 8


def test_admin_menu_links_to_the_console(client, staff):
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert url("index") in response.text


def test_question_rules_dependency_order_and_retention_of_id_numbers(client):
    from events.manage_forms import QuestionForm

    event = make_event()
    later = question(event, "是否需要住宿", "yesno", position=5)
    form = QuestionForm({"label": "入住日期", "kind": "text", "show_if": later.pk, "show_if_values": "yes",
                         "position": 2}, event=event)
    assert not form.is_valid() and "show_if" in form.errors
    form = QuestionForm({"label": "身份证号", "kind": "id_number", "position": 1}, event=event)
    assert not form.is_valid() and "retention_days" in form.errors
    form = QuestionForm({"label": "身份证号", "kind": "id_number", "position": 1, "personal_data": "on",
                         "retention_days": "30"}, event=event)
    assert form.is_valid(), form.errors


def test_waiting_list_cannot_be_switched_off_while_people_wait():
    from events.manage_forms import SetupForm

    event = make_event(size=1)
    register(event, UserFactory())
    register(event, UserFactory())
    setup = event.setup
    data = {"opens_at": "2026-01-01T09:00", "closes_at": "2030-01-01T09:00", "audience": "public",
            "offer_hours": "48"}
    form = SetupForm(data, instance=setup, event=event)
    assert not form.is_valid() and "waiting_list" in form.errors
