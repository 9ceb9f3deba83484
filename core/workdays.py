"""Working days in mainland China: weekends, 法定节假日 and 调休 make-up workdays.

Where an answer comes from, for a date ``d``:

1. the year must be known — chinese_calendar knows it (1.11.0: 2004–2026), or the committee has declared
   it with a ``CalendarYear`` row — otherwise ``UnknownCalendarYear`` is raised (never a guess);
2. a ``CalendarDay`` row for ``d`` (any year) wins;
3. else chinese_calendar, for the years it knows;
4. else (a declared year) Monday–Friday are workdays, Saturday and Sunday rest days.

Every public function reads the overrides with one query, whatever the length of the period.
Arguments are ``date`` objects (use ``timezone.localdate()`` for "today" in Asia/Shanghai), never datetimes.
"""

import functools
from datetime import date, datetime, timedelta

import chinese_calendar
from django.db.models import CharField, DateField, PositiveSmallIntegerField, Value
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import CalendarDay, CalendarYear

ONE_DAY = timedelta(days=1)


class UnknownCalendarYear(DomainError):
    """A period touches a year whose holiday arrangement nobody has entered."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "The holiday calendar for %(year)s is not known yet: a committee administrator must fill in "
                "%(year)s's holidays and make-up workdays under 节假日安排 in the back office first."
            )
            % {"year": year}
        )


@functools.cache
def package_knows(year: int) -> bool:
    """Whether chinese_calendar has the official arrangement for `year`."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _as_date(value) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return value


class _Calendar:
    """The overrides for a range of dates, loaded with one query; extended (one more query) on demand."""

    def __init__(self, first: date, last: date):
        self.days: dict[date, str] = {}
        self.declared: set[int] = set()
        self.first, self.last = first, first - ONE_DAY
        self.extend_to(last)

    def extend_to(self, last: date) -> None:
        if last <= self.last:
            return
        first = self.last + ONE_DAY
        days = CalendarDay.objects.filter(date__range=(first, last)).order_by().values_list(
            "date", "kind", Value(None, output_field=PositiveSmallIntegerField())
        )
        years = CalendarYear.objects.filter(year__range=(first.year, last.year)).order_by().values_list(
            Value(None, output_field=DateField()), Value("", output_field=CharField()), "year"
        )
        for day, kind, year in days.union(years, all=True):
            if year is None:
                self.days[day] = kind
            else:
                self.declared.add(year)
        self.last = last

    def check_year(self, year: int) -> None:
        if not package_knows(year) and year not in self.declared:
            raise UnknownCalendarYear(year)

    def is_workday(self, d: date) -> bool:
        self.check_year(d.year)
        kind = self.days.get(d)
        if kind is not None:
            return kind == CalendarDay.Kind.WORKDAY
        if package_knows(d.year):
            return chinese_calendar.is_workday(d)
        return d.weekday() < 5


def is_workday(d: date) -> bool:
    """Whether `d` is a working day (a weekday that is not a holiday, or a 调休 make-up workday)."""
    d = _as_date(d)
    return _Calendar(d, d).is_workday(d)


def is_holiday(d: date) -> bool:
    """Whether `d` is a rest day: a weekend day that is not a make-up workday, or a public holiday."""
    return not is_workday(d)


def count_workdays(first: date, last: date) -> int:
    """The number of working days from `first` to `last`, both included (0 when last < first).

    This is "how many full working days lie inside the period": a consultation open from 2026-10-08 to
    2026-10-16 has count_workdays(date(2026, 10, 8), date(2026, 10, 16)) == 8 working days.
    """
    first, last = _as_date(first), _as_date(last)
    if last < first:
        return 0
    calendar = _Calendar(first, last)
    count, d = 0, first
    while d <= last:
        count += calendar.is_workday(d)
        d += ONE_DAY
    return count


def workdays_between(start: date, end: date) -> int:
    """The number of working days d with start < d <= end, i.e. count_workdays(start + 1 day, end).

    The inverse of add_workdays: workdays_between(start, add_workdays(start, n)) == n.
    """
    start = _as_date(start)
    return count_workdays(start + ONE_DAY, end)


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after `start`, not counting `start` itself (n == 0 gives `start`).

    "Comments close 7 working days after publication on 2026-09-30" is add_workdays(date(2026, 9, 30), 7).
    """
    start = _as_date(start)
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return start
    # Wide enough for n working days through the longest Golden Week; a longer run of rest days costs one
    # more query per window, never an error. Rows past the answer (even in an unknown year) are not judged.
    window = timedelta(days=2 * n + 30)
    calendar = _Calendar(start + ONE_DAY, start + window)
    d, left = start, n
    while left:
        d += ONE_DAY
        if d > calendar.last:
            calendar.extend_to(calendar.last + window)
        left -= calendar.is_workday(d)
    return d


def ensure_known(first: date, last: date) -> None:
    """Raise UnknownCalendarYear for the first year of first..last (inclusive) the calendar does not know."""
    first, last = _as_date(first), _as_date(last)
    unknown = [y for y in range(first.year, last.year + 1) if not package_knows(y)]
    if not unknown:
        return
    declared = set(CalendarYear.objects.filter(year__in=unknown).values_list("year", flat=True))
    for year in unknown:
        if year not in declared:
            raise UnknownCalendarYear(year)
