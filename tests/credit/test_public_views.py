"""Public credit pages: the firm page, rounds in 公示, the lists; what is never shown; query counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from credit import services
from credit.models import CreditEvent, RoundState
from tests.factories import FirmFactory

from .helpers import at, record, travel

pytestmark = pytest.mark.django_db

DOC_NO = "成城管罚〔2026〕7号"
ISSUER = "成都市城市管理综合行政执法局"
# Mondays of 2026 away from the holidays: each round opens on one and is finalised after its notice period.
ROUND_DAYS = (date(2026, 3, 2), date(2026, 3, 23), date(2026, 4, 13), date(2026, 5, 11), date(2026, 6, 1))


def run_round(admin, scheme, opened: date, *, publish=True, finalise=True, sector="municipal", name=None):
    """Open, compute, publish (on ``opened``) and finalise (the day after the notice ends) a round."""
    with travel(at(opened.year, opened.month, opened.day, 10)):
        rating_round = services.round_open(actor=admin, scheme=scheme, sector=sector, as_of=opened,
                                           name=name or f"{opened.year}年第{opened.month}期信用评价")
        services.round_compute(actor=admin, rating_round=rating_round)
        if not publish:
            rating_round.refresh_from_db()
            return rating_round
        rating_round = services.round_publish(actor=admin, rating_round=rating_round)
    if finalise:
        day = rating_round.notice_ends_on + timedelta(days=1)
        with travel(at(day.year, day.month, day.day, 10)):
            rating_round = services.round_finalise(actor=admin, rating_round=rating_round)
    return rating_round


def rate(admin, scheme, firm, *, records=1, rounds=1):
    """``firm`` with a basic record, a bad record with an expiry, ``records - 2`` good records and ``rounds``
    final rounds (the first on 2026-03-02)."""
    with travel(at(2026, 3, 1, 10)):
        record(admin, firm, scheme, "J01", on=date(2026, 1, 1))  # +20
        bad = record(admin, firm, scheme, "B01", on=date(2026, 2, 10), points=-4, expires_on=date(2026, 6, 30),
                     evidence_doc_no=DOC_NO, evidence_issuer=ISSUER, summary="养护班组长李四未按期完成路灯维修")
        for i in range(records - 2):
            record(admin, firm, scheme, "L02", on=date(2026, 1, 2) + timedelta(days=i), points=1)
    return bad, [run_round(admin, scheme, day) for day in ROUND_DAYS[:rounds]]


def firm_url(firm):
    return reverse("credit:firm", args=[firm.uscc])


# --- firm page -----------------------------------------------------------------------------------------------
def test_firm_page_shows_level_score_validity_and_records_with_expiry(client, admin, scheme, firm):
    bad, (rating_round,) = rate(admin, scheme, firm)
    with travel(at(2026, 3, 20, 10)):
        response = client.get(firm_url(firm))
    assert response.status_code == 200
    rating = response.context["rating"]
    assert rating.round == rating_round and rating.level == "A" and rating.score_text == "76"
    content = response.content.decode()
    assert firm.name in content and firm.uscc in content
    assert rating_round.valid_from.isoformat() in content and rating_round.valid_until.isoformat() in content
    assert bad.number in content and "2026-06-30" in content
    assert DOC_NO in content and ISSUER in content
    assert [e.pk for e in response.context["page"]] == [bad.pk, *CreditEvent.objects.filter(
        indicator__code="J01").values_list("pk", flat=True)]
    assert scheme.legal_basis in content and scheme.issuing_authority in content
    assert "https://www.creditchina.gov.cn/" in content and f"keyword={firm.uscc}" in content
    assert 'rel="noopener external"' in content


def test_firm_page_never_shows_evidence_files_recorders_or_personal_names(client, admin, scheme, firm):
    bad, _rounds = rate(admin, scheme, firm)
    with travel(at(2026, 3, 20, 10)):
        content = client.get(firm_url(firm)).content.decode()
    assert bad.evidence_file.name and bad.evidence_file.name not in content
    assert bad.evidence_name not in content and "/media/" not in content
    assert admin.full_name not in content and admin.username not in content
    assert firm.legal_representative not in content
    assert "李四" not in content  # the fact text may name people: the public sees the indicator only


def test_repaired_expired_and_revoked_records_are_not_public(client, admin, scheme, firm):
    with travel(at(2026, 3, 1, 10)):
        kept = record(admin, firm, scheme, "L02", on=date(2026, 1, 5), points=2)
        expired = record(admin, firm, scheme, "B03", on=date(2025, 6, 1), points=-2, expires_on=date(2025, 11, 27))
        revoked = record(admin, firm, scheme, "L02", on=date(2026, 1, 6), points=3)
        services.event_revoke(actor=admin, event=revoked, reason="重复录入")
    with travel(at(2026, 3, 20, 10)):
        numbers = [e.number for e in client.get(firm_url(firm)).context["page"]]
    assert numbers == [kept.number]
    assert expired.number not in numbers and revoked.number not in numbers


def test_firm_without_a_final_rating_says_so(client, scheme, firm):
    response = client.get(firm_url(firm))
    assert response.status_code == 200
    assert response.context["rating"] is None and response.context["summary"].history == []
    assert response.context["chart"] == ""
    assert [s.pk for s in response.context["summary"].schemes] == [scheme.pk]  # the scheme of its sector


def test_rating_in_public_notice_is_shown_with_its_end_date(client, admin, scheme, firm):
    rating_round = run_round(admin, scheme, date(2026, 3, 2), finalise=False)
    with travel(at(2026, 3, 4, 10)):
        response = client.get(firm_url(firm))
    (notice,) = response.context["summary"].notice
    assert notice.round == rating_round and response.context["rating"] is None
    assert rating_round.notice_ends_on.isoformat() in response.content.decode()


def test_lower_case_and_dashed_code_redirects_to_the_canonical_page(client, firm):
    code = firm.uscc.lower()
    response = client.get(reverse("credit:firm", args=[f"{code[:6]}-{code[6:]}"]))
    assert response.status_code == 302 and response["Location"] == firm_url(firm)


@pytest.mark.parametrize("code", ["91510100MA61C8K9PX", "nonsense", "1", "%3Cscript%3E", "' OR 1=1 --"])
def test_unknown_code_is_404(client, db, code):
    assert client.get(f"/credit/{code}/").status_code == 404


def test_black_list_entry_shows_rule_and_counts(client, admin, scheme, firm):
    with travel(at(2026, 3, 1, 10)):
        for day in range(1, 6):
            record(admin, firm, scheme, "B01", on=date(2026, 2, day), points=-1)
    with travel(at(2026, 3, 2, 10)):
        response = client.get(firm_url(firm))
    (entry,) = response.context["summary"].lists
    assert entry.kind == "black" and entry.automatic
    assert response.context["list_kinds"] == ["black"]
    content = response.content.decode()
    assert entry.rule in content
    assert entry.count_lines and "5" in entry.count_lines[0] and entry.count_lines[0] in content


def test_chart_is_inline_svg_with_title_desc_and_table(client, admin, scheme, firm):
    rate(admin, scheme, firm, rounds=2)
    with travel(at(2026, 4, 30, 10)):
        response = client.get(firm_url(firm))
    content = response.content.decode()
    chart = str(response.context["chart"])
    assert chart.startswith("<svg") and "<title" in chart and "<desc" in chart and 'role="img"' in chart
    assert chart.count('class="chart-point"') == 2 and "<polyline" in chart
    assert "<script" not in content.split('<main', 1)[1].split("</main>", 1)[0]
    assert len(response.context["summary"].history) == 2


def test_public_pages_refuse_post(client, firm):
    for url in (reverse("credit:lookup"), firm_url(firm), reverse("credit:rounds"), reverse("credit:lists"),
                reverse("credit:export")):
        assert client.post(url).status_code == 405


# --- rounds --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("publish", [False, True])
def test_round_page_is_404_until_published(client, admin, scheme, firm, publish):
    rating_round = run_round(admin, scheme, date(2026, 3, 2), publish=publish, finalise=False)
    expected = 200 if publish else 404
    assert rating_round.state == (RoundState.PUBLISHED if publish else RoundState.COMPUTED)
    assert client.get(reverse("credit:round", args=[rating_round.pk])).status_code == expected
    listed = [r.pk for r in client.get(reverse("credit:rounds")).context["page"]]
    assert listed == ([rating_round.pk] if publish else [])


def test_draft_round_is_404(client, admin, scheme):
    with travel(at(2026, 3, 2, 10)):
        rating_round = services.round_open(actor=admin, scheme=scheme, sector="municipal", name="草稿",
                                           as_of=date(2026, 3, 2))
    assert client.get(reverse("credit:round", args=[rating_round.pk])).status_code == 404
    assert client.get("/credit/rounds/999999/").status_code == 404


def test_round_page_filters_by_level_and_name_and_counts_levels(client, admin, scheme, firm):
    other = FirmFactory(sector="municipal", name="成都市政养护工程有限公司")
    with travel(at(2026, 3, 1, 10)):
        record(admin, firm, scheme, "J01", on=date(2026, 1, 1))  # 80 → AA; `other` stays at 60 → B
    rating_round = run_round(admin, scheme, date(2026, 3, 2))
    url = reverse("credit:round", args=[rating_round.pk])
    response = client.get(url)
    assert dict(response.context["distribution"]) == {"AAA": 0, "AA": 1, "A": 0, "B": 1, "C": 0}
    assert response.context["total"] == 2
    assert [r.firm for r in client.get(url, {"level": "AA"}).context["page"]] == [firm]
    assert [r.firm for r in client.get(url, {"q": "市政养护"}).context["page"]] == [other]
    assert [r.firm for r in client.get(url, {"q": other.uscc.lower()}).context["page"]] == [other]
    bad = client.get(url, {"level": "ZZZ' OR 1=1", "page": "abc", "q": "<script>"})
    assert bad.status_code == 200 and bad.context["level"] == ""
    assert "<script>" not in bad.content.decode().split("</header>", 1)[1]


# --- lists ---------------------------------------------------------------------------------------------------
def test_lists_page_shows_active_entries_by_kind(client, admin, scheme, firm):
    good = FirmFactory(sector="municipal")
    with travel(at(2026, 3, 1, 10)):
        red = services.list_add(actor=admin, firm=good, kind="red", scheme=scheme, reason="年度表彰")
        gone = services.list_add(actor=admin, firm=firm, kind="black", scheme=scheme, reason="重大失信")
        services.list_remove(actor=admin, entry=gone, reason="已整改")
    response = client.get(reverse("credit:lists"))
    assert [e.pk for e in response.context["page"]] == [red.pk]
    assert "年度表彰" in response.content.decode()
    assert list(client.get(reverse("credit:lists"), {"kind": "black"}).context["page"]) == []
    assert client.get(reverse("credit:lists"), {"kind": "<x>", "page": "-1"}).status_code == 200


# --- query counts --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("records", "rounds"), [(3, 1), (30, 5)])
def test_firm_page_query_count_is_fixed(client, admin, scheme, firm, django_assert_num_queries, records, rounds):
    rate(admin, scheme, firm, records=records, rounds=rounds)
    with travel(at(2026, 6, 20, 10)):
        services.list_add(actor=admin, firm=firm, kind="black", scheme=scheme, reason="重大失信")
        with django_assert_num_queries(9):
            response = client.get(firm_url(firm))
    assert response.status_code == 200
    assert len(response.context["summary"].history) == rounds


@pytest.mark.parametrize("firms", [2, 60])
def test_round_page_query_count_is_fixed(client, admin, scheme, django_assert_num_queries, firms):
    FirmFactory.create_batch(firms, sector="municipal")
    rating_round = run_round(admin, scheme, date(2026, 3, 2))
    with django_assert_num_queries(5):
        response = client.get(reverse("credit:round", args=[rating_round.pk]), {"q": "成都"})
    assert response.context["total"] == firms


@pytest.mark.parametrize("n", [1, 30])
def test_rounds_and_lists_query_counts_are_fixed(client, admin, scheme, django_assert_num_queries, n):
    with travel(at(2026, 3, 1, 10)):
        for f in FirmFactory.create_batch(n, sector="municipal"):
            services.list_add(actor=admin, firm=f, kind="red", scheme=scheme, reason="年度表彰")
    for day in ROUND_DAYS[: 1 if n == 1 else 3]:
        run_round(admin, scheme, day)
    with django_assert_num_queries(2):
        client.get(reverse("credit:rounds"))
    with django_assert_num_queries(2):
        client.get(reverse("credit:lists"))
