"""The public lookup /credit/?q=: names, pinyin, initials and codes; bad input never fails; fixed query counts."""

from datetime import date

import pytest
from django.urls import reverse

from associations.models import Firm, name_pinyin
from core.uscc import check_character
from credit import services
from credit.selectors import parse_lookup
from tests.factories import FirmFactory, make_uscc

from .helpers import at, record, travel
from .test_public_views import run_round

pytestmark = pytest.mark.django_db

URL = "/credit/"


@pytest.fixture
def named(db):
    return FirmFactory(name="成都市政照明工程有限公司", sector="municipal")


def lookup(client, q, **params):
    return client.get(reverse("credit:lookup"), {"q": q, **params})


def found(response):
    return [f.pk for f in response.context["page"]]


def test_reverse_name_is_the_lookup():
    assert reverse("credit:lookup") == URL


# --- finding firms -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("q", ["市政照明", "cdszzmgc", "CDSZ", "chengdushizheng", "ChengDu ShiZheng", "照明工程"])
def test_name_pinyin_and_initials_find_the_firm(client, named, q):
    FirmFactory(name="成都环境卫生服务有限公司")
    response = lookup(client, q)
    assert response.status_code == 200
    assert found(response) == [named.pk]


@pytest.mark.parametrize("shape", [
    str.lower,
    lambda c: f"{c[:4]}-{c[4:10]}-{c[10:]}".lower(),
    lambda c: f" {c[:6]} {c[6:]} ",
    lambda c: "".join(chr(ord(ch) + 0xFEE0) for ch in c),  # full-width
    lambda c: f"{c[:8]}－{c[8:]}\u3000",  # full-width dash, ideographic space
])
def test_a_valid_code_in_any_shape_redirects_to_the_firm_page(client, named, shape):
    response = lookup(client, shape(named.uscc))
    assert response.status_code == 302
    assert response["Location"] == reverse("credit:firm", args=[named.uscc])


def test_wrong_check_character_names_the_expected_one_and_lists_the_firm(client, named):
    expected = named.uscc[17]
    wrong = next(ch for ch in "0123456789ABC" if ch != expected)
    response = lookup(client, named.uscc[:17].lower() + wrong.lower())
    assert response.status_code == 200
    problem = response.context["lookup"].problem
    assert f"“{expected}”" in problem and problem in response.content.decode()
    assert found(response) == [named.pk]  # the first 17 characters still find it


def test_valid_code_of_no_registered_firm_links_to_credit_china(client, named):
    code = make_uscc("91510100")
    response = lookup(client, code)
    assert response.status_code == 200
    assert response.context["unknown_code"] == code and response.context["lookup"].problem == ""
    assert f"keyword={code}" in response.context["credit_china_url"]
    assert found(response) == []


@pytest.mark.parametrize("q", [
    "",
    "   ",
    "9151010012345678",  # 16
    "91510100123456789",  # 17
    "9151010012345678901",  # 19
    "91510100MA6IOSVZ00",  # I O S V Z
    "915101OOIIISSSVVZZ",
    "' OR 1=1 --",
    "'; DROP TABLE associations_firm; --",
    "<script>alert(1)</script>",
    "%", "_", "\\", "\x00abc", "a\x1fb", "\u200b", "🙂", "x" * 5000, "1" * 18, "——", "－－－",
])
def test_bad_input_gets_a_message_or_results_never_an_error(client, named, q):
    response = lookup(client, q)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert Firm.objects.filter(pk=named.pk).exists()


@pytest.mark.parametrize(("q", "fragment"), [
    ("91510100123456789", "17"),
    ("9151010012345678901", "19"),
    ("91510100MA6IOSVZ00", "I"),
])
def test_code_like_input_of_the_wrong_shape_is_explained(client, db, q, fragment):
    problem = lookup(client, q).context["lookup"].problem
    assert problem and fragment in problem


def test_script_text_is_escaped_in_the_page(client, db):
    content = lookup(client, '"><script>x()</script>').content.decode()
    assert "<script>x()</script>" not in content
    assert "&lt;script&gt;x()&lt;/script&gt;" in content


def test_parse_lookup_bounds_and_cleans_the_query():
    assert parse_lookup("a\x00b").text == "a b"
    assert len(parse_lookup("x" * 5000).text) == 100
    assert parse_lookup(None).active is False
    assert parse_lookup("cd zm").pinyin == "cdzm"
    assert parse_lookup("成都").pinyin == "" and parse_lookup("成都").code == ""
    assert parse_lookup("9151-0100").code == "91510100"


