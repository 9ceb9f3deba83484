"""The public directory /experts/, an expert's page and the JSON API: active experts, public fields only."""

import json

import pytest
from django.urls import reverse

from associations.models import name_pinyin
from experts.models import Expert, Membership
from tests.factories import FirmFactory

from .helpers import committee_pool, make_expert

pytestmark = pytest.mark.django_db

PHONE, EMAIL = "13800138000", "secret.expert@example.com"


def directory(client, **params):
    return client.get(reverse("experts:directory"), params)


def found(response):
    return [e.name for e in response.context["page"]]


@pytest.fixture
def three(db):
    return [make_expert("王建国", phone=PHONE, email=EMAIL, employer_name="成都市照明管理处", position="总工程师"),
            make_expert("王丽", fields=["sanitation"], title="intermediate", phone=PHONE, email=EMAIL),
            make_expert("李明", phone=PHONE, email=EMAIL)]


def test_reverse_names():
    assert reverse("experts:directory") == "/experts/"
    assert reverse("experts_api:list") == "/api/v1/experts/"
    assert reverse("experts_api:detail", args=[3]) == "/api/v1/experts/3/"


# --- directory -----------------------------------------------------------------------------------------------
def test_surname_finds_the_experts_whose_name_starts_with_it(client, three):
    make_expert("张王")  # 王 inside the name is not the surname
    response = directory(client, q="王")
    assert response.status_code == 200
    assert sorted(found(response)) == sorted(["王建国", "王丽"])


@pytest.mark.parametrize("q", ["wjg", "WJG", "wangjianguo", "Wang Jianguo", "建国", "照明管理", "总工"])
def test_pinyin_initials_name_and_employer_find_the_expert(client, three, q):
    assert found(directory(client, q=q)) == ["王建国"]


def test_field_and_minimum_title_filter(client, three):
    assert sorted(found(directory(client, field="lighting"))) == sorted(["王建国", "李明"])
    assert found(directory(client, field="sanitation")) == ["王丽"]
    assert sorted(found(directory(client, title="associate_senior"))) == sorted(["王建国", "李明"])
    assert found(directory(client, title="intermediate", field="sanitation")) == ["王丽"]


def test_pool_filter(client, three):
    pool = committee_pool()
    make_expert("赵敏", pool=pool)
    assert found(directory(client, pool=pool.pk)) == ["赵敏"]


def test_unknown_filter_values_are_ignored(client, three):
    response = directory(client, field="astrology", title="wizard", pool="x")
    assert response.status_code == 200 and len(found(response)) == 3


def test_only_active_experts_are_listed(client, three):
    make_expert("王停", status="suspended")
    make_expert("王退", status="removed")
    make_expert("王申", status="applying")
    assert sorted(found(directory(client, q="王"))) == sorted(["王建国", "王丽"])


def test_cards_show_public_fields_never_contact(client, three):
    firm = FirmFactory(name="成都路灯工程有限公司")
    make_expert("孙工", employer_firm=firm, position="项目经理", phone="13999999999", email="sun@example.com")
    html = directory(client).content.decode()
    assert "王建国" in html and "成都市照明管理处" in html and "总工程师" in html and "成都路灯工程有限公司" in html
    assert "Senior (full)" in html or "正高级" in html
    for secret in (PHONE, EMAIL, "13999999999", "sun@example.com"):
        assert secret not in html


def test_twenty_per_page(client):
    for i in range(45):
        make_expert(f"专家{i:02d}")
    response = directory(client, page=3)
    assert len(found(response)) == 5 and response.context["page"].paginator.num_pages == 3


def bulk_experts(n):
    experts = []
    for i in range(n):
        name = f"批量专家{i}"
        full, initials = name_pinyin(name)
        experts.append(Expert(name=name, name_pinyin=full, name_initials=initials[:20], birth_year=1970,
                              title="senior", years_in_field=10, fields=["lighting"], fields_key="|lighting|",
                              status="active", phone=PHONE, email=EMAIL))
    Expert.objects.bulk_create(experts, batch_size=500)


