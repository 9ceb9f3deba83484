"""Writes to the holiday calendar (core.workdays reads it). Each change is audited."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_log
from .errors import DomainError
from .models import CalendarDay, CalendarYear


def _require(actor, codename: str) -> None:
    """Users need the model permission; a plain string actor ("system", a management command) is trusted."""
    if isinstance(actor, str):
        return
    if not (getattr(actor, "is_authenticated", False) and actor.has_perm(f"core.{codename}")):
        raise DomainError(_("You are not allowed to change the holiday calendar."))


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def calendar_day_save(*, actor, date: date, kind: str, name: str = "") -> CalendarDay:
    """Set the status of `date` (create its override, or change the existing one)."""
    if kind not in CalendarDay.Kind.values:
        raise DomainError(_("Unknown kind of calendar day."), field="kind")
    name = (name or "").strip()
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        created = day is None
        _require(actor, "add_calendarday" if created else "change_calendarday")
        before = {} if created else {"kind": day.kind, "name": day.name}
        if created:
            day = CalendarDay(date=date, created_by=_user(actor))
        day.kind, day.name = kind, name
        day.save()
        audit_log(
            actor=actor,
            action="core.calendarday.created" if created else "core.calendarday.updated",
            obj=day,
            data={"date": date.isoformat(), "kind": kind, "name": name, "before": before},
        )
    return day


def calendar_day_delete(*, actor, day: CalendarDay) -> None:
    """Remove an override: the date follows chinese_calendar (or the weekday rule) again."""
    _require(actor, "delete_calendarday")
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="core.calendarday.deleted",
            obj=day,
            data={"date": day.date.isoformat(), "kind": day.kind, "name": day.name},
        )
        day.delete()


def calendar_year_declare(*, actor, year: int, note: str = "") -> CalendarYear:
    """Declare that `year`'s holiday arrangement is entered (or change the note of the declaration)."""
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    with transaction.atomic():
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        created = row is None
        _require(actor, "add_calendaryear" if created else "change_calendaryear")
        if created:
            row = CalendarYear(year=year, created_by=_user(actor))
        row.note = (note or "").strip()
        row.save()
        audit_log(
            actor=actor,
            action="core.calendaryear.declared" if created else "core.calendaryear.updated",
            obj=row,
            data={"year": year, "note": row.note},
        )
    return row


def calendar_year_delete(*, actor, calendar_year: CalendarYear) -> None:
    """Withdraw a declaration: the year is unknown again unless chinese_calendar knows it."""
    _require(actor, "delete_calendaryear")
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="core.calendaryear.deleted",
            obj=calendar_year,
            data={"year": calendar_year.year, "note": calendar_year.note},
        )
        calendar_year.delete()
