"""The registration engine: states, quotas, waiting list, invitations, questions, check-in, retention, mail."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from core.errors import DomainError
from core.models import AuditEntry
from events import services
from events.models import Answer, Audience, Checkin, Registration
from events.services.questions import id_number_valid
from tests.factories import MembershipFactory, UserFactory, association_staff, committee_user, firm_user

from .helpers import checkin_list, make_event, question, register, sub_event, ticket

pytestmark = pytest.mark.django_db(transaction=False)

VALID_ID = "11010519491231002X"


def users(n):
    return [UserFactory() for _ in range(n)]


def test_resident_id_checksum():
    assert id_number_valid(VALID_ID)
    assert not id_number_valid("110105194912310021")  # wrong check character
    assert not id_number_valid("110105194902300028")  # 30 February


def test_register_confirms_mails_ticket_with_qr_and_ics(django_capture_on_commit_callbacks):
    event = make_event()
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, user)
    assert registration.state == Registration.State.CONFIRMED
    assert AuditEntry.objects.filter(action="events.registration.created", object_id=str(registration.pk)).exists()
    message = mail.outbox[-1]
    names = {a[0]: a for a in message.attachments}
    png = names[f"ticket-{registration.code}.png"][1]
    from PIL import Image

    Image.open(io.BytesIO(png)).verify()
    ics = Calendar.from_ical(names[f"event-{event.pk}.ics"][1])
    vevent = ics.walk("VEVENT")[0]
    assert str(vevent["summary"]) == event.title
    assert vevent.decoded("dtstart") == event.starts_at
    assert registration.code in str(vevent["description"])


def test_qr_decodes_to_ticket_token():
    import zxingcpp
    from PIL import Image

    from events.services.tickets import qr_png, qr_svg

    registration = register(make_event(), UserFactory())
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(registration))))
    assert [d.text for d in decoded] == [registration.token]
    assert qr_svg(registration).startswith("<svg")


def test_quota_full_goes_to_waiting_list_then_offer_accept_and_lapse():
    event = make_event(size=2)
    first, second, third, fourth = users(4)
    a = register(event, first)
    register(event, second)
    waiting = register(event, third)
    later = register(event, fourth)
    assert waiting.state == later.state == Registration.State.WAITING
    services.cancel(a, actor=first)
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.has_open_offer and not later.has_open_offer
    assert waiting.offer_expires_at - waiting.offered_at == timedelta(hours=48)
    # The open offer holds the place: nobody else gets in meanwhile.
    assert register(event, UserFactory()).state == Registration.State.WAITING
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        assert services.expire_offers() == 1
        waiting.refresh_from_db()
        later.refresh_from_db()
        assert waiting.state == Registration.State.CANCELLED
        assert later.has_open_offer
        accepted = services.accept_offer(later, actor=fourth)
        assert accepted.state == Registration.State.CONFIRMED
        with pytest.raises(DomainError):
            services.accept_offer(waiting, actor=third)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"events.waiting_list.offered", "events.waiting_list.lapsed", "events.waiting_list.accepted"} <= actions


def test_priority_orders_the_waiting_list():
    event = make_event(size=1)
    holder, early, vip = users(3)
    a = register(event, holder)
    first = register(event, early)
    second = register(event, vip)
    staff = committee_user()
    services.set_priority(second, actor=staff, priority=10)
    services.cancel(a, actor=holder)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.has_open_offer and not first.has_open_offer


def test_no_waiting_list_refuses_when_full():
    event = make_event(size=1, waiting_list=False)
    register(event, UserFactory())
    with pytest.raises(DomainError, match="已满|full"):
        register(event, UserFactory())


def test_bad_input_changes_nothing():
    event = make_event()
    user = UserFactory()
    register(event, user)
    with pytest.raises(DomainError) as exc:
        register(event, UserFactory(), email=user.email.upper())
    assert exc.value.field == "email"
    with time_machine.travel(event.setup.closes_at + timedelta(minutes=1)):
        with pytest.raises(DomainError, match="2026|20"):
            register(event, UserFactory())
    q = question(event, "身份证号", "id_number", required=True)
    phone = question(event, "手机号", "phone", required=True)
    with pytest.raises(DomainError) as exc:
        register(event, UserFactory(), answers={q.field_name: "110105194912310021", phone.field_name: "13800000000"})
    assert exc.value.field == q.field_name
    with pytest.raises(DomainError) as exc:
        register(event, UserFactory(), answers={q.field_name: VALID_ID, phone.field_name: "12345"})
    assert exc.value.field == phone.field_name
    assert Registration.objects.filter(event=event).count() == 1


def test_approval_and_reset_on_edit_and_reject_reason():
    event = make_event(approval=True)
    user = UserFactory()
    registration = register(event, user)
    assert registration.state == Registration.State.PENDING
    staff = committee_user()
    registration = services.approve(registration, actor=staff)
    assert registration.state == Registration.State.CONFIRMED
    registration = services.edit(registration, actor=user, name="张三丰", company="某公司", answers={})
    assert registration.state == Registration.State.PENDING
    with pytest.raises(DomainError):
        services.reject(registration, actor=staff, reason=" ")
    registration = services.reject(registration, actor=staff, reason="名额优先安排会员单位")
    assert registration.state == Registration.State.REJECTED
    assert registration.rejection_reason == "名额优先安排会员单位"
    with pytest.raises(DomainError):
        services.approve(registration, actor=user)


def test_members_only_and_limit_per_firm(association):
    event = make_event(audience=Audience.MEMBERS, limit_per_firm=1)
    event.setup.associations.add(association)
    firm = MembershipFactory(association=association).firm
    outsider_firm = MembershipFactory().firm
    with pytest.raises(DomainError):
        register(event, UserFactory())
    with pytest.raises(DomainError):
        register(event, firm_user(outsider_firm), firm=outsider_firm)
    member = firm_user(firm)
    register(event, member, firm=firm)
    staff = association_staff(association)
    with pytest.raises(DomainError, match="1"):
        register(event, staff, email="colleague@example.cn", firm=firm, for_colleague=True)
    with pytest.raises(DomainError):  # not this user's firm
        register(event, UserFactory(), firm=firm)


def test_invitation_skips_approval_locks_email_and_is_used_once():
    event = make_event(audience=Audience.INVITED, approval=True)
    guest_type = ticket(event, "嘉宾", invitation_only=True)
    staff = committee_user()
    invitation = services.invitation_create(event=event, actor=staff, ticket_type=guest_type, name="王嘉宾",
                                            email="guest@example.cn", lock_email=True)
    with pytest.raises(DomainError):
        register(event, UserFactory())
    with pytest.raises(DomainError):
        register(event, UserFactory(), ticket_type=guest_type, invitation=invitation, email="other@example.cn")
    registration = register(event, UserFactory(), ticket_type=guest_type, invitation=invitation,
                            email="guest@example.cn")
    assert registration.state == Registration.State.CONFIRMED
    with pytest.raises(DomainError, match="已"):
        services.invitation_for(token=invitation.token)


def test_sub_event_full_refuses_and_saves_nothing():
    event = make_event()
    dinner = sub_event(event, size=1)
    register(event, UserFactory(), sub_events=[dinner])
    with pytest.raises(DomainError) as exc:
        register(event, UserFactory(), sub_events=[dinner])
    assert exc.value.field == "sub_events"
    assert Registration.objects.filter(event=event).count() == 1


def test_conditional_questions():
    event = make_event()
    parent = question(event, "是否需要住宿", "yesno", position=1)
    child = question(event, "入住日期", "choice", choices=["11月30日", "12月1日"], required=True, position=2,
                     show_if=parent, show_if_values=["yes"])
    registration = register(event, UserFactory(), answers={parent.field_name: "no"})
    assert set(registration.answers.values_list("question_id", flat=True)) == {parent.pk}
    with pytest.raises(DomainError):
        register(event, UserFactory(), answers={parent.field_name: "yes"})
    ok = register(event, UserFactory(), answers={parent.field_name: "yes", child.field_name: "12月1日"})
    assert ok.answers.get(question=child).value == "12月1日"


def test_quota_cannot_shrink_below_taken():
    from django import forms

    from events.models import Quota

    class QuotaForm(forms.ModelForm):
        class Meta:
            model = Quota
            fields = ["name", "size"]

    event = make_event(size=3)
    register(event, UserFactory())
    register(event, UserFactory())
    quota = event.quotas.get()
    staff = committee_user()
    with pytest.raises(DomainError, match="2"):
        services.quota_save(QuotaForm({"name": "主会场", "size": 1}, instance=quota), actor=staff, event=event)
    quota.refresh_from_db()
    assert quota.size == 3
    services.quota_save(QuotaForm({"name": "主会场", "size": 2}, instance=quota), actor=staff, event=event)


def test_checkin_entry_second_entry_refused_exit_and_forged():
    event = make_event()
    main = checkin_list(event)
    info = question(event, "是否领取资料袋", "yesno", show_at_checkin=True)
    registration = register(event, UserFactory(), answers={info.field_name: "yes"})
    staff = committee_user()
    first = services.scan(main, payload=registration.token, actor=staff)
    assert first.ok and first.answers[0].question == info
    again = services.scan(main, payload=registration.code.lower(), actor=staff)
    assert not again.ok and again.warning and again.checkin is None
    forged = services.scan(main, payload="AAAAAAAA", actor=staff)
    assert not forged.ok and forged.registration is None
    out = services.scan(main, payload=f"https://x/events/tickets/{registration.token}/", actor=staff, kind="exit")
    assert out.ok
    back = services.scan(main, payload=registration.token, actor=staff, nonce="n-1")
    assert back.ok
    assert services.scan(main, payload=registration.token, actor=staff, nonce="n-1").ok  # same scan resent
    assert Checkin.objects.filter(registration=registration).count() == 3
    assert AuditEntry.objects.filter(action="events.checkin.refused").count() == 2
    assert not services.scan(main, payload=registration.token, actor=UserFactory()).ok


def test_checkin_list_for_other_ticket_type_and_unconfirmed():
    event = make_event(approval=True)
    media = ticket(event, "媒体")
    press_only = checkin_list(event, "媒体区")
    press_only.ticket_types.add(media)
    staff = committee_user()
    pending = register(event, UserFactory())
    assert not services.scan(press_only, payload=pending.token, actor=staff).ok
    confirmed = services.approve(pending, actor=staff)
    result = services.scan(press_only, payload=confirmed.token, actor=staff)
    assert not result.ok


def test_purge_removes_only_personal_data_past_retention():
    event = make_event(starts_in=timedelta(days=2))
    id_q = question(event, "身份证号", "id_number", personal_data=True, retention_days=30)
    phone_q = question(event, "手机号", "phone", personal_data=True)  # no retention date: kept
    org_q = question(event, "职务", "text")
    registration = register(event, UserFactory(), answers={id_q.field_name: VALID_ID,
                                                           phone_q.field_name: "13800000000",
                                                           org_q.field_name: "总经理"})
    assert services.purge_due() == 0
    with time_machine.travel(event.ends_at + timedelta(days=31)):
        assert services.purge_due() == 1
        assert services.purge_due() == 0
    answers = {a.question_id: a for a in Answer.objects.filter(registration=registration)}
    assert answers[id_q.pk].value == "" and answers[id_q.pk].purged_at
    assert answers[phone_q.pk].value == "13800000000"
    assert answers[org_q.pk].value == "总经理"
    registration.refresh_from_db()
    assert registration.name == "张三"


def test_reminders_are_sent_once(django_capture_on_commit_callbacks):
    event = make_event(starts_in=timedelta(days=1, hours=1))
    register(event, UserFactory())
    day_before = timezone.localtime(event.starts_at).replace(hour=9, minute=0) - timedelta(days=1)
    mail.outbox.clear()
    with time_machine.travel(day_before), django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    assert len(mail.outbox) == 1


def test_a_lapsed_offer_is_never_renewed_and_newcomers_do_not_pass_the_waiting_list():
    event = make_event(size=1)
    a, b, c, d = users(4)
    first = register(event, a)
    waiting_b, waiting_c = register(event, b), register(event, c)
    services.cancel(first, actor=a)
    with time_machine.travel(timezone.now() + timedelta(hours=49)):  # B's offer lapsed; the cron has not run
        newcomer = register(event, d)
        assert newcomer.state == Registration.State.WAITING
        waiting_b.refresh_from_db()
        waiting_c.refresh_from_db()
        assert waiting_b.state == Registration.State.CANCELLED and waiting_c.has_open_offer


def test_an_invitation_is_claimed_once_under_the_lock():
    event = make_event(audience=Audience.INVITED)
    guest_type = ticket(event, "嘉宾", invitation_only=True)
    invitation = services.invitation_create(event=event, actor=committee_user(), ticket_type=guest_type,
                                            send=False)
    register(event, UserFactory(), ticket_type=guest_type, invitation=invitation)
    with pytest.raises(DomainError):  # the same (stale) invitation object again
        register(event, UserFactory(), ticket_type=guest_type, invitation=invitation)
