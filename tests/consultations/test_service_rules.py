"""Rules found in review: names never fall back to emails, periods count from publication, the outcome freezes
groups, answers pin their version, internal consultations stay with the invited, mails go one per person."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from consultations import permissions, services
from consultations.models import Audience, Channel, Comment, Kind, Result
from core.errors import DomainError
from tests.consultations.helpers import DRAFT_TEXT, article, make_consultation
from tests.factories import AssociationFactory, UserFactory, association_staff, committee_user

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_a_person_without_a_full_name_is_not_published_under_their_email():
    consultation = make_consultation(audience=Audience.PUBLIC)
    person = UserFactory(full_name="", email="zhang.san@example.com")
    comment = services.comment_submit(actor=person, consultation=consultation, speaker="public", problem="建议。")
    assert "@" not in comment.author_name and comment.author_name


def test_a_period_is_measured_from_publication_when_the_start_has_passed():
    admin = committee_user()
    now = timezone.now()
    consultation = make_consultation(admin=admin, kind=Kind.RULE, publish=False,
                                      starts_at=now - timedelta(days=29), ends_at=now + timedelta(days=2))
    with pytest.raises(DomainError) as error:
        services.consultation_publish(actor=admin, consultation=consultation)
    assert error.value.field == "shortened_reason"
    consultation.refresh_from_db()
    assert consultation.published_at is None


def test_comments_cannot_be_regrouped_once_the_outcome_is_published():
    admin = committee_user()
    association = AssociationFactory()
    staff = association_staff(association)
    consultation = make_consultation(admin=admin, invited=[association])
    speaker = f"association:{association.pk}"
    first = services.comment_submit(actor=staff, consultation=consultation, speaker=speaker, problem="一。")
    second = services.comment_submit(actor=staff, consultation=consultation, speaker=speaker, problem="二。")
    with time_machine.travel(consultation.ends_at + timedelta(minutes=1)):
        for comment in (first, second):
            services.response_save(actor=admin, comment=comment, result=Result.ADOPTED)
        services.outcome_publish(actor=admin, consultation=consultation)
        with pytest.raises(DomainError):
            services.comment_mark_duplicate(actor=admin, comment=second, of=first)
    second.refresh_from_db()
    assert second.duplicate_of_id is None


def test_an_unpublished_version_that_answers_point_at_is_not_replaced():
    admin = committee_user()
    association = AssociationFactory()
    consultation = make_consultation(admin=admin, invited=[association])
    comment = services.comment_submit(actor=association_staff(association), consultation=consultation,
                                      speaker=f"association:{association.pk}", problem="意见。")
    draft = services.version_create(actor=admin, consultation=consultation, text=DRAFT_TEXT, change_note="修改。")
    services.response_save(actor=admin, comment=comment, result=Result.ADOPTED,
                           new_article=draft.articles.get(label="第五条"))
    with pytest.raises(DomainError):
        services.version_create(actor=admin, consultation=consultation, text=DRAFT_TEXT, change_note="再改。")
    assert consultation.versions.filter(pk=draft.pk).exists()


def test_a_letter_received_on_the_day_after_a_midnight_end_is_late():
    admin = committee_user()
    starts = datetime(2026, 5, 4, 9, tzinfo=SH)
    ends = datetime(2026, 6, 5, 0, 0, tzinfo=SH)  # the period covers 4 May to 4 June
    with time_machine.travel(starts - timedelta(days=1), tick=False):
        consultation = make_consultation(admin=admin, starts_at=starts, ends_at=ends)
    with time_machine.travel(datetime(2026, 6, 10, 9, tzinfo=SH), tick=False):
        on_time = services.comment_register_offline(
            actor=admin, consultation=consultation, channel=Channel.LETTER, received_on=date(2026, 6, 4),
            author_name="市民来信", problem="意见。")
        late = services.comment_register_offline(
            actor=admin, consultation=consultation, channel=Channel.LETTER, received_on=date(2026, 6, 5),
            author_name="市民来信", problem="意见。")
    assert (on_time.is_late, late.is_late) == (False, True)


def test_internal_consultations_are_for_invited_associations_whatever_the_audience():
    invited, other = AssociationFactory(), AssociationFactory()
    consultation = make_consultation(invited=[invited], kind=Kind.INTERNAL, audience=Audience.ASSOCIATIONS)
    assert permissions.speakers_for(association_staff(other), consultation) == []
    assert permissions.speakers_for(association_staff(invited), consultation)


def test_outcome_mail_goes_to_each_person_separately_including_association_staff(
        mailoutbox, django_capture_on_commit_callbacks):
    admin = committee_user()
    first, second = AssociationFactory(), AssociationFactory()
    consultation = make_consultation(admin=admin, invited=[first, second])
    colleague = association_staff(first)
    comments = [
        services.comment_submit(actor=association_staff(a), consultation=consultation,
                                speaker=f"association:{a.pk}", problem="意见。",
                                article=article(consultation, "第五条"))
        for a in (first, second)
    ]
    with time_machine.travel(consultation.ends_at + timedelta(minutes=1)):
        for comment in comments:
            services.response_save(actor=admin, comment=comment, result=Result.ADOPTED)
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.outcome_publish(actor=admin, consultation=consultation)
    assert all(len(message.to) == 1 for message in mailoutbox)
    recipients = {message.to[0] for message in mailoutbox}
    assert colleague.email in recipients and len(recipients) == 3


def test_no_late_comment_lands_after_the_outcome():
    admin = committee_user()
    association = AssociationFactory()
    staff = association_staff(association)
    consultation = make_consultation(admin=admin, invited=[association], allow_late=True)
    with time_machine.travel(consultation.ends_at + timedelta(minutes=1)):
        services.outcome_publish(actor=admin, consultation=consultation)
        with pytest.raises(DomainError):
            services.comment_submit(actor=staff, consultation=consultation,
                                    speaker=f"association:{association.pk}", problem="迟到的意见。")
    assert not Comment.objects.filter(consultation=consultation).exists()
