"""The consultation services, with the clock frozen for every window (Asia/Shanghai).

Refusals are DomainErrors; their messages are compared with the msgid translated in the active language, never
with Chinese literals (translations are merged later).
"""

import hashlib
import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils.translation import gettext

from consultations import permissions, services
from consultations.models import Audience, Comment, Consultation, Kind, MemberPoint, Notice, Response, Result
from consultations.services.comments import MAX_FIELD_CHARS, fingerprint
from core.errors import DomainError
from core.models import AuditEntry, CalendarYear
from core.workdays import UnknownCalendarYear
from portal.demo.attachments import pdf_document
from tests.consultations.helpers import DRAFT_TEXT, article, make_consultation
from tests.factories import UserFactory, association_staff, committee_user, firm_user

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, tzinfo=SH)  # a Monday
END = datetime(2026, 4, 1, 18, tzinfo=SH)
DURING = START + timedelta(days=3)
SECOND = timedelta(seconds=1)

# DRAFT_TEXT with a new 第四条 inserted: the old 第四条 to 第七条 become 第五条 to 第八条; the last one also changes.
DRAFT_V2 = DRAFT_TEXT.replace(
    "第二章 收集运输\n", "第二章 收集运输\n第四条 鼓励餐饮服务单位通过净菜加工、按需供餐等方式减少餐厨垃圾产生。\n"
).replace("第四条 餐厨垃圾产生单位", "第五条 餐厨垃圾产生单位").replace("第五条 收运单位", "第六条 收运单位").replace(
    "第六条 禁止", "第七条 禁止").replace("第七条 本办法自2027年1月1日起施行。", "第八条 本办法自2027年7月1日起施行。")


def travel(moment: datetime):
    return time_machine.travel(moment, tick=False)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@contextmanager
def refused(msgid: str, *, field: str | None = None, **params):
    """Expect a DomainError whose message is ``msgid`` (translated, formatted with ``params``)."""
    with pytest.raises(DomainError) as caught:
        yield caught
    expected = gettext(msgid) % params if params else gettext(msgid)
    assert caught.value.message == expected
    if field:
        assert caught.value.field == field


@pytest.fixture
def admin(db):
    return committee_user()


@pytest.fixture
def consultation(admin, association):
    """Published the day before it opens: open from START to END, invitation-only for ``association``."""
    with travel(START - timedelta(days=1)):
        return make_consultation(admin=admin, invited=[association], starts_at=START, ends_at=END)


def create(admin, *, starts_at, ends_at, kind, **fields) -> Consultation:
    return make_consultation(admin=admin, publish=False, kind=kind, starts_at=starts_at, ends_at=ends_at, **fields)


def submit(user, consultation, *, speaker=None, problem="第五条的收运时间规定不明确。", **fields) -> Comment:
    speaker = speaker or permissions.speakers_for(user, consultation)[0].value
    return services.comment_submit(actor=user, consultation=consultation, speaker=speaker, problem=problem, **fields)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def a_pdf() -> bytes:
    return pdf_document("关于第五条的说明", ["建议明确收运时间。"], when=date(2026, 3, 4))


# --- The comment window -------------------------------------------------------------------------------------


def test_comment_inside_the_window_is_accepted(consultation, association_admin):
    with travel(END - SECOND):
        comment = submit(association_admin, consultation, article=article(consultation, "第五条"))
    assert comment.status == Comment.Status.SUBMITTED and not comment.is_late
    assert comment.author_kind == Comment.AuthorKind.ASSOCIATION
    assert comment.association == consultation.invited_associations.get()
    assert comment.submitted_at == END - SECOND


def test_comment_one_second_after_the_end_is_refused_naming_the_deadline(consultation, association_admin):
    msgid = "The consultation closed at %(deadline)s; comments are no longer accepted."
    with travel(END + SECOND), refused(msgid, deadline="2026-04-01 18:00") as caught:
        submit(association_admin, consultation)
    assert "2026-04-01 18:00" in caught.value.message
    consultation.refresh_from_db()
    assert not Comment.objects.exists() and consultation.comment_counter == 0


