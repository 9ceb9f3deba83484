"""The working-day calendar: chinese_calendar for 2004–2026, committee overrides and declared years."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from django.urls import reverse
from django.utils import translation

from core.errors import DomainError
from core.models import AuditEntry, CalendarDay, CalendarYear
from core.services import calendar_day_delete, calendar_day_save, calendar_year_declare
from core.workdays import (
    UnknownCalendarYear,
    add_workdays,
    count_workdays,
    ensure_known,
    is_holiday,
    is_workday,
    workdays_between,
)
from tests.factories import committee_user

HOLIDAY, WORKDAY = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.WORKDAY
D = date.fromisoformat


@pytest.fixture
def admin(db):
    return committee_user()


@pytest.fixture
def year_2027(admin):
    calendar_year_declare(actor=admin, year=2027, note="国务院办公厅通知")
    calendar_day_save(actor=admin, date=D("2027-01-01"), kind=HOLIDAY, name="元旦")


# --- Years chinese_calendar knows -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-09-20", True),  # Sunday, 调休 for National Day
        ("2026-09-25", False),  # Friday, 中秋节
        ("2026-09-30", True),
        ("2026-10-01", False),
        ("2026-10-02", False),  # Friday
        ("2026-10-05", False),  # Monday
        ("2026-10-07", False),  # Wednesday
        ("2026-10-08", True),
        ("2026-10-10", True),  # Saturday, 调休
        ("2026-10-11", False),  # Sunday
        ("2026-02-14", True),  # Saturday, 调休 for Spring Festival
        ("2026-02-16", False),  # Monday, 春节
        ("2026-02-23", False),  # Monday, last day of 春节
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday, 调休
        ("2026-03-01", False),  # Sunday
    ],
)
def test_national_day_and_spring_festival_2026_follow_the_official_arrangement(db, day, expected):
    assert chinese_calendar.is_workday(D(day)) is expected  # the package agrees with the table above
    assert is_workday(D(day)) is expected
    assert is_holiday(D(day)) is not expected


def test_add_workdays_skips_holidays_and_counts_make_up_saturdays(db):
    assert add_workdays(D("2026-09-30"), 1) == D("2026-10-08")
    assert add_workdays(D("2026-09-30"), 3) == D("2026-10-10")  # Oct 8, 9 and Saturday Oct 10
    assert add_workdays(D("2026-09-30"), 4) == D("2026-10-12")
    assert add_workdays(D("2026-02-13"), 1) == D("2026-02-14")
    assert add_workdays(D("2026-02-14"), 1) == D("2026-02-24")
    assert add_workdays(D("2026-10-01"), 0) == D("2026-10-01")


def test_add_workdays_refuses_a_negative_count(db):
    with pytest.raises(ValueError):
        add_workdays(D("2026-10-01"), -1)


def test_count_workdays_includes_both_ends(db):
    assert count_workdays(D("2026-10-01"), D("2026-10-18")) == 8  # 8, 9, 10 (Sat) and 12–16
    assert count_workdays(D("2026-10-08"), D("2026-10-08")) == 1
    assert count_workdays(D("2026-10-01"), D("2026-10-07")) == 0
    assert count_workdays(D("2026-10-09"), D("2026-10-08")) == 0
    assert count_workdays(D("2026-01-01"), D("2026-12-31")) == len(
        chinese_calendar.get_workdays(D("2026-01-01"), D("2026-12-31"))
    )


def test_workdays_between_excludes_the_start_and_inverts_add_workdays(db):
    assert workdays_between(D("2026-10-08"), D("2026-10-09")) == 1
    assert workdays_between(D("2026-10-08"), D("2026-10-08")) == 0
    for n in (1, 5, 7, 15, 30):
        assert workdays_between(D("2026-09-28"), add_workdays(D("2026-09-28"), n)) == n


def test_datetimes_are_refused(db):
    from datetime import datetime

    with pytest.raises(TypeError):
        is_workday(datetime(2026, 10, 8, 9, 0))  # noqa: DTZ001


# --- Years it does not know -----------------------------------------------------------------------------


def test_2027_is_unknown_until_the_committee_declares_it(db):
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D("2027-01-04"))
    with pytest.raises(UnknownCalendarYear) as exc:
        is_workday(D("2027-01-04"))
    assert exc.value.year == 2027
    assert "2027" in str(exc.value)
    assert isinstance(exc.value, DomainError)
    with pytest.raises(UnknownCalendarYear, match="2027"):
        add_workdays(D("2026-12-28"), 7)
    with pytest.raises(UnknownCalendarYear, match="2027"):
        count_workdays(D("2026-12-01"), D("2027-01-31"))
    with pytest.raises(UnknownCalendarYear, match="2027"):
        ensure_known(D("2026-12-01"), D("2027-01-31"))


def test_unknown_year_message_is_chinese(db):
    with translation.override("zh-hans"), pytest.raises(UnknownCalendarYear) as exc:
        ensure_known(D("2026-11-01"), D("2028-02-01"))
    assert str(exc.value) == (
        "系统尚不知道 2027 年的节假日安排：请委员会管理员先在后台“节假日安排”中填写 2027 年的法定节假日和调休工作日。"
    )


def test_a_period_ending_before_the_unknown_year_works(db):
    assert add_workdays(D("2026-12-28"), 3) == D("2026-12-31")
    ensure_known(D("2026-01-01"), D("2026-12-31"))


def test_calendar_days_alone_do_not_make_a_year_known(admin):
    calendar_day_save(actor=admin, date=D("2027-01-01"), kind=HOLIDAY, name="元旦")
    with pytest.raises(UnknownCalendarYear):
        is_workday(D("2027-01-01"))


def test_declared_2027_uses_weekdays_and_overrides(year_2027):
    ensure_known(D("2026-12-01"), D("2027-12-31"))
    assert not is_workday(D("2027-01-01"))  # Friday, 元旦 override
    assert not is_workday(D("2027-01-02"))  # Saturday
    assert is_workday(D("2027-01-04"))  # Monday
    assert add_workdays(D("2026-12-31"), 1) == D("2027-01-04")
    assert add_workdays(D("2026-12-28"), 7) == D("2027-01-07")  # Dec 29–31, Jan 4–7
    assert count_workdays(D("2027-01-01"), D("2027-01-10")) == 5


def test_a_rest_period_longer_than_the_window_is_still_crossed(year_2027, django_assert_num_queries):
    rest = [date(2027, 1, 1) + timedelta(days=i) for i in range(46)]  # 2027-01-01 … 2027-02-15
    CalendarDay.objects.bulk_create([CalendarDay(date=d, kind=HOLIDAY) for d in rest], ignore_conflicts=True)
    with django_assert_num_queries(2):  # the first window (32 days) ends inside the rest period
        assert add_workdays(D("2026-12-31"), 1) == D("2027-02-16")


def test_an_override_corrects_a_known_year(admin):
    assert is_workday(D("2026-10-12"))
    calendar_day_save(actor=admin, date=D("2026-10-12"), kind=HOLIDAY, name="临时调整")
    calendar_day_save(actor=admin, date=D("2026-10-11"), kind=WORKDAY, name="临时调整")
    assert not is_workday(D("2026-10-12"))
    assert is_workday(D("2026-10-11"))
    assert add_workdays(D("2026-10-09"), 2) == D("2026-10-11")

    calendar_day_delete(actor=admin, day=CalendarDay.objects.get(date=D("2026-10-12")))
    assert is_workday(D("2026-10-12"))


def test_writes_are_audited_and_saving_a_date_again_updates_it(admin):
    day = calendar_day_save(actor=admin, date=D("2026-10-12"), kind=HOLIDAY, name="")
    same = calendar_day_save(actor=admin, date=D("2026-10-12"), kind=WORKDAY, name="更正")
    assert same.pk == day.pk and CalendarDay.objects.count() == 1
    assert day.created_by == admin
    actions = list(AuditEntry.objects.for_object(day).order_by("id").values_list("action", flat=True))
    assert actions == ["core.calendarday.created", "core.calendarday.updated"]
    calendar_day_delete(actor=admin, day=same)
    assert AuditEntry.objects.filter(action="core.calendarday.deleted").count() == 1
    year = calendar_year_declare(actor=admin, year=2027, note="")
    assert AuditEntry.objects.for_object(year).get().action == "core.calendaryear.declared"


def test_an_editor_cannot_change_the_calendar(db):
    editor = committee_user(admin=False)
    with pytest.raises(DomainError):
        calendar_day_save(actor=editor, date=D("2026-10-12"), kind=HOLIDAY, name="")
    with pytest.raises(DomainError):
        calendar_year_declare(actor=editor, year=2027, note="")
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


# --- One query, whatever the period -----------------------------------------------------------------------


def test_each_call_reads_the_overrides_with_one_query(admin, django_assert_num_queries):
    for i in range(1, 20):
        calendar_day_save(actor=admin, date=D(f"2026-03-{i:02d}"), kind=WORKDAY, name="")
    calendar_year_declare(actor=admin, year=2027, note="")
    with django_assert_num_queries(1):
        add_workdays(D("2026-01-05"), 60)
    with django_assert_num_queries(1):
        add_workdays(D("2026-11-02"), 60)  # into the declared 2027
    with django_assert_num_queries(1):
        count_workdays(D("2026-01-01"), D("2027-12-31"))
    with django_assert_num_queries(1):
        is_workday(D("2026-03-07"))


# --- Back office ---------------------------------------------------------------------------------------------


LISTINGS = ["holiday_calendar:index", "holiday_calendar:add", "calendar_years:index", "calendar_years:add"]


@pytest.mark.parametrize("name", LISTINGS)
def test_admin_pages_open_for_a_committee_admin(client, admin, year_2027, name):
    client.force_login(admin)
    response = client.get(reverse(name))
    assert response.status_code == 200
    if name == "holiday_calendar:index":
        assert "元旦" in response.content.decode()


def test_admin_adds_edits_and_deletes_a_day_through_the_audited_services(client, admin):
    client.force_login(admin)
    response = client.post(reverse("holiday_calendar:add"), {"date": "2027-01-01", "kind": HOLIDAY, "name": "元旦"})
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=D("2027-01-01"))
    assert day.created_by == admin

    response = client.post(reverse("holiday_calendar:edit", args=[day.pk]), {"kind": WORKDAY, "name": "更正"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.kind, day.name, day.date) == (WORKDAY, "更正", D("2027-01-01"))

    response = client.post(reverse("holiday_calendar:delete", args=[day.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    actions = AuditEntry.objects.filter(object_type="core.calendarday").values_list("action", flat=True)
    assert sorted(actions) == ["core.calendarday.created", "core.calendarday.deleted", "core.calendarday.updated"]

    response = client.post(reverse("calendar_years:add"), {"year": "2027", "note": "已录入"})
    assert response.status_code == 302
    assert AuditEntry.objects.for_object(CalendarYear.objects.get(year=2027)).get().action == (
        "core.calendaryear.declared"
    )


def test_admin_filters_days_by_kind(client, admin, year_2027):
    calendar_day_save(actor=admin, date=D("2027-02-20"), kind=WORKDAY, name="春节调休")
    client.force_login(admin)
    html = client.get(reverse("holiday_calendar:index"), {"kind": WORKDAY}).content.decode()
    assert "春节调休" in html and "元旦" not in html


def test_an_editor_can_read_but_not_add(client, db):
    client.force_login(committee_user(admin=False))
    assert client.get(reverse("holiday_calendar:index")).status_code == 200
    assert client.get(reverse("calendar_years:index")).status_code == 200
    assert client.get(reverse("holiday_calendar:add")).status_code == 302
    response = client.post(reverse("holiday_calendar:add"), {"date": "2027-01-01", "kind": HOLIDAY, "name": ""})
    assert response.status_code == 302
    response = client.post(reverse("calendar_years:add"), {"year": "2027", "note": ""})
    assert response.status_code == 302
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()
