"""seed_demo's consultations: one open, one answered with a second version, one upcoming; idempotent.

The demo is seeded once for the module (inside a transaction rolled back at the end); each test runs in a
savepoint of its own on top of it.
"""

from datetime import timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.utils import timezone

from associations.models import FirmUser
from consultations import permissions, services
from consultations.models import (
    Article,
    Comment,
    Consultation,
    DraftVersion,
    Kind,
    MemberPoint,
    Notice,
    ReasonTemplate,
    Reminder,
    Response,
    Result,
    Status,
)
from consultations.services import minimum_period_error
from core.models import AuditEntry
from portal.demo.accounts import DEMO_ACCOUNTS_BY_EMAIL, SANITATION
from portal.demo.consultations import (
    CLOSED_TITLE,
    COMMENTERS,
    KITCHEN,
    OPEN_TITLE,
    REASON_TEMPLATES,
    RECYCLING,
    UPCOMING_TITLE,
)
from tests.portal.demo_helpers import seed

User = get_user_model()




def consultation(title: str) -> Consultation:
    return Consultation.objects.get(title=title)


def counts() -> dict[str, int]:
    models = (Consultation, DraftVersion, Article, Comment, MemberPoint, Response, ReasonTemplate, Notice, Reminder,
              User, FirmUser, AuditEntry)
    return {model.__name__: model.objects.count() for model in models}


def test_seed_prints_a_summary_line_for_consultations(demo):
    line = next(line for line in demo.splitlines() if "征求意见" in line)
    assert "新建 3 项" in line


def test_one_consultation_is_open_one_answered_and_one_upcoming(demo):
    assert consultation(OPEN_TITLE).status == Status.OPEN
    assert consultation(CLOSED_TITLE).status == Status.RESPONDED
    assert consultation(UPCOMING_TITLE).status == Status.UPCOMING
    assert list(Consultation.objects.open().values_list("title", flat=True)) == [OPEN_TITLE]


def test_open_consultation_is_a_market_normative_document_open_to_members_for_35_days(demo):
    c = consultation(OPEN_TITLE)
    now = timezone.now()
    assert (c.kind, c.audience, c.visibility) == (Kind.NORMATIVE_MARKET, "members", "public")
    # Local days: starts 10 days ago at 09:00, ends in 25 days at 18:00.
    assert timedelta(days=9) < now - c.starts_at < timedelta(days=11)
    assert timedelta(days=24) < c.ends_at - now < timedelta(days=26)
    assert minimum_period_error(kind=c.kind, starts_at=c.starts_at, ends_at=c.ends_at) is None
    assert set(c.invited_associations.values_list("name", flat=True)) == {
        SANITATION, KITCHEN.name, RECYCLING.name, "成都市市政设施管护协会"}


def test_open_draft_has_26_articles_in_6_chapters_including_article_5(demo):
    version = consultation(OPEN_TITLE).versions.get()
    assert version.is_frozen and not version.warnings
    assert version.articles.filter(kind="article").count() == 26
    assert list(version.articles.filter(kind="chapter").values_list("heading", flat=True)) == [
        "总则", "收集运输", "处置", "监督管理", "法律责任", "附则"]
    assert "台账" in version.articles.get(label="第五条").text


def test_open_consultation_has_comments_from_two_associations_and_a_firm_but_not_sanitation(demo):
    comments = Comment.objects.filter(consultation=consultation(OPEN_TITLE))
    assert 3 <= comments.count() <= 6
    authors = {KITCHEN.name, RECYCLING.name, KITCHEN.anchor_firms[0]}
    assert set(comments.values_list("author_name", flat=True)) == authors
    assert comments.filter(author_kind=Comment.AuthorKind.FIRM).count() == 1
    assert not comments.filter(association__name=SANITATION).exists()
    assert not comments.filter(is_late=True).exists()
    c = consultation(OPEN_TITLE)
    assert all(c.starts_at <= comment.submitted_at < timezone.now() for comment in comments)


def test_association_consolidates_two_member_points_and_drops_one(demo):
    points = MemberPoint.objects.filter(consultation=consultation(OPEN_TITLE)).select_related("comment")
    adopted = [p for p in points if p.status == MemberPoint.Status.ADOPTED]
    assert len(adopted) == 2 and points.filter(status=MemberPoint.Status.DROPPED, note__gt="").count() == 1
    comment = adopted[0].comment
    assert {p.comment_id for p in adopted} == {comment.pk}
    assert comment.association.name == KITCHEN.name
    assert set(comment.consulted_firms.all()) == {p.firm for p in adopted}


