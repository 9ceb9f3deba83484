"""The credit workspace at /me/credit/: firm users' own credit file, objections and repairs; association staff's
members' ratings and submitted records. Other firms' and associations' objects are 404."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from associations.models import FirmUser
from credit import services
from credit.models import DecisionState, EventState, Objection, Rating, Repair, Source
from tests.factories import AssociationFactory, FirmFactory, MembershipFactory, association_staff, firm_user

from .helpers import at, indicator, pdf, record, travel

pytestmark = pytest.mark.django_db

INDEX = reverse("credit_workspace:index")
OBJECT = reverse("credit_workspace:object")


def rating_url(rating, **query):
    url = reverse("credit_workspace:rating", args=[rating.pk])
    return url + "".join(f"?{k}={v}" for k, v in query.items())


def repair_url(event):
    return reverse("credit_workspace:repair", args=[event.pk])


def file_url(kind, obj, field):
    return reverse("credit_workspace:file", args=[kind, obj.pk, field])


def members_url(association):
    return reverse("credit_workspace:members", args=[association.pk])


def submit_url(association):
    return reverse("credit_workspace:submit", args=[association.pk])


def published_round(admin, scheme, *, as_of=date(2026, 3, 1), moment=None):
    """A round of the municipal sector computed and published for 公示 at `moment` (objections close 5 working
    days later: 2026-03-09 for Monday 2026-03-02)."""
    with travel(moment or at(2026, 3, 2, 10)):
        rating_round = services.round_open(actor=admin, scheme=scheme, sector="municipal", name="2026年第一季度",
                                           as_of=as_of)
        services.round_compute(actor=admin, rating_round=rating_round)
        return services.round_publish(actor=admin, rating_round=rating_round)


def current_rating(rating_round, firm) -> Rating:
    return Rating.objects.current().get(round=rating_round, firm=firm)


@pytest.fixture
def member(firm):
    return firm_user(firm)


@pytest.fixture
def other_firm(db):
    return FirmFactory(sector="municipal")


@pytest.fixture
def outsider(other_firm):
    """A firm user of another firm."""
    return firm_user(other_firm)


@pytest.fixture
def municipal_association(db):
    return AssociationFactory(sector="municipal")


@pytest.fixture
def staff(municipal_association):
    return association_staff(municipal_association)


# --- access ---------------------------------------------------------------------------------------------------------

def test_anonymous_is_sent_to_login(client, admin, scheme, firm, municipal_association):
    with travel(at(2026, 3, 1, 10)):
        event = record(admin, firm, scheme, "L02", on=date(2026, 2, 1))
    for url in (INDEX, f"{OBJECT}?event={event.pk}", repair_url(event), file_url("repair", event, "pledge"),
                members_url(municipal_association), submit_url(municipal_association)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


def test_firm_user_sees_own_records_only(client, admin, scheme, firm, member, other_firm):
    with travel(at(2026, 3, 1, 10)):
        own = record(admin, firm, scheme, "L02", on=date(2026, 2, 1), summary="参与城市道路公益清扫")
        record(admin, other_firm, scheme, "L02", on=date(2026, 2, 1), summary="别家企业的记录")
        client.force_login(member)
        response = client.get(INDEX)
    assert response.status_code == 200
    credit = response.context["credit"]
    assert credit.firm == firm
    assert [row.event for row in credit.records] == [own]
    assert "别家企业的记录" not in response.content.decode()
    assert credit.score["score"] == "62.00"  # 60 + 2 as of today, under the in-force municipal scheme


def test_other_firms_and_bad_firm_parameters_are_404(client, firm, member, other_firm):
    client.force_login(member)
    assert client.get(INDEX, {"firm": firm.pk}).status_code == 200
    for value in (other_firm.pk, "abc", "-1", "0", "１", "99999999999999999999"):
        assert client.get(INDEX, {"firm": value}).status_code == 404, value


def test_user_of_two_firms_picks_one(client, firm, other_firm):
    user = firm_user(firm)
    FirmUser.objects.create(user=user, firm=other_firm)
    client.force_login(user)
    assert client.get(INDEX).context["firm"] in (firm, other_firm)
    assert client.get(INDEX, {"firm": other_firm.pk}).context["credit"].firm == other_firm


def test_user_without_a_firm_gets_an_explanation(client, staff, municipal_association):
    client.force_login(staff)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert response.context["firms"] == []
    assert members_url(municipal_association) in response.content.decode()


def test_other_firms_rating_file_and_forms_are_404(client, admin, scheme, firm, member, outsider):
    rating_round = published_round(admin, scheme)
    rating = current_rating(rating_round, firm)
    with travel(at(2026, 3, 3, 10)):
        event = record(admin, firm, scheme, "B01", on=date(2026, 3, 3), points=-4)
        objection = services.objection_file(actor=member, firm=firm, reason="事实有误", event=event,
                                            evidence_upload=pdf())
        client.force_login(outsider)
        for url in (rating_url(rating), f"{OBJECT}?rating={rating.pk}", f"{OBJECT}?event={event.pk}",
                    repair_url(event), file_url("objection", objection, "evidence")):
            assert client.get(url).status_code == 404, url
        client.force_login(member)
        assert client.get(rating_url(rating)).status_code == 200
        response = client.get(file_url("objection", objection, "evidence"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("url", [
    OBJECT, f"{OBJECT}?rating=abc", f"{OBJECT}?rating=1&event=1", f"{OBJECT}?event=99999999999999999999",
    reverse("credit_workspace:file", args=["objection", 1, "pledge"]),
    reverse("credit_workspace:file", args=["nothing", 1, "evidence"]),
    reverse("credit_workspace:rating", args=[99999999999999999999]),
])
def test_bad_ids_and_parameters_are_404(client, member, url):
    client.force_login(member)
    assert client.get(url).status_code == 404


def test_wrong_method_is_405(client, member):
    client.force_login(member)
    assert client.delete(INDEX).status_code == 405
    assert client.put(OBJECT).status_code == 405


def test_ratings_of_rounds_not_yet_published_are_not_shown(client, admin, scheme, firm, member):
    with travel(at(2026, 3, 2, 10)):
        rating_round = services.round_open(actor=admin, scheme=scheme, sector="municipal", name="试算",
                                           as_of=date(2026, 3, 1))
        services.round_compute(actor=admin, rating_round=rating_round)
        client.force_login(member)
        assert client.get(rating_url(current_rating(rating_round, firm))).status_code == 404
        assert client.get(INDEX).context["credit"].notice == []


# --- objections -----------------------------------------------------------------------------------------------------

def test_objection_in_window_creates_pending_objection_with_answer_due(client, admin, scheme, firm, member):
    rating_round = published_round(admin, scheme)
    rating = current_rating(rating_round, firm)
    with travel(at(2026, 3, 4, 9)):
        client.force_login(member)
        page = client.get(INDEX)
        assert page.context["credit"].notice[0].window.open
        assert f"{OBJECT}?rating={rating.pk}" in page.content.decode()
        response = client.post(f"{OBJECT}?rating={rating.pk}", {"reason": "本公司已完成整改，记录有误",
                                                                "evidence_file": pdf()})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.rating == rating and objection.firm == firm and objection.state == DecisionState.PENDING
    assert objection.answer_due == date(2026, 3, 11)  # 5 working days after Wednesday 2026-03-04
    assert objection.evidence_file


def test_objection_after_window_is_refused_and_nothing_saved(client, admin, scheme, firm, member):
    rating_round = published_round(admin, scheme)
    rating = current_rating(rating_round, firm)
    with travel(at(2026, 3, 10, 9)):  # objections closed on 2026-03-09
        client.force_login(member)
        assert not client.get(INDEX).context["credit"].notice[0].window.open
        response = client.post(f"{OBJECT}?rating={rating.pk}", {"reason": "评价有误"})
    assert response.status_code == 200
    assert not Objection.objects.exists()
    errors = response.context["form"].non_field_errors()
    assert errors and "2026-03-09" in errors[0]
    assert "2026-03-09" in response.content.decode()


def test_objection_without_reason_is_a_form_error(client, admin, scheme, firm, member):
    with travel(at(2026, 3, 1, 10)):
        event = record(admin, firm, scheme, "L02", on=date(2026, 2, 1))
        client.force_login(member)
        response = client.post(f"{OBJECT}?event={event.pk}", {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Objection.objects.exists()


def test_upheld_rating_objection_shows_old_and_new_versions(client, admin, scheme, firm, member):
    with travel(at(2026, 2, 20, 10)):
        wrong = record(admin, firm, scheme, "B01", on=date(2026, 2, 10), points=-5)
    rating_round = published_round(admin, scheme)
    old = current_rating(rating_round, firm)
    with travel(at(2026, 3, 4, 9)):
        objection = services.objection_file(actor=member, firm=firm, reason="该处罚已被撤销", rating=old)
    with travel(at(2026, 3, 5, 9)):
        services.objection_decide(actor=admin, objection=objection, upheld=True, decision="经核实，处罚决定已撤销",
                                  revoke_events=[wrong])
    objection.refresh_from_db()
    new = objection.new_rating
    assert new is not None and new.version == 2
    client.force_login(member)
    with travel(at(2026, 3, 5, 10)):
        index = client.get(INDEX).content.decode()
        assert rating_url(old, compare=new.pk) in index
        response = client.get(rating_url(old, compare=new.pk))
        assert response.status_code == 200
        assert [r.pk for r in response.context["columns"]] == [old.pk, new.pk]
        assert client.get(rating_url(new)).status_code == 200
        # The revoked record is listed with its reason.
        rows = {row.event.pk: row for row in client.get(INDEX).context["credit"].records}
    assert rows[wrong.pk].status == "revoked"
    assert old.score == new.score - 5


# --- repairs --------------------------------------------------------------------------------------------------------

def test_repair_before_minimum_is_refused_with_earliest_date(client, admin, scheme, firm, member):
    with travel(at(2026, 3, 1, 10)):
        event = record(admin, firm, scheme, "B01", on=date(2026, 3, 1), points=-5)  # at least 90 days
    with travel(at(2026, 4, 1, 10)):
        client.force_login(member)
        row = client.get(INDEX).context["credit"].records[0]
        assert row.repair_from == date(2026, 5, 30) and not row.may_repair
        response = client.post(repair_url(event), {"statement": "已完成整改", "pledge_file": pdf("承诺书.pdf"),
                                                   "evidence_file": pdf("整改.pdf")})
    assert response.status_code == 200
    assert not Repair.objects.exists()
    assert "2026-05-30" in response.context["form"].non_field_errors()[0]


def test_repair_after_minimum_is_filed_and_its_files_are_downloadable(client, admin, scheme, firm, member, outsider):
    with travel(at(2026, 3, 1, 10)):
        event = record(admin, firm, scheme, "B01", on=date(2026, 3, 1), points=-5)
    with travel(at(2026, 6, 1, 10)):
        client.force_login(member)
        assert client.get(INDEX).context["credit"].records[0].may_repair
        response = client.post(repair_url(event), {"statement": "已完成整改", "pledge_file": pdf("承诺书.pdf"),
                                                   "evidence_file": pdf("整改.pdf")})
        assert response.status_code == 302
        repair = Repair.objects.get()
        assert repair.event == event and repair.state == DecisionState.PENDING and repair.answer_due
        download = client.get(file_url("repair", repair, "pledge"))
        assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
        client.force_login(outsider)
        assert client.get(file_url("repair", repair, "pledge")).status_code == 404


# --- emails ---------------------------------------------------------------------------------------------------------

def test_decisions_are_emailed_with_number_reason_and_link(admin, scheme, firm, member,
                                                            django_capture_on_commit_callbacks):
    with travel(at(2026, 3, 1, 10)):
        event = record(admin, firm, scheme, "B01", on=date(2026, 3, 1), points=-5)
        objection = services.objection_file(actor=member, firm=firm, reason="事实有误", event=event)
    with travel(at(2026, 6, 1, 10)), django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(actor=admin, objection=objection, upheld=False, decision="证据不足，维持原记录")
        repair = services.repair_apply(actor=member, event=event, statement="已整改", pledge_upload=pdf(),
                                       evidence_upload=pdf())
        services.repair_decide(actor=admin, repair=repair, approve=True, decision="整改到位")
    assert len(mail.outbox) == 2
    objection_mail, repair_mail = mail.outbox
    assert objection.number in objection_mail.subject and objection.number in objection_mail.body
    assert "证据不足，维持原记录" in objection_mail.body and "/me/credit/" in objection_mail.body
    assert repair.number in repair_mail.subject and "整改到位" in repair_mail.body
    assert "2026-06-01" in repair_mail.body and "/me/credit/" in repair_mail.body
    assert objection_mail.to == [member.email]


# --- association staff ----------------------------------------------------------------------------------------------

def test_staff_of_another_association_gets_404(client, municipal_association):
    other_staff = association_staff(AssociationFactory(sector="municipal"))
    client.force_login(other_staff)
    assert client.get(members_url(municipal_association)).status_code == 404
    assert client.get(submit_url(municipal_association)).status_code == 404
    assert client.get(reverse("credit_workspace:members", args=[99999999999999999999])).status_code == 404


def test_members_page_lists_current_members_ratings_and_filters_by_level(client, admin, scheme,
                                                                          municipal_association, staff):
    good, plain = FirmFactory(sector="municipal"), FirmFactory(sector="municipal")
    former = MembershipFactory(association=municipal_association, firm=FirmFactory(sector="municipal"))
    for f in (good, plain):
        MembershipFactory(association=municipal_association, firm=f)
    former.ended_on = date(2025, 12, 31)
    former.save()
    with travel(at(2026, 2, 20, 10)):
        record(admin, good, scheme, "J01", on=date(2026, 1, 1))  # 80 → AA
    published_round(admin, scheme)
    client.force_login(staff)
    with travel(at(2026, 3, 3, 10)):
        response = client.get(members_url(municipal_association))
        assert response.status_code == 200
        rows = {row.membership.firm: row for row in response.context["rows"]}
        assert set(rows) == {good, plain}
        assert [r.level for r in rows[good].notice] == ["AA"] and rows[good].final == []
        filtered = client.get(members_url(municipal_association), {"level": "AA"})
        assert [row.membership.firm for row in filtered.context["rows"]] == [good]
        # An unknown level is ignored rather than an error.
        assert client.get(members_url(municipal_association), {"level": "<script>", "page": "x"}).status_code == 200


def test_submit_creates_pending_event_sourced_from_the_association(client, admin, scheme, firm,
                                                                     municipal_association, staff):
    MembershipFactory(association=municipal_association, firm=firm)
    code = indicator(scheme, "B03")  # 违反行业自律公约, no evidence required
    client.force_login(staff)
    with travel(at(2026, 3, 1, 10)):
        assert client.get(submit_url(municipal_association)).status_code == 200
        response = client.post(submit_url(municipal_association), {
            "firm": firm.pk, "indicator": code.pk, "points": "-2", "summary": "违反行业自律公约第五条",
            "occurred_on": "2026-02-20", "evidence_doc_no": "成市政协〔2026〕3号", "evidence_issuer": "协会"})
    assert response.status_code == 302
    event = firm.credit_events.get()
    assert event.state == EventState.PENDING and event.source == Source.ASSOCIATION
    assert event.association == municipal_association and event.recorded_by == staff
    with travel(at(2026, 3, 1, 11)):
        listed = client.get(members_url(municipal_association)).context["records"]
    assert [e.pk for e in listed] == [event.pk]


def test_submit_for_a_non_member_or_with_bad_points_changes_nothing(client, scheme, firm, other_firm,
                                                                      municipal_association, staff):
    MembershipFactory(association=municipal_association, firm=firm)
    code = indicator(scheme, "B03")
    client.force_login(staff)
    data = {"indicator": code.pk, "summary": "违反公约", "occurred_on": "2026-02-20"}
    with travel(at(2026, 3, 1, 10)):
        not_member = client.post(submit_url(municipal_association), {**data, "firm": other_firm.pk})
        bad_points = client.post(submit_url(municipal_association), {**data, "firm": firm.pk, "points": "-50"})
    assert not_member.status_code == 200 and not_member.context["form"].errors
    assert bad_points.status_code == 200 and "points" in bad_points.context["form"].errors
    assert not firm.credit_events.exists() and not other_firm.credit_events.exists()


# --- query counts ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [3, 30])
def test_index_query_count_is_fixed(client, admin, scheme, firm, member, n, django_assert_num_queries):
    with travel(at(2026, 2, 20, 10)):
        for i in range(n):
            record(admin, firm, scheme, "L02", on=date(2026, 1, 1 + i % 28), points=1 + i % 5)
        bad = record(admin, firm, scheme, "B01", on=date(2026, 2, 1), points=-3)
        fix = record(admin, firm, scheme, "B03", on=date(2026, 2, 2), points=-1)
        services.event_correct(actor=admin, event=fix, reason="分值有误", points=-2)
    rating_round = published_round(admin, scheme)
    with travel(at(2026, 3, 3, 10)):
        services.objection_file(actor=member, firm=firm, reason="有误", rating=current_rating(rating_round, firm))
        services.objection_file(actor=member, firm=firm, reason="有误", event=bad)
        client.force_login(member)
        with django_assert_num_queries(11):
            response = client.get(INDEX)
    assert response.status_code == 200
    assert len(response.context["credit"].records) == n + 3


@pytest.mark.parametrize("n", [5, 50])
def test_members_page_query_count_is_fixed(client, admin, scheme, municipal_association, staff, n,
                                           django_assert_num_queries):
    firms = [MembershipFactory(association=municipal_association, firm=FirmFactory(sector="municipal")).firm
             for _ in range(n)]
    with travel(at(2026, 2, 20, 10)):
        for f in firms[:3]:
            services.event_submit(actor=staff, association=municipal_association, firm=f,
                                  indicator=indicator(scheme, "B03"), summary="违反公约", occurred_on=date(2026, 2, 1))
    published_round(admin, scheme)
    client.force_login(staff)
    with travel(at(2026, 3, 3, 10)), django_assert_num_queries(11):
        response = client.get(members_url(municipal_association))
    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("n", [5, 50])
def test_submit_page_query_count_is_fixed(client, scheme, municipal_association, staff, n, django_assert_num_queries):
    for _ in range(n):
        MembershipFactory(association=municipal_association, firm=FirmFactory(sector="municipal"))
    client.force_login(staff)
    with django_assert_num_queries(6):
        response = client.get(submit_url(municipal_association))
    assert len(response.context["form"].fields["firm"].choices) == n + 1


@pytest.mark.parametrize("n", [1, 10])
def test_rating_and_request_form_query_counts_are_fixed(client, admin, scheme, firm, member, n,
                                                        django_assert_num_queries):
    with travel(at(2026, 2, 20, 10)):
        events = [record(admin, firm, scheme, "B01", on=date(2026, 2, 1 + i), points=-1) for i in range(n)]
    rating = current_rating(published_round(admin, scheme), firm)
    client.force_login(member)
    with travel(at(2026, 3, 3, 10)):
        with django_assert_num_queries(5):
            assert client.get(rating_url(rating)).status_code == 200
        with django_assert_num_queries(4):
            assert client.get(f"{OBJECT}?rating={rating.pk}").status_code == 200
        with django_assert_num_queries(4):
            assert client.get(f"{OBJECT}?event={events[0].pk}").status_code == 200
        with django_assert_num_queries(4):
            assert client.get(repair_url(events[0])).status_code == 200


def test_dashboard_links_to_the_credit_workspaces(client, firm, member, municipal_association, staff):
    client.force_login(member)
    assert f"{INDEX}?firm={firm.pk}" in client.get(reverse("dashboard")).content.decode()
    client.force_login(staff)
    assert members_url(municipal_association) in client.get(reverse("dashboard")).content.decode()
