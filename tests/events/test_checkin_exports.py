"""Check-in at the door and the exports in the organisers' console (events_manage: checkin*, export_*)."""

import csv
import io
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEntry
from events.models import Answer, Checkin, Registration
from tests.factories import AssociationFactory, UserFactory, association_staff, committee_user

from .helpers import checkin_list, make_event, question, register, sub_event, ticket

pytestmark = pytest.mark.django_db(transaction=False)

VALID_ID = "11010519491231002X"
_nonces = itertools.count(1)


@pytest.fixture
def setup(client):
    association = AssociationFactory()
    event = make_event(organiser=association, size=50)
    main = checkin_list(event)
    staff = association_staff(association)
    client.force_login(staff)
    return event, main, staff


def scan_post(client, checkin_list, payload, kind="entry", nonce=None):
    data = {"payload": payload, "kind": kind, "nonce": nonce or f"n-{next(_nonces)}"}
    return client.post(reverse("events_manage:checkin", args=[checkin_list.pk]), data)


def test_scan_ok_then_second_entry_refused(client, setup):
    event, main, staff = setup
    info = question(event, "是否领取资料袋", "yesno", show_at_checkin=True)
    dinner = sub_event(event, "晚宴")
    reg = register(event, UserFactory(), name="李四", company="成都城管科技", answers={info.field_name: True},
                   sub_events=[dinner])
    page = client.get(reverse("events_manage:checkin", args=[main.pk]))
    assert page.status_code == 200 and b'name="nonce"' in page.content and b"autofocus" in page.content
    response = scan_post(client, main, reg.token)
    html = response.content.decode()
    assert response.status_code == 200 and "checkin-ok" in html
    assert "李四" in html and "成都城管科技" in html and "企业代表" in html and "晚宴" in html
    assert "是否领取资料袋" in html
    again = scan_post(client, main, reg.code).content.decode()
    assert "checkin-refused" in again and "checkin-warning" in again
    assert Checkin.objects.filter(registration=reg).count() == 1


def test_exit_then_reentry(client, setup):
    event, main, _staff = setup
    reg = register(event, UserFactory())
    assert "checkin-ok" in scan_post(client, main, reg.token).content.decode()
    assert "checkin-ok" in scan_post(client, main, reg.get_ticket_url(), kind="exit").content.decode()
    assert "checkin-ok" in scan_post(client, main, reg.code, nonce="again").content.decode()
    assert list(Checkin.objects.filter(registration=reg).values_list("kind", "typed")) == [
        ("entry", False), ("exit", False), ("entry", True)]


def test_forged_code_refused_with_reason_and_empty_payload_rerenders(client, setup):
    _event, main, _staff = setup
    html = scan_post(client, main, "ZZZZ9999").content.decode()
    assert "checkin-refused" in html and "ZZZZ9999" not in html.split("checkin-message")[0]
    assert AuditEntry.objects.filter(action="events.checkin.refused").count() == 1
    empty = client.post(reverse("events_manage:checkin", args=[main.pk]), {"payload": "", "kind": "entry"})
    assert empty.status_code == 200 and b'class="error"' in empty.content
    assert not Checkin.objects.exists()


def test_nonce_resubmission_recorded_once(client, setup):
    event, main, _staff = setup
    reg = register(event, UserFactory())
    first = scan_post(client, main, reg.token, nonce="same-scan")
    second = scan_post(client, main, reg.token, nonce="same-scan")
    assert "checkin-ok" in first.content.decode() and "checkin-ok" in second.content.decode()
    assert Checkin.objects.filter(registration=reg).count() == 1


def test_ticket_for_another_event_refused(client, setup):
    _event, main, _staff = setup
    other = register(make_event(), UserFactory())
    html = scan_post(client, main, other.token).content.decode()
    assert "checkin-refused" in html and other.event.title in html
    assert not Checkin.objects.exists()


def test_access_other_staff_404_anonymous_redirect(client, setup):
    event, main, _staff = setup
    urls = [reverse("events_manage:checkin_lists", args=[event.pk]), reverse("events_manage:checkin", args=[main.pk]),
            reverse("events_manage:checkin_counts", args=[main.pk]),
            reverse("events_manage:export_security", args=[main.pk]),
            reverse("events_manage:export_attendees", args=[event.pk]),
            reverse("events_manage:export_checkins", args=[event.pk])]
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.force_login(association_staff(AssociationFactory()))
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(committee_user())
    assert all(client.get(url).status_code == 200 for url in urls)
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_counts_json(client, setup):
    event, main, staff = setup
    media = ticket(event, "媒体")
    press = checkin_list(event, "媒体区")
    press.ticket_types.add(media)
    regs = [register(event, UserFactory(), name=f"参会{i}") for i in range(3)]
    register(event, UserFactory(), ticket_type=media)
    for reg in regs[:2]:
        scan_post(client, main, reg.token)
    scan_post(client, main, regs[1].token, kind="exit")
    response = client.get(reverse("events_manage:checkin_counts", args=[main.pk]))
    assert response.json() == {"expected": 4, "checked_in": 2, "inside": 1}
    assert "no-store" in response["Cache-Control"]
    assert client.get(reverse("events_manage:checkin_counts", args=[press.pk])).json() == {
        "expected": 1, "checked_in": 0, "inside": 0}
    lists_page = client.get(reverse("events_manage:checkin_lists", args=[event.pk])).content.decode()
    assert "媒体区" in lists_page and reverse("events_manage:export_security", args=[press.pk]) in lists_page