def test_sanitation_staff_can_now_comment_on_article_5(demo):
    c = consultation(OPEN_TITLE)
    user = User.objects.get(email="sanitation@demo.local")
    speaker = next(s for s in permissions.speakers_for(user, c) if s.association and s.association.name == SANITATION)
    article = c.versions.get().articles.get(label="第五条")
    comment = services.comment_submit(actor=user, consultation=c, speaker=speaker.value, article=article,
                                      problem="建议明确台账的电子化要求。")
    assert comment.quoted_label == "第五条" and not comment.is_late


def test_closed_consultation_ran_60_to_30_days_ago_and_published_its_outcome_10_days_ago(demo):
    c = consultation(CLOSED_TITLE)
    now = timezone.now()
    assert c.kind == Kind.STANDARD
    assert timedelta(days=59) < now - c.published_at < timedelta(days=61)
    assert c.published_at == c.starts_at
    assert timedelta(days=29) < now - c.ends_at < timedelta(days=31)
    assert timedelta(days=9) < now - c.outcome_published_at < timedelta(days=11)
    comments = Comment.objects.filter(consultation=c)
    assert all(c.starts_at <= comment.submitted_at < c.ends_at for comment in comments)
    assert set(comments.values_list("author_name", flat=True)) == {
        "四川省照明电器协会", "成都市市政设施管护协会", "成都蓉光照明工程有限公司"}


def test_every_closed_comment_is_answered_publicly_with_mixed_results(demo):
    c = consultation(CLOSED_TITLE)
    leads = Comment.objects.submitted().filter(consultation=c, duplicate_of__isnull=True)
    duplicates = Comment.objects.filter(consultation=c, duplicate_of__isnull=False)
    assert duplicates.count() == 1 and not duplicates.get().responses.exists()
    results = []
    for comment in leads:
        published = list(comment.responses.published())
        assert len(published) == 1, comment.receipt_number
        results.append(published[0].result)
        assert published[0].reason
    assert {Result.ADOPTED, Result.PARTLY, Result.NOT_ADOPTED, Result.OUT_OF_SCOPE} <= set(results)
    revised = Response.objects.filter(comment__consultation=c, superseded_at__isnull=False)
    assert revised.count() == 1 and revised.get().published_at is None


def test_second_version_inserts_an_article_and_renumbers_the_ones_after_it(demo):
    v1, v2 = consultation(CLOSED_TITLE).versions.order_by("number")
    assert v2.is_frozen and "修改" in v2.change_note
    old = dict(v1.articles.filter(kind="article").values_list("key", "label"))
    new = list(v2.articles.filter(kind="article").values_list("key", "label"))
    assert len(new) == len(old) + 1
    inserted = [label for key, label in new if key not in old]
    assert inserted == ["第八条"]
    renumbered = {old[key]: label for key, label in new if key in old and old[key] != label}
    assert renumbered["第八条"] == "第九条" and renumbered["第十六条"] == "第十七条"
    answered = Response.objects.published().filter(comment__consultation=v1.consultation, new_article__isnull=False)
    assert answered.exists() and all(r.new_article.version_id == v2.pk for r in answered)


def test_upcoming_rule_starts_in_5_days_with_the_legal_30_day_minimum(demo):
    c = consultation(UPCOMING_TITLE)
    assert c.kind == Kind.RULE and c.published_at is not None
    assert timedelta(days=4) < c.starts_at - timezone.now() < timedelta(days=6)
    assert minimum_period_error(kind=c.kind, starts_at=c.starts_at, ends_at=c.ends_at) is None
    assert not c.comments.exists()


def test_reason_templates_are_seeded(demo):
    titles = set(ReasonTemplate.objects.values_list("title", flat=True))
    assert {"已有上位法规定", "不属于本文件调整范围", "建议已采纳"} <= titles
    assert len(REASON_TEMPLATES) == ReasonTemplate.objects.count()


def test_extra_commenters_exist_without_a_usable_password(demo):
    for spec in COMMENTERS:
        user = User.objects.get(email=spec.email)
        assert not user.has_usable_password()
        assert spec.email not in DEMO_ACCOUNTS_BY_EMAIL


def test_history_is_replayed_at_its_dates_and_the_clock_is_restored(demo):
    c = consultation(CLOSED_TITLE)
    published = AuditEntry.objects.for_object(c).get(action="consultations.consultation.published")
    assert published.created_at == c.published_at
    outcome = AuditEntry.objects.for_object(c).get(action="consultations.outcome.published")
    assert outcome.created_at == c.outcome_published_at
    assert not isinstance(timezone.now, mock.Mock)
    assert AuditEntry.objects.filter(action="portal.seed_demo.consultations").count() == 1


def test_running_again_creates_nothing(demo):
    before = counts()
    output = seed()
    assert counts() == before
    assert "新建 0 项" in next(line for line in output.splitlines() if "征求意见" in line)
