"""Open data: /api/v1/credit/<code>/, /api/v1/credit/?level=&sector=, /credit/export.csv."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from credit import services
from tests.factories import FirmFactory

from .helpers import at, record, travel
from .test_public_views import DOC_NO, ISSUER, rate, run_round

pytestmark = pytest.mark.django_db

RATING_KEYS = {"level", "score", "version", "as_of", "valid_from", "valid_until", "round", "scheme",
               "scheme_version"}
RECORD_KEYS = {"number", "indicator_code", "indicator_name", "category", "category_label", "points", "status",
               "effective_from", "publication_ends_on", "evidence_doc_no", "evidence_issuer"}


def firm_api(code):
    return reverse("credit_api:firm", args=[code])


def list_api():
    return reverse("credit_api:list")


# --- firm ----------------------------------------------------------------------------------------------------
def test_firm_json_shape(client, admin, scheme, firm):
    bad, (rating_round,) = rate(admin, scheme, firm)
    rating_in_notice = run_round(admin, scheme, date(2026, 3, 23), finalise=False)
    with travel(at(2026, 3, 24, 10)):
        response = client.get(firm_api(firm.uscc))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"code", "name", "url", "current_rating", "current_ratings", "notice_rating", "records",
                         "lists"}
    assert data["code"] == firm.uscc and data["name"] == firm.name
    current = data["current_rating"]
    assert set(current) == RATING_KEYS
    assert current["level"] == "A" and current["score"] == 76
    assert current["valid_from"] == rating_round.valid_from.isoformat()
    assert current["valid_until"] == rating_round.valid_until.isoformat()
    assert current["round"]["id"] == rating_round.pk and current["scheme_version"] == scheme.version
    notice = data["notice_rating"]
    assert notice["round"]["id"] == rating_in_notice.pk
    assert notice["notice_ends_on"] == rating_in_notice.notice_ends_on.isoformat()
    by_number = {r["number"]: r for r in data["records"]}
    assert set(by_number[bad.number]) == RECORD_KEYS
    assert by_number[bad.number] | {"status": None} == {
        "number": bad.number, "indicator_code": "B01", "indicator_name": bad.indicator.name, "category": "bad",
        "category_label": by_number[bad.number]["category_label"], "points": -4, "status": None,
        "effective_from": "2026-02-10", "publication_ends_on": "2026-06-30", "evidence_doc_no": DOC_NO,
        "evidence_issuer": ISSUER}
    text = response.content.decode()
    assert bad.evidence_file.name not in text and admin.username not in text and "李四" not in text
    assert firm.legal_representative not in text
    assert data["lists"] == []


def test_firm_json_lists(client, admin, scheme, firm):
    with travel(at(2026, 3, 1, 10)):
        services.list_add(actor=admin, firm=firm, kind="black", scheme=scheme, reason="重大失信")
    (entry,) = client.get(firm_api(firm.uscc)).json()["lists"]
    assert entry["kind"] == "black" and entry["reason"] == "重大失信" and entry["listed_on"] == "2026-03-01"
    assert entry["scheme_version"] == scheme.version and entry["automatic"] is False


def test_firm_json_accepts_lower_case_and_dashes(client, firm):
    code = firm.uscc.lower()
    response = client.get(firm_api(f"{code[:8]}-{code[8:]}"))
    assert response.status_code == 200 and response.json()["code"] == firm.uscc
    assert response.json()["current_rating"] is None and response.json()["notice_rating"] is None


@pytest.mark.parametrize("code", ["91510100MA61C8K9PX", "abc", "<script>", "' OR 1=1 --", "9" * 40])
def test_unknown_or_bad_code_is_a_json_404(client, db, code):
    response = client.get(firm_api(code))
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["field"] == "code" and response.json()["error"]


def test_other_paths_are_json_404(client, db):
    for path in ("/api/v1/credit/a/b/c/", "/api/v1/credit/x"):
        response = client.get(path)
        assert response.status_code == 404 and "error" in response.json()


def test_api_refuses_post(client, firm):
    assert client.post(list_api()).status_code == 405
    assert client.post(firm_api(firm.uscc)).status_code == 405


# --- list ----------------------------------------------------------------------------------------------------
@pytest.fixture
def two_levels(admin, scheme, firm):
    """`firm` at AA, `other` at B, in one final round."""
    other = FirmFactory(sector="municipal", name="成都乙市政工程有限公司")
    with travel(at(2026, 3, 1, 10)):
        record(admin, firm, scheme, "J01", on=date(2026, 1, 1))
    run_round(admin, scheme, date(2026, 3, 2))
    return firm, other


def test_list_shape_and_filters(client, two_levels):
    firm, other = two_levels
    response = client.get(list_api())
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and data["page"] == 1 and data["pages"] == 1
    assert {r["code"]: r["level"] for r in data["results"]} == {firm.uscc: "AA", other.uscc: "B"}
    row = data["results"][0]
    assert RATING_KEYS | {"code", "name", "sector", "api_url"} == set(row)
    assert [r["code"] for r in client.get(list_api(), {"level": "AA"}).json()["results"]] == [firm.uscc]
    assert client.get(list_api(), {"sector": "municipal"}).json()["count"] == 2
    assert client.get(list_api(), {"sector": "sanitation"}).json()["count"] == 0


@pytest.mark.parametrize(("params", "field", "status"), [
    ({"level": "ZZZ"}, "level", 400),
    ({"level": "<script>"}, "level", 400),
    ({"sector": "moon"}, "sector", 400),
    ({"page": "abc"}, "page", 400),
    ({"page": "0"}, "page", 400),
    ({"page": "99"}, "page", 404),
])
def test_list_bad_parameters(client, two_levels, params, field, status):
    response = client.get(list_api(), params)
    assert response.status_code == status and response.json()["field"] == field


def test_list_only_has_current_final_ratings(client, admin, scheme, two_levels):
    run_round(admin, scheme, date(2026, 3, 23), finalise=False)  # in 公示: not in the list
    assert client.get(list_api()).json()["count"] == 2
    run_round(admin, scheme, date(2026, 4, 13))  # the first round is superseded now
    rounds = {r["round"]["id"] for r in client.get(list_api()).json()["results"]}
    assert len(rounds) == 1


# --- export --------------------------------------------------------------------------------------------------
def parse_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_export_csv_of_current_final_ratings(client, scheme, two_levels):
    firm, other = two_levels
    response = client.get(reverse("credit:export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = parse_csv(response)
    assert len(header) == 6
    by_code = {row[0]: row for row in rows}
    assert set(by_code) == {firm.uscc, other.uscc}
    code, name, level, valid_from, valid_until, version = by_code[firm.uscc]
    assert (name, level, version) == (firm.name, "AA", scheme.version)
    assert valid_from and valid_until > valid_from


# --- query counts --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("records", "rounds"), [(3, 1), (30, 4)])
def test_firm_api_query_count_is_fixed(client, admin, scheme, firm, django_assert_num_queries, records, rounds):
    rate(admin, scheme, firm, records=records, rounds=rounds)
    with travel(at(2026, 6, 20, 10)):
        services.list_add(actor=admin, firm=firm, kind="black", scheme=scheme, reason="重大失信")
        with django_assert_num_queries(6):
            assert client.get(firm_api(firm.uscc)).status_code == 200


@pytest.mark.parametrize("firms", [2, 60])
def test_list_and_export_query_counts_are_fixed(client, admin, scheme, django_assert_num_queries, firms):
    FirmFactory.create_batch(firms, sector="municipal")
    run_round(admin, scheme, date(2026, 3, 2))
    with django_assert_num_queries(3):
        assert client.get(list_api()).json()["count"] == firms
    with django_assert_num_queries(1):
        response = client.get(reverse("credit:export"))
    assert len(parse_csv(response)) == firms + 1