def _workbook(response):
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    return load_workbook(io.BytesIO(response.content)).active


def test_exports_contain_the_right_rows(client, setup):
    event, main, _staff = setup
    id_q = question(event, "身份证号", "id_number", personal_data=True)
    seat = question(event, "座位", "text", staff_only=True)
    zhao = register(event, UserFactory(), name="赵六", company="甲公司", answers={id_q.field_name: VALID_ID})
    an = register(event, UserFactory(), name="安琪", company="乙公司", answers={id_q.field_name: VALID_ID})
    Answer.objects.filter(registration=an, question=id_q).update(value="", purged_at=timezone.now())
    Answer.objects.create(registration=zhao, question=seat, value="A-12")
    cancelled = register(event, UserFactory(), name="王五")
    Registration.objects.filter(pk=cancelled.pk).update(state=Registration.State.CANCELLED)

    response = client.get(reverse("events_manage:export_security", args=[main.pk]))
    assert f"event-{event.pk}" in response["Content-Disposition"]
    rows = list(_workbook(response).iter_rows(values_only=True))
    assert rows[0] == ("序号", "姓名", "单位", "身份证号", "票种")
    assert rows[1:] == [(1, "安琪", "乙公司", "（已清除）", "企业代表"), (2, "赵六", "甲公司", VALID_ID, "企业代表")]

    rows = list(_workbook(client.get(reverse("events_manage:export_attendees", args=[event.pk])))
                .iter_rows(values_only=True))
    assert rows[0][-2:] == ("身份证号", "座位") and rows[0][1] == "姓名"
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"赵六", "安琪", "王五"}
    assert by_name["赵六"][0] == zhao.code and by_name["赵六"][-2:] == (VALID_ID, "A-12")
    assert by_name["安琪"][-2] == "（已清除）"

    scan_post(client, main, zhao.code)
    response = client.get(reverse("events_manage:export_checkins", args=[event.pk]))
    assert response.content.startswith("\ufeff".encode()) and response["Content-Disposition"].startswith("attachment")
    log = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert log[0][:4] == ["时间", "签到点", "进/出", "票号"]
    assert log[1][1:6] == ["主会场", "进场", zhao.code, "赵六", "甲公司"] and log[1][7] == "手输票号"
    assert log[1][0] == timezone.localtime(Checkin.objects.get().at).strftime("%Y-%m-%d %H:%M")
    actions = set(AuditEntry.objects.filter(action__startswith="events.export.").values_list("action", flat=True))
    assert actions == {"events.export.security_list", "events.export.attendees", "events.export.checkin_log"}


def _bulk(event, n):
    tt = ticket(event)
    regs = Registration.objects.bulk_create(
        Registration(event=event, ticket_type=tt, state=Registration.State.CONFIRMED, name=f"参会{i}",
                     email=f"p{i}@example.com", confirmed_at=timezone.now()) for i in range(n))
    return regs


@pytest.mark.parametrize("n", [10, 1000])
def test_query_counts_are_fixed(client, setup, django_assert_num_queries, n):
    event, main, staff = setup
    question(event, "是否领取资料袋", "yesno", show_at_checkin=True)
    checkin_list(event, "晚宴", sub_event=sub_event(event, "晚宴"))
    regs = _bulk(event, n)
    Checkin.objects.bulk_create(Checkin(checkin_list=main, registration=r, by=staff) for r in regs[: n // 2])
    urls = {"lists": reverse("events_manage:checkin_lists", args=[event.pk]),
            "scan": reverse("events_manage:checkin", args=[main.pk]),
            "counts": reverse("events_manage:checkin_counts", args=[main.pk])}
    expected = {"lists": 9, "scan": 8, "counts": 8}
    for name, url in urls.items():
        with django_assert_num_queries(expected[name]):
            assert client.get(url).status_code == 200
    assert client.get(urls["counts"]).json() == {"expected": n, "checked_in": n // 2, "inside": n // 2}
    with django_assert_num_queries(20):
        response = scan_post(client, main, regs[-1].token, nonce="pinned")
    assert "checkin-ok" in response.content.decode()