def test_late_comment_is_accepted_and_flagged_when_allowed(admin, association, association_admin):
    with travel(START - timedelta(days=1)):
        consultation = make_consultation(admin=admin, invited=[association], starts_at=START, ends_at=END,
                                         allow_late=True)
    with travel(END + SECOND):
        comment = submit(association_admin, consultation)
    assert comment.is_late


def test_comment_before_the_start_is_refused(consultation, association_admin):
    with travel(START - SECOND), refused("The consultation has not started yet."):
        submit(association_admin, consultation)
    assert not Comment.objects.exists()


# --- Minimum periods ----------------------------------------------------------------------------------------


def publish_refused_for_period(admin, consultation, *, workdays=False, days, covered):
    msgid = ("The legal minimum period for this kind is %(days)s working days; this period covers %(covered)s "
             "working days.") if workdays else (
        "The legal minimum period for this kind is %(days)s days; this period covers %(covered)s days.")
    with pytest.raises(DomainError) as caught:
        services.consultation_publish(actor=admin, consultation=consultation)
    assert caught.value.message == gettext(msgid) % {"days": days, "covered": covered} + gettext(
        " A shorter period needs a recorded reason, shown on the public page.")
    assert caught.value.field == "shortened_reason"
    consultation.refresh_from_db()
    assert consultation.published_at is None


@travel(at(2026, 2, 20, 10))
def test_rule_with_29_days_is_refused_and_with_30_days_accepted(admin):
    short = create(admin, kind=Kind.RULE, starts_at=at(2026, 3, 2, 9), ends_at=at(2026, 3, 31))  # 3-02 … 3-30
    publish_refused_for_period(admin, short, days=30, covered=29)
    enough = create(admin, kind=Kind.RULE, starts_at=at(2026, 3, 2, 9), ends_at=at(2026, 4, 1))  # 3-02 … 3-31
    assert services.consultation_publish(actor=admin, consultation=enough).published_at is not None


@travel(at(2026, 9, 20, 10))
def test_normative_period_across_national_day_counts_only_working_days(admin):
    # 9-29 … 10-11: 13 calendar days, but 10-01 … 10-07 are holidays: 9-29, 9-30, 10-08, 10-09, 10-10 work.
    consultation = create(admin, kind=Kind.NORMATIVE, starts_at=at(2026, 9, 29), ends_at=at(2026, 10, 12))
    publish_refused_for_period(admin, consultation, workdays=True, days=7, covered=5)


@travel(at(2026, 9, 20, 10))
def test_normative_period_counts_the_make_up_saturday_of_national_day(admin):
    make_up_saturday = date(2026, 10, 10)
    assert make_up_saturday.weekday() == 5 and chinese_calendar.is_workday(make_up_saturday)
    # 10-08 … 10-15 includes the make-up Saturday: 7 working days.
    with_make_up = create(admin, kind=Kind.NORMATIVE, starts_at=at(2026, 10, 8), ends_at=at(2026, 10, 16))
    assert services.consultation_publish(actor=admin, consultation=with_make_up).published_at is not None
    # The same 8 calendar days a week later (an ordinary weekend) hold only 6.
    ordinary = create(admin, kind=Kind.NORMATIVE, starts_at=at(2026, 10, 15), ends_at=at(2026, 10, 23))
    publish_refused_for_period(admin, ordinary, workdays=True, days=7, covered=6)


