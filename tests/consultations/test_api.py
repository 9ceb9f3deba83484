"""The public JSON API of consultations: /api/v1/consultations/ and /api/v1/consultations/<id>/."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, Kind, Result
from tests.consultations.helpers import article, make_consultation
from tests.factories import committee_user

pytestmark = pytest.mark.django_db

SUMMARY_KEYS = {"id", "number", "title", "kind", "kind_label", "department", "status", "status_label", "starts_at",
                "ends_at", "url", "comment_count"}
V2_TEXT = """成都市餐厨垃圾管理办法（征求意见稿）
第一条 为了加强餐厨垃圾管理，制定本办法。
第二条 本办法自2027年3月1日起施行。
"""


@pytest.fixture
def admin(db):
    return committee_user()


@pytest.fixture
def consultation(admin, association):
    return make_consultation(admin=admin, invited=[association], contact="联系人 王五 028-87654321",
                             ends_at=timezone.now() + timedelta(days=5), summary="<p>主要内容</p>")


def list_url():
    return reverse("consultations_api:list")


def detail_url(pk):
    return reverse("consultations_api:detail", args=[pk])


def submit(user, consultation, problem, label="第五条"):
    return services.comment_submit(actor=user, consultation=consultation,
                                   speaker=f"association:{consultation.invited_associations.get().pk}",
                                   article=article(consultation, label) if label else None, problem=problem)


def test_list_shape_and_public_consultations_only(client, admin, association, consultation, association_admin):
    make_consultation(admin=admin, invited=[association], title="草稿", publish=False)
    make_consultation(admin=admin, invited=[association], title="内部征求", kind=Kind.INTERNAL)
    submit(association_admin, consultation, "意见一")
    hidden = submit(association_admin, consultation, "意见二")
    services.comment_hide(actor=admin, comment=hidden, reason="含个人信息")

    response = client.get(list_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) >= {"count", "next", "previous", "results"}
    assert data["count"] == 1 and data["next"] is None and data["previous"] is None
    item = data["results"][0]
    assert set(item) == SUMMARY_KEYS
    assert item["id"] == consultation.pk and item["number"] == consultation.number
    assert item["status"] == "open" and item["kind"] == Kind.STANDARD
    assert item["ends_at"].endswith("+08:00") and item["starts_at"].endswith("+08:00")
    assert item["url"] == f"http://testserver/consultations/{consultation.pk}/"
    assert item["comment_count"] == 1  # the hidden comment is not counted
    assert "联系人" not in response.content.decode()


def test_list_paginates_and_filters(client, admin, association, consultation):
    now = timezone.now()
    Consultation.objects.bulk_create([
        Consultation(title=f"征求{i}", kind=Kind.RULE, department="环卫处", starts_at=now + timedelta(days=1),
                     ends_at=now + timedelta(days=40), year=consultation.year, sequence=100 + i, published_at=now)
        for i in range(20)])
    first = client.get(list_url()).json()
    assert first["count"] == 21 and len(first["results"]) == 20
    assert first["next"].endswith("?page=2")
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["previous"].endswith("?page=1")
    assert client.get(list_url(), {"status": "upcoming"}).json()["count"] == 20
    assert client.get(list_url(), {"kind": Kind.STANDARD}).json()["count"] == 1


@pytest.mark.parametrize(("params", "field", "status"), [
    ({"page": "abc"}, "page", 400), ({"page": "0"}, "page", 400), ({"page": "9"}, "page", 404),
    ({"page": "²"}, "page", 400), ({"page": "１"}, "page", 400), ({"page": "-1"}, "page", 400),
    ({"page": "9" * 30}, "page", 400),
    ({"status": "draft"}, "status", 400), ({"kind": Kind.INTERNAL}, "kind", 400),
])
def test_list_rejects_bad_parameters(client, consultation, params, field, status):
    response = client.get(list_url(), params)
    assert response.status_code == status
    assert response.json()["field"] == field


def test_detail_shape(client, admin, consultation):
    version = services.version_create(actor=admin, consultation=consultation, text=V2_TEXT, change_note="精简条文")
    services.version_publish(actor=admin, version=version)
    services.version_create(actor=admin, consultation=consultation, text=V2_TEXT + "第三条 未发布。\n",
                            change_note="未发布的第三稿")
    services.consultation_extend(actor=admin, consultation=consultation,
                                 new_ends_at=consultation.ends_at + timedelta(days=2), reason="应协会请求延长")
    response = client.get(detail_url(consultation.pk))
    assert response.status_code == 200
    data = response.json()
    assert SUMMARY_KEYS <= set(data)
    assert {"summary", "explanation", "legal_basis", "notices", "versions"} <= set(data)
    assert data["summary"] == "<p>主要内容</p>"
    assert "outcome" not in data
    assert [v["number"] for v in data["versions"]] == [1, 2]
    assert data["versions"][1]["change_note"] == "精简条文"
    first_article = next(a for a in data["versions"][0]["articles"] if a["label"] == "第五条")
    assert set(first_article) == {"key", "label", "heading", "text", "kind"}
    assert first_article["kind"] == "article"
    assert data["notices"][0]["reason"] == "应协会请求延长"
    assert data["notices"][0]["new_ends_at"].endswith("+08:00")
    body = response.content.decode()
    assert "未发布的第三稿" not in body and "028-87654321" not in body


def test_detail_is_404_for_drafts_internal_and_unknown(client, admin, association):
    draft = make_consultation(admin=admin, invited=[association], publish=False)
    internal = make_consultation(admin=admin, invited=[association], kind=Kind.INTERNAL)
    for pk in (draft.pk, internal.pk, 99999):
        response = client.get(detail_url(pk))
        assert response.status_code == 404
        assert "error" in response.json()
    client.force_login(admin)  # the API is public data only, whoever asks
    assert client.get(detail_url(draft.pk)).status_code == 404
    response = client.get("/api/v1/consultations/abc/")
    assert response.status_code == 404 and "error" in response.json()


def test_detail_outcome_has_published_answers_only(client, admin, consultation, association_admin):
    adopted = submit(association_admin, consultation, "建议放宽收运时间")
    hidden = submit(association_admin, consultation, "带手机号13800000000的意见", label=None)
    withdrawn = submit(association_admin, consultation, "撤回的意见")
    services.comment_withdraw(actor=association_admin, comment=withdrawn)
    services.comment_hide(actor=admin, comment=hidden, reason="含个人信息")
    services.response_save(actor=admin, comment=adopted, result=Result.ADOPTED)
    services.response_save(actor=admin, comment=hidden, result=Result.OUT_OF_SCOPE, reason="不属于调整范围")
    with time_machine.travel(consultation.ends_at + timedelta(minutes=5)):
        services.outcome_publish(actor=admin, consultation=consultation)
    services.response_save(actor=admin, comment=adopted, result=Result.PARTLY, reason="尚未发布的答复")

    data = client.get(detail_url(consultation.pk)).json()
    assert data["status"] == "responded"
    rows = data["outcome"]
    assert [row["number"] for row in rows] == [1, 2]
    first, second = rows
    assert first["authors"] == [adopted.author_name]
    assert first["article"] == "第五条" and first["problem"] == "建议放宽收运时间"
    assert first["result"] == Result.ADOPTED and first["result_label"]
    assert second["hidden"] is True and second["problem"] is None
    assert second["result"] == Result.OUT_OF_SCOPE and second["reason"] == "不属于调整范围"
    body = client.get(detail_url(consultation.pk)).content.decode()
    assert "尚未发布的答复" not in body and "撤回的意见" not in body and "13800000000" not in body


def test_api_rejects_writes(client, consultation):
    assert client.post(list_url()).status_code == 405
    assert client.post(detail_url(consultation.pk)).status_code == 405