# --- results -------------------------------------------------------------------------------------------------
def test_results_show_the_current_final_level_and_list_badges(client, admin, scheme, firm):
    with travel(at(2026, 3, 1, 10)):
        record(admin, firm, scheme, "J01", on=date(2026, 1, 1))  # 80 → AA
    run_round(admin, scheme, date(2026, 3, 2))
    in_notice = run_round(admin, scheme, date(2026, 3, 23), finalise=False)
    with travel(at(2026, 3, 24, 10)):
        services.list_add(actor=admin, firm=firm, kind="red", scheme=scheme, reason="年度表彰")
        response = lookup(client, firm.name)
    (item,) = response.context["page"]
    assert item.current_rating.level == "AA" and item.current_rating.round != in_notice
    assert item.list_kinds == ["red"]
    assert "AA" in response.content.decode()


def test_intro_shows_schemes_in_force_and_rounds_in_notice(client, admin, scheme, firm):
    rating_round = run_round(admin, scheme, date(2026, 3, 2), finalise=False)
    response = client.get(URL)
    assert response.status_code == 200
    assert [s.pk for s in response.context["schemes"]] == [scheme.pk]
    assert [r.pk for r in response.context["notice_rounds"]] == [rating_round.pk]
    content = response.content.decode()
    assert scheme.legal_basis in content and scheme.issuing_authority in content
    assert reverse("credit:round", args=[rating_round.pk]) in content
    assert reverse("credit:lists") in content


def test_results_are_paginated_by_20(client, db):
    FirmFactory.create_batch(25, name="成都测试照明工程有限公司")
    first, second = lookup(client, "测试照明"), lookup(client, "测试照明", page="2")
    assert len(found(first)) == 20 and len(found(second)) == 5
    assert lookup(client, "测试照明", page="x" * 50).status_code == 200


# --- query counts --------------------------------------------------------------------------------------------
def bulk_firms(n: int) -> None:
    """``n`` firms at once; bulk_create skips Firm.save(), so the pinyin columns are filled here."""
    rows = []
    for i in range(n):
        name = f"成都批量测试环卫有限公司{i}"
        pinyin, initials = name_pinyin(name)
        body = f"91510100{i:09d}"
        rows.append(Firm(name=name, uscc=body + check_character(body), name_pinyin=pinyin,
                         name_initials=initials, sector="sanitation"))
    Firm.objects.bulk_create(rows, batch_size=1000)


@pytest.mark.parametrize("n", [10, 5000])
def test_lookup_query_count_does_not_grow_with_the_firms(client, admin, scheme, firm, django_assert_num_queries, n):
    with travel(at(2026, 3, 1, 10)):
        record(admin, firm, scheme, "J01", on=date(2026, 1, 1))
    run_round(admin, scheme, date(2026, 3, 2))
    bulk_firms(n)
    firm.name = "成都批量测试环卫有限公司甲"
    firm.save()
    with travel(at(2026, 3, 20, 10)):
        services.list_add(actor=admin, firm=firm, kind="red", scheme=scheme, reason="年度表彰")
        for q in ("批量测试", "cdpl", "91510100"):
            with django_assert_num_queries(4):
                response = lookup(client, q)
            assert response.context["page"].paginator.count == n + 1
        with django_assert_num_queries(4):
            assert client.get(URL).status_code == 200


@pytest.mark.parametrize("n", [10, 5000])
def test_firm_page_query_count_does_not_grow_with_the_firms(client, admin, scheme, firm, django_assert_num_queries,
                                                            n):
    with travel(at(2026, 3, 1, 10)):
        record(admin, firm, scheme, "J01", on=date(2026, 1, 1))
        record(admin, firm, scheme, "B01", on=date(2026, 2, 1))
    run_round(admin, scheme, date(2026, 3, 2))
    bulk_firms(n)
    with travel(at(2026, 3, 20, 10)), django_assert_num_queries(9):
        response = client.get(reverse("credit:firm", args=[firm.uscc]))
    assert response.status_code == 200 and response.context["summary"].rating.firm == firm


def test_open_data_leaves_out_ratings_past_their_validity(client, admin, scheme, firm):
    from credit.models import RatingRound

    run_round(admin, scheme, date(2026, 3, 2))
    rating_round = RatingRound.objects.get()
    with travel(at(2026, 3, 20, 10)):
        assert firm.uscc in client.get(reverse("credit:export")).content.decode()
    with travel(at(2026, 3, 20, 10) .replace(year=2027, month=4)):  # past the 365 days, no later round
        assert rating_round.valid_until < date(2027, 4, 20)
        assert firm.uscc not in client.get(reverse("credit:export")).content.decode()
        assert client.get("/api/v1/credit/").json()["count"] == 0