@travel(at(2026, 12, 1, 10))
def test_working_day_period_reaching_2027_needs_the_2027_calendar(admin):
    consultation = create(admin, kind=Kind.NORMATIVE, starts_at=at(2026, 12, 21), ends_at=at(2027, 1, 8))
    with pytest.raises(UnknownCalendarYear) as caught:
        services.consultation_publish(actor=admin, consultation=consultation)
    assert caught.value.year == 2027 and "2027" in caught.value.message
    consultation.refresh_from_db()
    assert consultation.published_at is None
    CalendarYear.objects.create(year=2027)
    assert services.consultation_publish(actor=admin, consultation=consultation).published_at is not None


@travel(at(2026, 2, 20, 10))
def test_shortened_period_with_a_reason_is_accepted(admin):
    consultation = create(admin, kind=Kind.RULE, starts_at=at(2026, 3, 2, 9), ends_at=at(2026, 3, 12),
                          shortened_reason="因应急管理需要，征求意见期限缩短为10日。")
    services.consultation_publish(actor=admin, consultation=consultation)
    entry = AuditEntry.objects.for_object(consultation).get(action="consultations.consultation.published")
    assert entry.data["shortened"] is True and "10日" in entry.data["shortened_reason"]


def test_editing_a_published_consultation_is_refused(consultation, admin):
    with refused("A published consultation cannot be edited; extend or reopen it with a notice."):
        services.consultation_update(actor=admin, consultation=consultation, title="新标题")
    consultation.refresh_from_db()
    assert consultation.title != "新标题"


# --- Versions -----------------------------------------------------------------------------------------------


def test_version_2_needs_a_change_note(consultation, admin):
    with refused("Describe the changes (修改说明) of the new version.", field="change_note"):
        services.version_create(actor=admin, consultation=consultation, text=DRAFT_V2)
    assert consultation.versions.count() == 1


def test_comment_survives_a_new_version_with_its_quoted_text(consultation, admin, association_admin):
    v1_article = article(consultation, "第五条")
    with travel(DURING):
        comment = submit(association_admin, consultation, article=v1_article)
        version = services.version_create(actor=admin, consultation=consultation, text=DRAFT_V2,
                                          change_note="新增第四条，其后条文顺延。")
        services.version_publish(actor=admin, version=version)
    comment.refresh_from_db()
    assert (comment.version.number, comment.article_id) == (1, v1_article.pk)
    assert (comment.quoted_label, comment.quoted_text) == ("第五条", v1_article.text)
    old = dict(v1_article.version.articles.filter(kind="article").values_list("label", "key"))
    new = dict(version.articles.filter(kind="article").values_list("label", "key"))
    assert [new[f"第{n}条"] for n in "一二三"] == [old[f"第{n}条"] for n in "一二三"]  # unchanged
    assert new["第四条"] not in old.values()
    assert [new[f"第{n}条"] for n in "五六七八"] == [old[f"第{n}条"] for n in "四五六七"]  # renumbered (第八条 edited)
    assert version.articles.get(key=v1_article.key).label == "第六条"


# --- Receipts and withdrawal --------------------------------------------------------------------------------


def test_receipt_number_and_sha256_fingerprint_of_the_content(consultation, association_admin):
    data = a_pdf()
    with travel(DURING):
        first = submit(association_admin, consultation)
        second = submit(association_admin, consultation, files=[upload("说明.pdf", data)])
    assert re.fullmatch(r"ZQ-\d{4}-\d{4}-\d{4}", first.receipt_number)
    assert first.receipt_number == f"{consultation.number}-0001" and second.receipt_number.endswith("-0002")
    assert first.receipt_number.startswith("ZQ-2026-")
    assert re.fullmatch(r"[0-9a-f]{64}", first.fingerprint)
    assert first.fingerprint == fingerprint(first, [])
    assert second.fingerprint == fingerprint(second, [hashlib.sha256(data).hexdigest()])
    assert first.fingerprint != fingerprint(first, [hashlib.sha256(b"other").hexdigest()])


