from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from consultations import services
from consultations.models import Reminder
from tests.consultations.helpers import make_consultation
from tests.factories import AssociationFactory, association_staff, committee_user

START = datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def setting(clock):
    """An open consultation inviting two associations; the first has submitted a comment."""
    admin = committee_user()
    submitted, silent = AssociationFactory(), AssociationFactory(contact_email="office@silent.example.cn")
    staff = {a.pk: association_staff(a) for a in (submitted, silent)}
    consultation = make_consultation(admin=admin, invited=[submitted, silent])
    services.comment_submit(actor=staff[submitted.pk], consultation=consultation,
                            speaker=f"association:{submitted.pk}", problem="<p>意见</p>")
    return {"admin": admin, "consultation": consultation, "submitted": submitted, "silent": silent,
            "silent_emails": {staff[silent.pk].email, "office@silent.example.cn"}}


def send(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.send_due()


def test_nothing_is_due_eight_days_before_the_end(setting, clock, mailoutbox, django_capture_on_commit_callbacks):
    clock.move_to(setting["consultation"].ends_at - timedelta(days=8))
    counts = send(django_capture_on_commit_callbacks)
    assert counts == {"invitation": 0, Reminder.Kind.DAYS_7: 0, Reminder.Kind.DAYS_2: 0}
    assert mailoutbox == []


def test_seven_days_before_the_end_only_associations_without_comments_are_reminded(
        setting, clock, mailoutbox, django_capture_on_commit_callbacks):
    clock.move_to(setting["consultation"].ends_at - timedelta(days=7))
    counts = send(django_capture_on_commit_callbacks)
    assert counts[Reminder.Kind.DAYS_7] == 1 and counts[Reminder.Kind.DAYS_2] == 0
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == setting["silent_emails"]
    assert setting["consultation"].title in mailoutbox[0].subject
    reminder = Reminder.objects.get(kind=Reminder.Kind.DAYS_7)
    assert reminder.association == setting["silent"]


def test_running_twice_sends_nothing_twice(setting, clock, mailoutbox, django_capture_on_commit_callbacks):
    clock.move_to(setting["consultation"].ends_at - timedelta(days=7))
    send(django_capture_on_commit_callbacks)
    clock.shift(timedelta(hours=1))
    counts = send(django_capture_on_commit_callbacks)
    assert counts == {"invitation": 0, Reminder.Kind.DAYS_7: 0, Reminder.Kind.DAYS_2: 0}
    assert len(mailoutbox) == 1


def test_two_days_before_the_end_the_second_reminder_goes(setting, clock, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    ends_at = setting["consultation"].ends_at
    clock.move_to(ends_at - timedelta(days=7))
    send(django_capture_on_commit_callbacks)
    clock.move_to(ends_at - timedelta(days=2))
    counts = send(django_capture_on_commit_callbacks)
    assert counts[Reminder.Kind.DAYS_2] == 1 and counts[Reminder.Kind.DAYS_7] == 0
    assert len(mailoutbox) == 2
    assert set(mailoutbox[1].to) == setting["silent_emails"]


def test_an_extension_allows_reminders_for_the_new_deadline(setting, clock, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    consultation = setting["consultation"]
    clock.move_to(consultation.ends_at - timedelta(days=2))
    assert send(django_capture_on_commit_callbacks)[Reminder.Kind.DAYS_2] == 1
    new_end = consultation.ends_at + timedelta(days=10)
    services.consultation_extend(actor=setting["admin"], consultation=consultation, new_ends_at=new_end,
                                 reason="应协会请求延长")
    clock.move_to(new_end - timedelta(days=7))
    assert send(django_capture_on_commit_callbacks)[Reminder.Kind.DAYS_7] == 1
    clock.move_to(new_end - timedelta(days=2))
    assert send(django_capture_on_commit_callbacks)[Reminder.Kind.DAYS_2] == 1
    assert len(mailoutbox) == 3  # the invitations are not sent again for the new deadline
    assert Reminder.objects.filter(kind=Reminder.Kind.DAYS_2).count() == 2


def test_invitations_are_sent_once_when_the_consultation_opens(clock, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    invited = [AssociationFactory(), AssociationFactory()]
    for association in invited:
        association_staff(association)
    with django_capture_on_commit_callbacks(execute=True):
        make_consultation(invited=invited, starts_at=START + timedelta(days=1))
    assert mailoutbox == []  # not open yet: published, nothing sent
    assert send(django_capture_on_commit_callbacks)["invitation"] == 0
    clock.shift(timedelta(days=1, minutes=1))
    assert send(django_capture_on_commit_callbacks)["invitation"] == 2
    assert len(mailoutbox) == 2
    assert send(django_capture_on_commit_callbacks)["invitation"] == 0
    assert len(mailoutbox) == 2


def test_publishing_an_open_consultation_invites_at_once(clock, mailoutbox, django_capture_on_commit_callbacks):
    association = AssociationFactory()
    association_staff(association)
    with django_capture_on_commit_callbacks(execute=True):
        make_consultation(invited=[association])
    assert len(mailoutbox) == 1
    assert send(django_capture_on_commit_callbacks)["invitation"] == 0


def test_command_sends_due_reminders_and_prints_the_counts(setting, clock, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    clock.move_to(setting["consultation"].ends_at - timedelta(days=7))
    out = StringIO()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        call_command("send_consultation_reminders", stdout=out)
    assert out.getvalue().strip() == "Invitations: 0; 7-day reminders: 1; 2-day reminders: 0."
    assert len(mailoutbox) == 1
