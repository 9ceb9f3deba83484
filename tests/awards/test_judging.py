"""The judges' workspace /me/judging/: blind pages, scores hidden until one's own, scale checks, conflicts and
recusal, one score per judge, other campaigns' judges, files, and fixed query counts."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from awards import services
from awards.models import CampaignState, EntryFile, Recusal, RoundEntry, Score
from tests.factories import UserFactory, committee_user

from .helpers import eligible_entries, judges, judging_round, make_campaign

pytestmark = pytest.mark.django_db

QUERIES_INDEX = 9  # session, user, judges, rounds, round entries (+firms), scores, recusals, conflicts ×2
QUERIES_ROUND = 10  # session, user, round, judge, round entries, recusals, conflicts ×2, own totals, categories
QUERIES_ENTRY = 10  # session, user, round entry, scores, files, judge, recusals, conflicts ×2, criteria


def url(name, *args):
    return reverse(f"judging:{name}", args=args)


def setup_round(n=3, panel=2, *, blind=True, **fields):
    campaign = make_campaign(state=CampaignState.JUDGING, **fields)
    entries = eligible_entries(campaign, n)
    rnd = judging_round(campaign, blind=blind)
    services.round_open(actor=committee_user(), round=rnd)
    res = list(RoundEntry.objects.filter(round=rnd).select_related("entry__firm").order_by("entry_id"))
    return campaign, rnd, res, judges(campaign, panel), entries


def score_data(rnd, a, b, comment=""):
    c1, c2 = rnd.criteria.all()
    return {f"score-c{c1.pk}": a, f"score-c{c2.pk}": b, "score-comment": comment}


def test_login_and_judges_only(client):
    assert client.get(url("index")).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url("index")).status_code == 403
    campaign, rnd, res, panel, _ = setup_round(1, 1)
    assert client.get(url("round", rnd.pk)).status_code == 404
    assert client.get(url("entry", res[0].pk)).status_code == 404
    assert client.get("/me/judging/rounds/abc/").status_code == 404


def test_index_lists_rounds_with_progress(client):
    campaign, rnd, res, panel, _ = setup_round(3, 1)
    services.score_submit(actor=panel[0].expert.user, judge=panel[0], round_entry=res[0],
                          values={str(c.pk): "5" for c in rnd.criteria.all()})
    client.force_login(panel[0].expert.user)
    response = client.get(url("index"))
    assert response.status_code == 200
    row = response.context["campaigns"][0]["rounds"][0]
    assert (row["scored"], row["to_score"]) == (1, 2)
    assert url("round", rnd.pk) in response.content.decode()


@pytest.mark.parametrize("blind", [True, False])
def test_blind_round_hides_the_firm(client, blind):
    campaign, rnd, res, panel, entries = setup_round(2, 1, blind=blind)
    firm_name = res[0].entry.firm.name
    EntryFile.objects.create(entry=res[0].entry, kind="image", name=f"{firm_name}门头.png", content_type="image/png",
                             size=3, file=ContentFile(b"png", name="x.png"))
    client.force_login(panel[0].expert.user)
    pages = [client.get(url("round", rnd.pk)), client.get(url("entry", res[0].pk))]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert res[0].entry.number in html
        assert (firm_name in html) is not blind
    ef = EntryFile.objects.get()
    assert f'src="{url("file", ef.pk)}"' in pages[1].content.decode()
    response = client.get(url("file", ef.pk))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline")
    assert (firm_name in disposition or "%" in disposition) is not blind
    if blind:
        assert f"{res[0].entry.number}-1.png" in disposition


def test_others_scores_only_after_own_and_anonymised(client):
    campaign, rnd, res, panel, _ = setup_round(1, 2)
    first, second = panel
    client.force_login(first.expert.user)
    response = client.post(url("entry", res[0].pk), score_data(rnd, "9", "6", "很好"))
    assert response.status_code == 302
    assert Score.objects.get().total == 80
    client.force_login(second.expert.user)
    html = client.get(url("entry", res[0].pk)).content.decode()
    assert "80.00" not in html and "很好" not in html
    assert 'step="0.5"' in html and 'max="10"' in html
    response = client.post(url("entry", res[0].pk), score_data(rnd, "5", "5"), follow=True)
    html = response.content.decode()
    assert "80.00" in html and "50.00" in html
    assert first.expert.name not in html and "很好" not in html
    assert response.context["summary"]["others"][0]["label"] == "A"
    assert response.context["summary"]["spread"] == 30
    assert response.context["form"] is None


@pytest.mark.parametrize("values", [
    ("11", "5"), ("abc", "5"), ("-1", "5"), ("nan", "5"),
    ("8.3", "5"), ("9E+999999", "5"), ("-9E+999999", "5"),
])
def test_bad_values_refused_nothing_saved(client, values):
    campaign, rnd, res, panel, _ = setup_round(1, 1)
    client.force_login(panel[0].expert.user)
    response = client.post(url("entry", res[0].pk), score_data(rnd, *values))
    assert response.status_code == 200
    c1 = rnd.criteria.first()
    assert response.context["form"].errors[f"c{c1.pk}"]
    assert not Score.objects.exists()


def test_missing_fields_re_render(client):
    campaign, rnd, res, panel, _ = setup_round(1, 1)
    client.force_login(panel[0].expert.user)
    assert client.post(url("entry", res[0].pk), {}).status_code == 200
    assert not Score.objects.exists()


def test_resubmission_refused(client):
    campaign, rnd, res, panel, _ = setup_round(1, 1)
    client.force_login(panel[0].expert.user)
    client.post(url("entry", res[0].pk), score_data(rnd, "8", "8"))
    response = client.post(url("entry", res[0].pk), score_data(rnd, "2", "2"), follow=True)
    assert response.status_code == 200
    assert [s.total for s in Score.objects.all()] == [80]


def test_conflicted_judge_neither_sees_nor_opens(client):
    campaign, rnd, res, panel, _ = setup_round(2, 1, blind=False)
    judge = panel[0]
    judge.expert.employer_firm = res[0].entry.firm
    judge.expert.save()
    ef = EntryFile.objects.create(entry=res[0].entry, kind="image", name="a.png", content_type="image/png", size=3,
                                  file=ContentFile(b"png", name="a.png"))
    client.force_login(judge.expert.user)
    html = client.get(url("round", rnd.pk)).content.decode()
    assert res[0].entry.number not in html and res[1].entry.number in html
    assert client.get(url("entry", res[0].pk)).status_code == 404
    assert client.post(url("entry", res[0].pk), score_data(rnd, "8", "8")).status_code == 404
    assert client.get(url("file", ef.pk)).status_code == 404
    assert not Score.objects.exists()


def test_recusal_removes_the_entry(client):
    campaign, rnd, res, panel, _ = setup_round(2, 1)
    client.force_login(panel[0].expert.user)
    response = client.post(url("recuse", res[0].pk), {"recuse-reason": ""})
    assert response.status_code == 302 and not Recusal.objects.exists()
    response = client.post(url("recuse", res[0].pk), {"recuse-reason": "曾在该企业任职"})
    assert response.url == url("round", rnd.pk)
    client.get(url("round", rnd.pk))  # shows the message once
    response = client.get(url("round", rnd.pk))
    html = response.content.decode()
    assert res[0].entry.number not in html and res[1].entry.number in html
    assert [r["round_entry"].pk for r in response.context["rows"]] == [res[1].pk]
    assert response.context["total"] == 1
    assert client.get(url("entry", res[0].pk)).status_code == 404


def test_other_campaigns_judge_gets_404(client):
    campaign, rnd, res, panel, _ = setup_round(1, 1)
    other = setup_round(1, 1)[3][0]
    ef = EntryFile.objects.create(entry=res[0].entry, kind="attachment", name="a.pdf", content_type="application/pdf",
                                  size=3, file=ContentFile(b"pdf", name="a.pdf"))
    client.force_login(other.expert.user)
    assert client.get(url("round", rnd.pk)).status_code == 404
    assert client.get(url("entry", res[0].pk)).status_code == 404
    assert client.post(url("recuse", res[0].pk), {"recuse-reason": "x"}).status_code == 404
    assert client.get(url("file", ef.pk)).status_code == 404


def test_closed_round_is_read_only(client):
    campaign, rnd, res, panel, _ = setup_round(1, 1)
    type(rnd).objects.filter(pk=rnd.pk).update(state="closed")
    client.force_login(panel[0].expert.user)
    response = client.get(url("entry", res[0].pk))
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(url("entry", res[0].pk), score_data(rnd, "8", "8")).status_code == 302
    assert not Score.objects.exists()


def _grow(campaign, rnd, n):
    entries = eligible_entries(campaign, n)
    RoundEntry.objects.bulk_create([RoundEntry(round=rnd, entry=e) for e in entries])


def test_query_counts_are_fixed(client, django_assert_num_queries):
    campaign, rnd, res, panel, _ = setup_round(10, 1)
    judge = panel[0]
    services.score_submit(actor=judge.expert.user, judge=judge, round_entry=res[0],
                          values={str(c.pk): "5" for c in rnd.criteria.all()})
    client.force_login(judge.expert.user)
    client.get(url("index"))
    for _size in (10, 300):
        with django_assert_num_queries(QUERIES_INDEX):
            assert client.get(url("index")).status_code == 200
        with django_assert_num_queries(QUERIES_ROUND):
            response = client.get(url("round", rnd.pk))
        assert len(response.context["rows"]) == _size
        with django_assert_num_queries(QUERIES_ENTRY):
            assert client.get(url("entry", res[1].pk)).status_code == 200
        if _size == 10:
            _grow(campaign, rnd, 290)