def test_receipt_is_mailed_to_the_submitter_once_committed(consultation, association_admin, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    with travel(DURING), django_capture_on_commit_callbacks(execute=True):
        comment = submit(association_admin, consultation)
    assert [mail.to for mail in mailoutbox] == [[association_admin.email]]
    assert comment.receipt_number in mailoutbox[0].body and comment.fingerprint in mailoutbox[0].body


def test_withdrawn_comment_is_kept_marked_withdrawn(consultation, association_admin):
    with travel(DURING):
        comment = submit(association_admin, consultation)
        services.comment_withdraw(actor=association_admin, comment=comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.WITHDRAWN and comment.withdrawn_at == DURING
    assert Comment.objects.count() == 1 and comment.problem


def test_withdrawing_after_the_deadline_is_refused(consultation, association_admin):
    with travel(DURING):
        comment = submit(association_admin, consultation)
    with travel(END), refused("The consultation has closed; a comment can no longer be withdrawn."):
        services.comment_withdraw(actor=association_admin, comment=comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SUBMITTED


# --- Attachments and content --------------------------------------------------------------------------------


def test_six_attachments_are_refused(consultation, association_admin):
    files = [upload(f"附件{n}.pdf", a_pdf()) for n in range(6)]
    with travel(DURING), refused("At most %(n)s attachments.", field="attachments", n=5):
        submit(association_admin, consultation, files=files)
    assert not Comment.objects.exists()


def test_attachment_over_20_mb_is_refused(consultation, association_admin):
    big = upload("图纸.pdf", a_pdf())
    big.size = 21 * 1024 * 1024
    with travel(DURING), refused("%(name)s is larger than 20 MB.", field="attachments", name="图纸.pdf"):
        submit(association_admin, consultation, files=[big])
    assert not Comment.objects.exists()


def test_executable_renamed_to_pdf_is_refused(consultation, association_admin):
    exe = upload("说明.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64)
    with travel(DURING), refused("%(name)s is not a PDF, DOCX or image file.", field="attachments", name="说明.pdf"):
        submit(association_admin, consultation, files=[exe])
    assert not Comment.objects.exists()


def test_small_real_pdf_is_accepted_and_stored_with_its_hash(consultation, association_admin):
    data = a_pdf()
    with travel(DURING):
        comment = submit(association_admin, consultation, files=[upload("说明.pdf", data)])
    stored = comment.attachments.get()
    assert (stored.name, stored.file_type, stored.size) == ("说明.pdf", "pdf", len(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    with stored.file.open("rb") as handle:
        assert handle.read() == data


def test_scripts_javascript_links_and_event_handlers_are_removed(consultation, association_admin):
    dirty = ('<p>收运时间<script>alert("x")</script></p><a href="javascript:alert(1)">链接</a>'
             '<img src="x" onerror="alert(2)"><b onclick="steal()">加粗</b>')
    with travel(DURING):
        comment = submit(association_admin, consultation, problem=dirty, reason=dirty, suggestion=dirty)
    for stored in (comment.problem, comment.reason, comment.suggestion):
        lowered = stored.lower()
        assert "<script" not in lowered and "javascript:" not in lowered and "alert" not in lowered
        assert "onerror" not in lowered and "onclick" not in lowered and "<img" not in lowered
        assert "收运时间" in stored and "链接" in stored and "<b>加粗</b>" in stored


@pytest.mark.parametrize("field", ["problem", "reason", "suggestion"])
def test_field_of_100000_characters_is_refused(consultation, association_admin, field):
    fields = {"problem": "问题", field: "长" * 100_000}
    msgid = "The field is too long: at most %(max)s characters."
    with travel(DURING), refused(msgid, field=field, max=MAX_FIELD_CHARS):
        submit(association_admin, consultation, **fields)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("problem", ["", "   ", "<p> </p>", "<script>alert(1)</script>"])
def test_empty_problem_is_refused(consultation, association_admin, problem):
    with travel(DURING), refused("Describe the problem: this field is required.", field="problem"):
        submit(association_admin, consultation, problem=problem)


# --- Who may comment ----------------------------------------------------------------------------------------


def test_staff_of_an_association_not_invited_cannot_comment(consultation, other_association):
    outsider = association_staff(other_association)
    assert permissions.speakers_for(outsider, consultation) == []
    with travel(DURING), refused("You cannot comment on this consultation."):
        submit(outsider, consultation, speaker=f"association:{other_association.pk}")
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("audience", "as_firm"), [
    (Audience.INVITED, False), (Audience.ASSOCIATIONS, False), (Audience.MEMBERS, True), (Audience.PUBLIC, True)])
def test_firm_user_comments_as_firm_only_when_members_may_comment(admin, association, member_firm, audience, as_firm):
    user = firm_user(member_firm)
    with travel(START - timedelta(days=1)):
        consultation = make_consultation(admin=admin, invited=[association], audience=audience, starts_at=START,
                                         ends_at=END)
    speakers = permissions.speakers_for(user, consultation)
    assert [s.value for s in speakers] == ([f"firm:{member_firm.pk}"] if as_firm else [])
    if as_firm:
        with travel(DURING):
            comment = submit(user, consultation)
        assert (comment.author_kind, comment.firm, comment.author_name) == ("firm", member_firm, member_firm.name)


def test_firm_whose_membership_ended_cannot_comment_as_firm(admin, association, member_firm):
    member_firm.memberships.update(ended_on=date(2026, 1, 31))
    user = firm_user(member_firm)
    with travel(START - timedelta(days=1)):
        consultation = make_consultation(admin=admin, audience=Audience.MEMBERS, starts_at=START, ends_at=END)
    assert permissions.speakers_for(user, consultation) == []
    with travel(DURING), refused("You cannot comment on this consultation."):
        submit(user, consultation, speaker=f"firm:{member_firm.pk}")


@pytest.mark.parametrize(("audience", "allowed"), [(Audience.MEMBERS, False), (Audience.PUBLIC, True)])
def test_member_of_the_public_comments_only_on_public_consultations(admin, audience, allowed):
    person = UserFactory(full_name="张市民")
    with travel(START - timedelta(days=1)):
        consultation = make_consultation(admin=admin, audience=audience, starts_at=START, ends_at=END)
    assert [s.value for s in permissions.speakers_for(person, consultation)] == (["public"] if allowed else [])
    if allowed:
        with travel(DURING):
            comment = submit(person, consultation)
        assert (comment.author_kind, comment.author_name) == (Comment.AuthorKind.PUBLIC, "张市民")


def test_member_points_are_consolidated_into_the_association_comment(consultation, association_admin, member_firm):
    user = firm_user(member_firm)
    association = consultation.invited_associations.get()
    with travel(DURING):
        kept = services.member_point_submit(actor=user, consultation=consultation, firm=member_firm,
                                            association=association, problem="收运频次过高。")
        dropped = services.member_point_submit(actor=user, consultation=consultation, firm=member_firm,
                                               association=association, problem="罚款过重。")
        services.member_point_decide(actor=association_admin, point=dropped, note="暂不提出。")
        comment = submit(association_admin, consultation, adopted_points=[kept, dropped])
    kept.refresh_from_db(), dropped.refresh_from_db()
    assert (kept.status, kept.comment) == (MemberPoint.Status.ADOPTED, comment)
    assert (dropped.status, dropped.comment) == (MemberPoint.Status.DROPPED, None)
    assert list(comment.consulted_firms.all()) == [member_firm]


# --- Responses and the outcome ------------------------------------------------------------------------------


@pytest.fixture
def closed(consultation, association_admin):
    """The consultation with two comments, after its end."""
    with travel(DURING):
        first = submit(association_admin, consultation, article=article(consultation, "第五条"))
        second = submit(association_admin, consultation, problem="第六条的禁止行为应当列举更具体。")
    return consultation, first, second


def test_a_new_answer_supersedes_the_previous_one(closed, admin):
    _consultation, comment, _other = closed
    with travel(END + timedelta(days=1)):
        old = services.response_save(actor=admin, comment=comment, result=Result.NOT_ADOPTED, reason="已有规定。")
    with travel(END + timedelta(days=2)):
        new = services.response_save(actor=admin, comment=comment, result=Result.ADOPTED)
    old.refresh_from_db()
    assert comment.responses.count() == 2 and list(Response.objects.current().filter(comment=comment)) == [new]
    assert old.superseded_at == END + timedelta(days=2) and old.reason == "已有规定。"


@pytest.mark.parametrize("result", [Result.PARTLY, Result.NOT_ADOPTED, Result.ALREADY, Result.OUT_OF_SCOPE])
def test_an_answer_not_fully_adopting_needs_a_reason(closed, admin, result):
    _consultation, comment, _other = closed
    with refused("Give the reason: every comment not fully adopted needs one.", field="reason"):
        services.response_save(actor=admin, comment=comment, result=result, reason="  ")
    assert services.response_save(actor=admin, comment=comment, result=Result.ADOPTED).reason == ""


def test_outcome_cannot_be_published_before_the_end(closed, admin):
    consultation, first, second = closed
    services.response_bulk(actor=admin, consultation=consultation, comments=[first, second], result=Result.ADOPTED)
    with travel(END - SECOND), refused("The outcome can be published only after the consultation has closed."):
        services.outcome_publish(actor=admin, consultation=consultation)


def test_outcome_cannot_be_published_with_unanswered_comments(closed, admin):
    consultation, first, _second = closed
    services.response_save(actor=admin, comment=first, result=Result.ADOPTED)
    msgid = "%(n)s comments have no answer yet; answer every comment before publishing."
    with travel(END + SECOND), refused(msgid, n=1):
        services.outcome_publish(actor=admin, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.outcome_published_at is None and not Response.objects.published().exists()


def test_public_sees_only_published_answers_and_a_republished_answer_replaces_the_old(closed, admin):
    consultation, first, second = closed
    with travel(END + timedelta(days=1)):
        answers = services.response_bulk(actor=admin, consultation=consultation, comments=[first, second],
                                         result=Result.PARTLY, reason="部分采纳。")
    assert not Response.objects.published().exists()
    with travel(END + timedelta(days=2)):
        assert services.outcome_publish(actor=admin, consultation=consultation) == 2
    assert set(Response.objects.published()) == set(answers)
    with travel(END + timedelta(days=3)):
        revised = services.response_save(actor=admin, comment=first, result=Result.ADOPTED)
    assert revised.published_at is None
    assert set(Response.objects.published().filter(comment=first)) == {answers[0]}
    with travel(END + timedelta(days=4)):
        assert services.outcome_publish(actor=admin, consultation=consultation) == 1
    assert list(Response.objects.published().filter(comment=first)) == [revised]
    answers[0].refresh_from_db()
    assert answers[0].public_superseded_at == END + timedelta(days=4)
    consultation.refresh_from_db()
    assert consultation.outcome_published_at == END + timedelta(days=2)


def test_answering_a_duplicate_is_refused_and_the_group_needs_one_answer(closed, admin):
    consultation, first, second = closed
    services.comment_mark_duplicate(actor=admin, comment=second, of=first)
    msgid = "Comment %(receipt)s is grouped with another comment: answer the group's first comment."
    with refused(msgid, receipt=second.receipt_number):
        services.response_save(actor=admin, comment=second, result=Result.ADOPTED)
    services.response_save(actor=admin, comment=first, result=Result.ADOPTED)
    with travel(END + SECOND):
        assert services.outcome_publish(actor=admin, consultation=consultation) == 1


# --- Extension and reopening --------------------------------------------------------------------------------


def test_extending_an_open_consultation_publishes_an_extended_notice(consultation, admin):
    new_end = END + timedelta(days=7)
    with travel(DURING):
        notice = services.consultation_extend(actor=admin, consultation=consultation, new_ends_at=new_end,
                                              reason="应协会请求延长一周。")
    consultation.refresh_from_db()
    assert (notice.kind, notice.old_ends_at, notice.new_ends_at) == (Notice.Kind.EXTENDED, END, new_end)
    assert consultation.ends_at == new_end


def test_extending_after_the_end_reopens_and_comments_are_accepted_again(consultation, admin, association_admin):
    with travel(END + timedelta(days=2)):
        with refused("Give the reason for the extension; it is published.", field="reason"):
            services.consultation_extend(actor=admin, consultation=consultation, new_ends_at=END + timedelta(days=9),
                                         reason=" ")
        notice = services.consultation_extend(actor=admin, consultation=consultation,
                                              new_ends_at=END + timedelta(days=9), reason="补充征求意见。")
        comment = submit(association_admin, consultation)
    assert notice.kind == Notice.Kind.REOPENED and not comment.is_late


# --- The audit log ------------------------------------------------------------------------------------------


def test_every_service_writes_its_audit_entry(admin, association, association_admin, member_firm):
    seen = AuditEntry.objects.aggregate(m=Max("id"))["m"] or 0

    def logged(action):
        nonlocal seen
        actions = list(AuditEntry.objects.filter(id__gt=seen).order_by("id").values_list("action", flat=True))
        seen = AuditEntry.objects.aggregate(m=Max("id"))["m"]
        assert action in actions, actions

    firm = firm_user(member_firm)
    with travel(START - timedelta(days=1)):
        c = services.consultation_create(actor=admin, invited=[association], title="测试规范", kind=Kind.STANDARD,
                                         department="市城管委", starts_at=START, ends_at=END)
        logged("consultations.consultation.created")
        services.consultation_update(actor=admin, consultation=c, summary="主要内容")
        logged("consultations.consultation.updated")
        services.version_create(actor=admin, consultation=c, text=DRAFT_TEXT)
        logged("consultations.version.created")
        c = services.consultation_publish(actor=admin, consultation=c)
        logged("consultations.consultation.published")
    with travel(DURING):
        assert services.send_invitations(consultation=c) == 1
        logged("consultations.reminder.invitation")
        point = services.member_point_submit(actor=firm, consultation=c, firm=member_firm, association=association,
                                             problem="要点")
        logged("consultations.point.submitted")
        services.member_point_decide(actor=association_admin, point=point)
        logged("consultations.point.dropped")
        comment = submit(association_admin, c)
        logged("consultations.comment.submitted")
        services.comment_withdraw(actor=association_admin, comment=comment)
        logged("consultations.comment.withdrawn")
        letter = services.comment_register_offline(actor=admin, consultation=c, channel="letter",
                                                   received_on=date(2026, 3, 4), author_name="某街道办事处",
                                                   problem="来信意见")
        logged("consultations.comment.registered")
        other = submit(association_admin, c)
        services.comment_hide(actor=admin, comment=other, reason="含个人信息")
        logged("consultations.comment.hidden")
        services.comment_unhide(actor=admin, comment=other)
        logged("consultations.comment.unhidden")
        services.comment_mark_duplicate(actor=admin, comment=other, of=letter)
        logged("consultations.comment.grouped")
        services.consultation_extend(actor=admin, consultation=c, new_ends_at=END + timedelta(days=1), reason="延期")
        logged("consultations.consultation.extended")
        version = services.version_create(actor=admin, consultation=c, text=DRAFT_V2, change_note="新增第四条")
        services.version_publish(actor=admin, version=version)
        logged("consultations.version.published")
    with travel(END + timedelta(days=2)):
        services.response_save(actor=admin, comment=letter, result=Result.ADOPTED)
        logged("consultations.response.saved")
        services.outcome_publish(actor=admin, consultation=c)
        logged("consultations.outcome.published")
