"""Query counts of the public consultation pages and API: fixed, whatever the number of comments.

Comments, attachments and answers are bulk-created here (only here) so that 500 comments take no time.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Comment, CommentAttachment, Consultation, Kind, MemberPoint, Response, Result
from tests.consultations.helpers import make_consultation
from tests.factories import MembershipFactory, association_staff, committee_user

pytestmark = pytest.mark.django_db

SIZES = [10, 500]
NEW_TEXT = """成都市餐厨垃圾管理办法（征求意见稿）
第一章 总则
第一条 为了加强餐厨垃圾管理，根据有关法律法规，制定本办法。
第二条 本市行政区域内餐厨垃圾的收集、运输、处置及其监督管理活动，适用本办法。
第三条 餐厨垃圾产生单位应当建立管理台账。
"""


@pytest.fixture
def admin(db):
    return committee_user()


@pytest.fixture
def consultation(admin, association):
    return make_consultation(admin=admin, invited=[association])


def bulk_comments(consultation, association, n, *, answered=False):
    """``n`` comments on the published text: most on an article, every fifth general, every seventh hidden,
    every eleventh withdrawn; each with an attachment and a consulted firm; published answers if ``answered``."""
    version = consultation.versions.filter(published_at__isnull=False).order_by("-number").first()
    articles = [a for a in version.articles.all() if a.commentable]
    firm = MembershipFactory(association=association).firm
    now = timezone.now()
    rows = []
    for i in range(1, n + 1):
        target = articles[i % len(articles)] if i % 5 else None
        rows.append(Comment(
            consultation=consultation, version=version, article=target,
            quoted_label=target.label if target else "", quoted_text=target.text if target else "",
            author_kind=Comment.AuthorKind.ASSOCIATION, association=association, author_name=association.name,
            problem=f"<p>意见{i}</p>", reason="理由", suggestion="建议", sequence=i,
            receipt_number=f"{consultation.number}-{i:04d}", fingerprint="0" * 64, submitted_at=now,
            hidden_at=now if i % 7 == 0 else None, hidden_reason="含个人信息" if i % 7 == 0 else "",
            status=Comment.Status.WITHDRAWN if i % 11 == 0 else Comment.Status.SUBMITTED))
    Comment.objects.bulk_create(rows)
    Consultation.objects.filter(pk=consultation.pk).update(comment_counter=n)
    comments = list(Comment.objects.filter(consultation=consultation))
    CommentAttachment.objects.bulk_create([
        CommentAttachment(comment=c, file=f"consultations/{c.receipt_number}/a.pdf", name="a.pdf", size=100,
                          file_type="pdf", sha256="0" * 64) for c in comments])
    Comment.consulted_firms.through.objects.bulk_create([
        Comment.consulted_firms.through(comment_id=c.pk, firm_id=firm.pk) for c in comments])
    if answered:
        Response.objects.bulk_create([
            Response(comment=c, result=Result.NOT_ADOPTED if c.pk % 2 else Result.ADOPTED, reason="已有规定",
                     new_article=c.article, answered_at=now, published_at=now)
            for c in comments if c.status == Comment.Status.SUBMITTED])
        Consultation.objects.filter(pk=consultation.pk).update(outcome_published_at=now,
                                                               ends_at=now - timedelta(minutes=1))
    consultation.refresh_from_db()
    return comments


def url(name, *args):
    return reverse(name, args=args)


def login(client, user):
    if user is not None:
        client.force_login(user)


# Expected queries per (page, viewer). Anonymous visitors need no session query.
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("viewer", "expected"), [("anonymous", 11), ("committee", 15), ("association", 16)])
def test_detail_query_count(client, django_assert_num_queries, admin, consultation, association, size, viewer,
                            expected):
    version = services.version_create(actor=admin, consultation=consultation, text=NEW_TEXT, change_note="修改")
    services.version_publish(actor=admin, version=version)
    services.consultation_extend(actor=admin, consultation=consultation,
                                 new_ends_at=consultation.ends_at + timedelta(days=3), reason="延长")
    bulk_comments(consultation, association, size)
    login(client, {"anonymous": None, "committee": admin, "association": association_staff(association)}[viewer])
    with django_assert_num_queries(expected):
        response = client.get(url("consultations:detail", consultation.pk))
    assert response.status_code == 200
    assert len(response.context["latest"]) == min(20, response.context["comment_total"])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("viewer", "expected"), [("anonymous", 8), ("committee", 11)])
def test_comments_query_count(client, django_assert_num_queries, admin, consultation, association, size, viewer,
                              expected):
    bulk_comments(consultation, association, size)
    login(client, admin if viewer == "committee" else None)
    with django_assert_num_queries(expected):
        response = client.get(url("consultations:comments", consultation.pk), {"page": "1"})
    assert response.status_code == 200
    with django_assert_num_queries(expected):
        client.get(url("consultations:comments", consultation.pk), {"article": "general"})


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("viewer", "expected"), [("anonymous", 4), ("committee", 7)])
def test_outcome_query_count(client, django_assert_num_queries, admin, consultation, association, size, viewer,
                             expected):
    bulk_comments(consultation, association, size, answered=True)
    login(client, admin if viewer == "committee" else None)
    with django_assert_num_queries(expected):
        response = client.get(url("consultations:outcome", consultation.pk), {"preview": "1"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == size - size // 11


@pytest.mark.parametrize("size", [2, 25])
def test_index_query_count(client, django_assert_num_queries, admin, association, size):
    template = make_consultation(admin=admin, invited=[association])
    now = timezone.now()
    Consultation.objects.bulk_create([
        Consultation(title=f"征求意见{i}", kind=Kind.STANDARD, department="环卫处", starts_at=now - timedelta(days=1),
                     ends_at=now + timedelta(days=i + 1), year=template.year, sequence=100 + i, published_at=now)
        for i in range(size)])
    with django_assert_num_queries(2):
        response = client.get(url("consultations:index"))
    assert response.status_code == 200


def test_diff_query_count(client, django_assert_num_queries, admin, consultation, association):
    version = services.version_create(actor=admin, consultation=consultation, text=NEW_TEXT, change_note="修改")
    services.version_publish(actor=admin, version=version)
    bulk_comments(consultation, association, 20)
    with django_assert_num_queries(4):
        assert client.get(url("consultations:diff", consultation.pk)).status_code == 200


@pytest.mark.parametrize("points", [1, 10])
def test_comment_form_query_count(client, django_assert_num_queries, consultation, association, points):
    firm = MembershipFactory(association=association).firm
    MemberPoint.objects.bulk_create([MemberPoint(consultation=consultation, association=association, firm=firm,
                                                 problem=f"要点{i}") for i in range(points)])
    client.force_login(association_staff(association))
    with django_assert_num_queries(9):
        response = client.get(url("consultations:comment", consultation.pk))
    assert len(response.context["form"].points) == points


def test_receipt_query_count(client, django_assert_num_queries, consultation, association):
    staff = association_staff(association)
    comment = bulk_comments(consultation, association, 3)[0]
    Comment.objects.filter(pk=comment.pk).update(submitted_by=staff)
    client.force_login(staff)
    with django_assert_num_queries(5):
        assert client.get(url("consultations:receipt", comment.receipt_number)).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_api_query_counts(client, django_assert_num_queries, admin, consultation, association, size):
    bulk_comments(consultation, association, size, answered=True)
    with django_assert_num_queries(2):
        assert client.get(url("consultations_api:list")).status_code == 200
    with django_assert_num_queries(7):
        response = client.get(url("consultations_api:detail", consultation.pk))
    assert len(response.json()["outcome"]) == size - size // 11