@pytest.mark.parametrize("n", [10, 2000])
def test_directory_query_count_does_not_grow_with_the_experts(client, django_assert_num_queries, n):
    committee_pool()
    bulk_experts(n)
    for params in ({}, {"q": "批"}, {"q": "plzj", "field": "lighting", "title": "senior"}, {"page": "2"}):
        with django_assert_num_queries(3):  # pools, count, one page with the employer
            response = directory(client, **params)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == n


@pytest.mark.parametrize("n", [10, 2000])
def test_detail_query_count_does_not_grow_with_the_experts(client, django_assert_num_queries, n):
    expert = make_expert("王建国", pool=committee_pool())
    bulk_experts(n)
    with django_assert_num_queries(2):  # the expert with the employer, the memberships with their pools
        response = client.get(expert.get_absolute_url())
    assert response.status_code == 200


# --- an expert's page ----------------------------------------------------------------------------------------
def test_detail_shows_public_fields_and_pools_never_contact(client, three):
    expert = three[0]
    expert.bio = "从事城市照明管理二十年。"
    expert.save()
    pool = committee_pool()
    Membership.objects.create(expert=expert, pool=pool, since="2025-01-01")
    html = client.get(expert.get_absolute_url()).content.decode()
    assert "王建国" in html and "从事城市照明管理二十年" in html and pool.name in html
    assert PHONE not in html and EMAIL not in html


@pytest.mark.parametrize("status", ["suspended", "removed", "applying"])
def test_inactive_expert_page_is_404(client, status):
    expert = make_expert("王停", status=status)
    assert client.get(reverse("experts:detail", args=[expert.pk])).status_code == 404
    assert client.get(reverse("experts_api:detail", args=[expert.pk])).status_code == 404


def test_unknown_expert_page_is_404(client):
    assert client.get(reverse("experts:detail", args=[999999])).status_code == 404


# --- JSON API ------------------------------------------------------------------------------------------------
def api(client, url=None, **params):
    response = client.get(url or reverse("experts_api:list"), params)
    return response, json.loads(response.content)


def test_api_lists_active_experts_with_public_fields(client, three):
    make_expert("王停", status="suspended")
    response, data = api(client, field="lighting")
    assert response.status_code == 200
    assert [r["name"] for r in data["results"]] == ["李明", "王建国"]  # by pinyin
    row = data["results"][1]
    assert row["title"] == "senior" and row["fields"] == ["lighting"] and row["employer"] == "成都市照明管理处"
    assert "phone" not in row and "email" not in row and "birth_year" not in row
    assert PHONE not in response.content.decode() and EMAIL not in response.content.decode()


def test_api_title_is_a_minimum(client, three):
    _response, data = api(client, title="intermediate")
    assert data["count"] == 3
    _response, data = api(client, title="senior")
    assert sorted(r["name"] for r in data["results"]) == sorted(["王建国", "李明"])


@pytest.mark.parametrize(("param", "value"), [("field", "astrology"), ("title", "wizard"), ("page", "x")])
def test_api_unknown_parameter_is_400_naming_it(client, three, param, value):
    response, data = api(client, **{param: value})
    assert response.status_code == 400 and data["field"] == param and data["error"]


def test_api_detail_and_not_found(client, three):
    response, data = api(client, reverse("experts_api:detail", args=[three[0].pk]))
    assert response.status_code == 200 and data["name"] == "王建国" and data["pools"] == []
    assert PHONE not in response.content.decode() and EMAIL not in response.content.decode()
    response, data = api(client, "/api/v1/experts/nothing/here/")
    assert response.status_code == 404 and data["error"]
    response, data = api(client, reverse("experts_api:detail", args=[999999]))
    assert response.status_code == 404


@pytest.mark.parametrize("n", [10, 2000])
def test_api_query_count_does_not_grow_with_the_experts(client, django_assert_num_queries, n):
    bulk_experts(n)
    with django_assert_num_queries(2):  # count, one page
        response, data = api(client, field="lighting", page="2" if n > 50 else "1")
    assert response.status_code == 200 and data["count"] == n
