"""The committee's responses workbench (意见处理), moderation, outcome publication and tracker in the Wagtail admin."""

from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations import services
from consultations.models import ReasonTemplate, Reminder, Response, Result
from core.models import AuditEntry
from tests.consultations.helpers import article, make_consultation
from tests.factories import AssociationFactory, UserFactory, association_staff, committee_user

pytestmark = pytest.mark.django_db



def url(name, consultation, *args):
    return reverse(f"consultations_admin:{name}", args=[consultation.pk, *args])


@pytest.fixture
def admin():
    return committee_user(admin=True)


@pytest.fixture
def editor():
    return committee_user(admin=False)


@pytest.fixture
def associations():
    return [AssociationFactory() for _ in range(3)]


@pytest.fixture
def consultation(admin, associations):
    return make_consultation(admin=admin, invited=associations)


def submit(consultation, association, *, label="第五条", problem="收运时间过早，扰民。", staff=None):
    staff = staff or association_staff(association)
    return services.comment_submit(actor=staff, consultation=consultation, speaker=f"association:{association.pk}",
                                   article=article(consultation, label) if label else None, problem=problem,
                                   reason="<p>依据《城市市容和环境卫生管理条例》。</p>", suggestion="改为七时以后。")


def populate(consultation, associations, n):
    """``n`` comments spread over the associations and articles, with answers, a duplicate, a hidden comment
    and a withdrawn one, so every part of the workbench and tracker has something to show."""
    labels = ["第一条", "第四条", "第五条", "第六条", None]
    staff = {a.pk: association_staff(a) for a in associations}
    comments = []
    for i in range(n):
        a = associations[i % len(associations)]
        comments.append(submit(consultation, a, label=labels[i % len(labels)], problem=f"意见{i}", staff=staff[a.pk]))
    admin = committee_user()
    services.comment_mark_duplicate(actor=admin, comment=comments[1], of=comments[0])
    services.comment_hide(actor=admin, comment=comments[2], reason="含有广告内容")
    services.comment_withdraw(actor=staff[comments[-1].association_id], comment=comments[-1])
    for comment in comments[:n // 2]:
        if comment.pk != comments[1].pk:
            services.response_save(actor=admin, comment=comment, result=Result.NOT_ADOPTED, reason="已有规定。",
                                   new_article=article(consultation, "第四条"))
    Reminder.objects.create(consultation=consultation, association=associations[0], kind=Reminder.Kind.DAYS_7,
                            ends_at=consultation.ends_at, recipients=["a@example.cn"])
    return comments


def after_end(consultation):
    return time_machine.travel(consultation.ends_at + timedelta(hours=1), tick=False)


def actions():
    return list(AuditEntry.objects.values_list("action", flat=True))


# --- Who may reach it ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client, consultation, associations):
    submit(consultation, associations[0])
    response = client.get(url("responses", consultation))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("name", ["responses", "tracker"])
def test_association_staff_cannot_reach_the_back_office(client, consultation, associations, name):
    comment = submit(consultation, associations[0])
    client.force_login(association_staff(associations[0]))
    response = client.get(url(name, consultation))
    assert response.status_code == 302
    assert comment.receipt_number not in response.content.decode()


def test_admin_users_outside_the_committee_are_refused(client, consultation, associations):
    comment = submit(consultation, associations[0])
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(url("responses", consultation)).status_code == 302
    response = client.post(url("response_save", consultation, comment.pk),
                           {"result": Result.ADOPTED, "reason": ""})
    assert response.status_code == 302
    assert not Response.objects.exists()


def test_association_staff_cannot_answer_or_hide(client, consultation, associations):
    comment = submit(consultation, associations[0])
    client.force_login(association_staff(associations[0]))
    client.post(url("response_save", consultation, comment.pk), {"result": Result.ADOPTED})
    client.post(url("comment_hide", consultation, comment.pk), {"reason": "x"})
    comment.refresh_from_db()
    assert not Response.objects.exists()
    assert comment.hidden_at is None


def test_a_comment_of_another_consultation_is_404(client, editor, consultation, associations, admin):
    other = make_consultation(admin=admin, invited=associations)
    comment = submit(other, associations[0])
    client.force_login(editor)
    response = client.post(url("response_save", consultation, comment.pk), {"result": Result.ADOPTED})
    assert response.status_code == 404
    assert client.get(reverse("consultations_admin:responses", args=[999999])).status_code == 404


# --- Answers -------------------------------------------------------------------------------------------------


def test_editor_saves_an_answer_that_is_not_public(client, editor, consultation, associations):
    comment = submit(consultation, associations[0])
    client.force_login(editor)
    response = client.post(url("response_save", consultation, comment.pk),
                           {"result": Result.PARTLY, "reason": "部分采纳：收运时间调整为六时三十分。",
                            "new_article": article(consultation, "第五条").pk})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#c-{comment.pk}")
    saved = Response.objects.get(comment=comment)
    assert (saved.result, saved.answered_by, saved.published_at) == (Result.PARTLY, editor, None)
    assert saved.new_article.label == "第五条"
    assert not Response.objects.published().exists()
    assert "consultations.response.saved" in actions()

    page = client.get(url("responses", consultation))
    assert page.status_code == 200
    card = page.context["comments"][0]
    assert card.current == saved and card.published is None
    assert "部分采纳：收运时间调整为六时三十分。" in page.content.decode()


def test_an_answer_without_reason_is_refused_and_the_input_kept(client, editor, consultation, associations):
    comment = submit(consultation, associations[0])
    client.force_login(editor)
    response = client.post(url("response_save", consultation, comment.pk), {"result": Result.NOT_ADOPTED})
    assert response.status_code == 200
    assert response.context["error_target"] == f"c-{comment.pk}"
    assert response.context["comments"][0].form["result"] == Result.NOT_ADOPTED
    assert not Response.objects.exists()


def test_a_reason_template_is_used_when_the_reason_is_left_empty(client, editor, consultation, associations):
    comment = submit(consultation, associations[0])
    template = ReasonTemplate.objects.create(title="上位法已有规定", result=Result.ALREADY,
                                             text="《城市市容和环境卫生管理条例》已有规定。")
    client.force_login(editor)
    client.post(url("response_save", consultation, comment.pk), {"template": template.pk, "reason": ""})
    saved = Response.objects.get(comment=comment)
    assert (saved.result, saved.reason) == (Result.ALREADY, template.text)


def test_bulk_answering_three_comments_with_a_template(client, editor, consultation, associations):
    comments = [submit(consultation, a) for a in associations]
    untouched = submit(consultation, associations[0])
    template = ReasonTemplate.objects.create(title="不属于本办法", result=Result.OUT_OF_SCOPE,
                                             text="该意见涉及收费标准，不属于本办法调整范围。")
    client.force_login(editor)
    response = client.post(url("responses_bulk", consultation) + "?answered=no",
                           {"comments": [c.pk for c in comments], "template": template.pk, "reason": ""})
    assert response.status_code == 302
    assert "answered=no" in response["Location"]
    saved = Response.objects.current().filter(comment__in=comments)
    assert sorted(r.comment_id for r in saved) == sorted(c.pk for c in comments)
    assert {(r.result, r.reason, r.published_at) for r in saved} == {(Result.OUT_OF_SCOPE, template.text, None)}
    assert not Response.objects.filter(comment=untouched).exists()
    assert actions().count("consultations.response.saved") == 3


NOT_NUMBERS = ["²", "１", "-1", "9" * 30]


@pytest.mark.parametrize("bad", NOT_NUMBERS)
def test_bulk_ignores_comment_ids_that_are_no_whole_numbers(client, editor, consultation, associations, bad):
    comment = submit(consultation, associations[0])
    client.force_login(editor)
    response = client.post(url("responses_bulk", consultation),
                           {"comments": [bad, comment.pk], "result": Result.ADOPTED, "reason": "采纳。"})
    assert response.status_code == 302
    assert Response.objects.get().comment == comment
    response = client.post(url("responses_bulk", consultation), {"comments": [bad], "result": Result.ADOPTED})
    assert response.status_code == 200 and response.context["error_target"] == "bulk"


@pytest.mark.parametrize("bad", NOT_NUMBERS)
def test_an_answer_with_a_bad_new_article_is_refused_without_error(client, editor, consultation, associations, bad):
    comment = submit(consultation, associations[0])
    client.force_login(editor)
    response = client.post(url("response_save", consultation, comment.pk),
                           {"result": Result.NOT_ADOPTED, "new_article": bad})
    assert response.status_code == 200
    assert response.context["comments"][0].form["new_article"] is None


def test_bulk_without_a_selection_changes_nothing(client, editor, consultation, associations):
    submit(consultation, associations[0])
    client.force_login(editor)
    response = client.post(url("responses_bulk", consultation), {"result": Result.ADOPTED})
    assert response.status_code == 200
    assert response.context["error_target"] == "bulk"
    assert not Response.objects.exists()


# --- Publishing the outcome ------------------------------------------------------------------------------------


def test_admin_publishes_the_outcome_after_the_end(client, admin, editor, consultation, associations):
    comments = [submit(consultation, a) for a in associations[:2]]
    client.force_login(editor)
    for comment in comments:
        client.post(url("response_save", consultation, comment.pk), {"result": Result.ADOPTED})
    with after_end(consultation):  # log in inside: a session does not last the 30 days of the period
        client.force_login(admin)
        response = client.post(url("outcome_publish", consultation), {"note": "感谢各协会的意见。"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.outcome_published_at is not None
    assert "感谢各协会的意见。" in consultation.outcome_note
    assert Response.objects.published().count() == 2
    assert not Response.objects.filter(published_at__isnull=True).exists()
    assert "consultations.outcome.published" in actions()


def test_publishing_with_an_unanswered_comment_is_refused(client, admin, consultation, associations):
    answered, unanswered = submit(consultation, associations[0]), submit(consultation, associations[1])
    services.response_save(actor=admin, comment=answered, result=Result.ADOPTED)
    with after_end(consultation):
        client.force_login(admin)
        response = client.post(url("outcome_publish", consultation), {"note": "说明"})
    assert response.status_code == 200
    assert response.context["error_target"] == "publish"
    assert response.context["action_error"]
    assert response.context["unanswered_count"] == 1
    consultation.refresh_from_db()
    assert consultation.outcome_published_at is None and consultation.outcome_note == ""
    assert not Response.objects.filter(published_at__isnull=False).exists()
    assert "consultations.outcome.published" not in actions()
    assert unanswered.receipt_number in response.content.decode()


def test_an_editor_cannot_publish_the_outcome(client, editor, consultation, associations):
    comment = submit(consultation, associations[0])
    services.response_save(actor=editor, comment=comment, result=Result.ADOPTED)
    with after_end(consultation):
        client.force_login(editor)
        page = client.get(url("responses", consultation))
        response = client.post(url("outcome_publish", consultation))
    assert page.context["can_publish"] is False
    assert url("outcome_publish", consultation) not in page.content.decode()
    assert response.status_code == 200
    consultation.refresh_from_db()
    assert consultation.outcome_published_at is None


def test_a_newer_answer_after_publication_shows_both(client, admin, consultation, associations):
    comment = submit(consultation, associations[0])
    services.response_save(actor=admin, comment=comment, result=Result.NOT_ADOPTED, reason="暂不采纳。")
    with after_end(consultation):
        services.outcome_publish(actor=admin, consultation=consultation)
        services.response_save(actor=admin, comment=comment, result=Result.ADOPTED)
        client.force_login(admin)
        card = client.get(url("responses", consultation)).context["comments"][0]
    assert card.current.result == Result.ADOPTED and card.current.published_at is None
    assert card.published.result == Result.NOT_ADOPTED and card.published_differs


# --- Duplicates and moderation --------------------------------------------------------------------------------


def test_duplicates_are_grouped_under_their_leader(client, editor, consultation, associations):
    leader, dup, other = (submit(consultation, a) for a in associations)
    client.force_login(editor)
    response = client.post(url("comment_duplicate", consultation, dup.pk), {"of": leader.receipt_number})
    assert response.status_code == 302
    client.post(url("comment_duplicate", consultation, other.pk), {"of": str(leader.sequence)})
    dup.refresh_from_db()
    assert dup.duplicate_of == leader
    page = client.get(url("responses", consultation))
    cards = page.context["comments"]
    assert [c.pk for c in cards] == [leader.pk]
    assert [d.pk for d in cards[0].grouped] == [dup.pk, other.pk]
    assert actions().count("consultations.comment.grouped") == 2

    client.post(url("comment_duplicate", consultation, dup.pk), {"ungroup": "1"})
    dup.refresh_from_db()
    assert dup.duplicate_of is None
    assert actions().count("consultations.comment.grouped") == 3


def test_grouping_under_an_unknown_number_changes_nothing(client, editor, consultation, associations):
    comment = submit(consultation, associations[0])
    client.force_login(editor)
    response = client.post(url("comment_duplicate", consultation, comment.pk), {"of": "ZQ-1999-0001-0001"})
    assert response.status_code == 200
    assert response.context["error_target"] == f"c-{comment.pk}"
    comment.refresh_from_db()
    assert comment.duplicate_of is None


@pytest.mark.parametrize("bad", ["²", "１", "-1", "9" * 30, "0"])
def test_grouping_under_a_number_that_is_no_whole_number_changes_nothing(client, editor, consultation, associations,
                                                                         bad):
    submit(consultation, associations[0])  # sequence 1: "１" must not find it
    comment = submit(consultation, associations[1])
    client.force_login(editor)
    response = client.post(url("comment_duplicate", consultation, comment.pk), {"of": bad})
    assert response.status_code == 200
    assert response.context["error_target"] == f"c-{comment.pk}"
    comment.refresh_from_db()
    assert comment.duplicate_of is None


def test_hiding_keeps_the_text_and_records_the_reason(client, editor, consultation, associations):
    comment = submit(consultation, associations[0], problem="<p>这是一条含有广告的意见。</p>")
    client.force_login(editor)
    response = client.post(url("comment_hide", consultation, comment.pk), {"reason": "含有广告内容"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "含有广告内容" and comment.hidden_by == editor
    assert "这是一条含有广告的意见。" in comment.problem
    page = client.get(url("responses", consultation)).content.decode()
    assert "ca-comment--hidden" in page and "这是一条含有广告的意见。" in page and "含有广告内容" in page
    entry = AuditEntry.objects.get(action="consultations.comment.hidden")
    assert entry.data == {"reason": "含有广告内容"}

    client.post(url("comment_unhide", consultation, comment.pk))
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert "consultations.comment.unhidden" in actions()


def test_hiding_without_a_reason_is_refused(client, editor, consultation, associations):
    comment = submit(consultation, associations[0])
    client.force_login(editor)
    response = client.post(url("comment_hide", consultation, comment.pk), {"reason": "  "})
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.hidden_at is None


# --- Listing and filters ----------------------------------------------------------------------------------------


def test_workbench_lists_hidden_and_withdrawn_comments_and_filters(client, editor, consultation, associations):
    comments = populate(consultation, associations, 6)
    client.force_login(editor)
    page = client.get(url("responses", consultation))
    assert page.status_code == 200
    listed = [c.pk for c in page.context["comments"]]
    assert comments[2].pk in listed  # hidden, still listed
    assert comments[1].pk not in listed  # grouped under comments[0]
    assert comments[-1].pk not in listed and [c.pk for c in page.context["withdrawn"]] == [comments[-1].pk]

    def listed_for(**params):
        return [c.pk for c in client.get(url("responses", consultation), params).context["comments"]]

    assert listed_for(answered="yes") == [comments[0].pk, comments[2].pk]
    assert listed_for(answered="no") == [c.pk for c in comments[3:5]]
    assert listed_for(result=Result.NOT_ADOPTED) == [comments[0].pk, comments[2].pk]
    key = article(consultation, "第六条").key
    assert listed_for(article=key) == [comments[3].pk]
    assert listed_for(article="general") == [comments[4].pk]
    # a group is found by the name of any of its commenters
    assert listed_for(author=comments[1].author_name) == [comments[0].pk, comments[4].pk]


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["responses", "tracker"])
def test_query_count_does_not_grow_with_the_comments(client, admin, name, django_assert_num_queries):
    small_associations = [AssociationFactory() for _ in range(2)]
    small = make_consultation(admin=admin, invited=small_associations)
    populate(small, small_associations, 3)
    large_associations = [AssociationFactory() for _ in range(6)]
    large = make_consultation(admin=admin, invited=large_associations)
    populate(large, large_associations, 30)
    ReasonTemplate.objects.create(title="模板", result=Result.ALREADY, text="已有规定。")
    client.force_login(admin)
    _count_queries(client, url(name, small))  # warm caches (content types, site) shared by both
    expected = _count_queries(client, url(name, small))
    assert expected <= 40
    with django_assert_num_queries(expected):
        response = client.get(url(name, large))
    assert response.status_code == 200


# --- Tracker and export -------------------------------------------------------------------------------------------


def test_tracker_shows_invited_associations_heat_and_results(client, editor, consultation, associations):
    comments = populate(consultation, associations[:2], 6)
    client.force_login(editor)
    response = client.get(url("tracker", consultation))
    assert response.status_code == 200
    tracker = response.context["tracker"]
    rows = {row.association.pk: row for row in tracker.invited}
    assert rows[associations[0].pk].comments == 3 and rows[associations[2].pk].comments == 0
    assert rows[associations[1].pk].comments == 2  # one withdrawn
    assert [r.kind for r in rows[associations[0].pk].reminders] == [Reminder.Kind.INVITATION, Reminder.Kind.DAYS_7]
    assert rows[associations[2].pk].last_submitted_at is None
    assert (tracker.total, tracker.hidden, tracker.withdrawn, tracker.general) == (5, 1, 1, 1)
    heat = {cell.article.label: cell for cell in tracker.heat if cell.article.kind == "article"}
    assert heat["第二条"].level == 0 and heat["第一条"].count == 1 and heat["第一条"].level == 4
    saved = {value: n for value, _label, n in tracker.saved_results}
    assert saved[Result.NOT_ADOPTED] == 3  # the group of two counts twice, plus the hidden comment
    assert all(n == 0 for _v, _l, n in tracker.published_results)
    assert [n for _label, n in tracker.by_channel] == [5, 0, 0, 0]
    assert associations[0].name in response.content.decode() and comments[0].author_name in response.content.decode()


def test_export_of_all_comments_is_an_xlsx_and_is_audited(client, editor, consultation, associations):
    submit(consultation, associations[0])
    client.force_login(editor)
    response = client.get(url("responses_export", consultation))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert "consultations.comments.exported" in actions()
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(f'{consultation.number}-意见清单.xlsx')}" in disposition
    assert "no-store" in response["Cache-Control"]


def test_the_workbench_links_to_the_export(client, editor, consultation):
    client.force_login(editor)
    page = client.get(url("responses", consultation))
    assert page.context["links"]["export"].endswith("/responses/export.xlsx")
