"""Exports of an event for its organisers: the attendee list (XLSX, every registration and every answer), the
安保名单 of a check-in list (XLSX: name, company, resident ID number, ticket type) and the check-in log (CSV for
Excel). They hold personal data: only the organisers reach them (others get 404), every download is audited
(events.export.<name>) and none is cached.

The spreadsheets are Chinese working documents: their column headers are written in Chinese here (data of the
document, as in consultations/exports.py). A fixed number of queries per export whatever the number of rows.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.audit import audit_log
from core.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, export_response, xlsx_bytes

from . import checkin_selectors as selectors
from .models import Checkin, EventPage
from .permissions import can_manage_event

ERASED = "（已清除）"
ATTENDEE_COLUMNS = ["票号", "姓名", "单位", "电子邮箱", "票种", "状态", "报名时间", "确认时间", "分会场/活动"]
SECURITY_COLUMNS = [("序号", 6), ("姓名", 14), ("单位", 36), ("身份证号", 22), ("票种", 16)]
CHECKIN_COLUMNS = ["时间", "签到点", "进/出", "票号", "姓名", "单位", "操作人", "方式"]


def _managed_event(request, event_id: int) -> EventPage:
    event = get_object_or_404(EventPage, pk=event_id)
    if not can_manage_event(request.user, event):
        raise Http404
    return event


def _stamp() -> str:
    return f"{timezone.localdate():%Y%m%d}"


def _answer_text(answer) -> str:
    if answer is None:
        return ""
    return ERASED if answer.purged_at else answer.display


@login_required
@require_GET
def attendees(request, event_id):
    event = _managed_event(request, event_id)
    questions, registrations = selectors.attendee_rows(event)
    headers = ATTENDEE_COLUMNS + [q.label for q in questions]
    rows = []
    for r in registrations:
        answers = {a.question_id: a for a in r.answers.all()}
        rows.append([r.code, r.name, r.company, r.email, r.ticket_type.name, r.get_state_display(),
                     r.created_at, r.confirmed_at, "、".join(s.name for s in r.sub_events.all())]
                    + [_answer_text(answers.get(q.pk)) for q in questions])
    content = xlsx_bytes(headers, rows, title="报名名单")
    audit_log(actor=request.user, action="events.export.attendees", obj=event,
              data={"registrations": len(rows), "questions": len(questions)})
    return export_response(content, f"event-{event.pk}-报名名单-{_stamp()}.xlsx", XLSX_TYPE)


@login_required
@require_GET
def security_list(request, list_id):
    checkin_list = selectors.checkin_list(list_id)
    if checkin_list is None or not can_manage_event(request.user, checkin_list.event):
        raise Http404
    id_question, registrations = selectors.security_rows(checkin_list)
    rows = [[i, r.name, r.company, _answer_text(r.id_answer), r.ticket_type.name]
            for i, r in enumerate(registrations, start=1)]
    content = xlsx_bytes([c for c, _w in SECURITY_COLUMNS], rows, title="安保名单",
                         widths=[w for _c, w in SECURITY_COLUMNS])
    audit_log(actor=request.user, action="events.export.security_list", obj=checkin_list,
              data={"attendees": len(rows), "id_numbers": id_question is not None})
    filename = f"event-{checkin_list.event_id}-安保名单-{checkin_list.name}-{_stamp()}.xlsx"
    return export_response(content, filename, XLSX_TYPE)


def _staff_name(user) -> str:
    return str(user) if user is not None else ""


@login_required
@require_GET
def checkin_log(request, event_id):
    event = _managed_event(request, event_id)
    rows = [[c.at, c.checkin_list.name, "进场" if c.kind == Checkin.Kind.ENTRY else "离场", c.registration.code,
             c.registration.name, c.registration.company, _staff_name(c.by), "手输票号" if c.typed else "扫码"]
            for c in selectors.checkin_log_rows(event)]
    content = csv_bytes(CHECKIN_COLUMNS, rows)
    audit_log(actor=request.user, action="events.export.checkin_log", obj=event, data={"checkins": len(rows)})
    return export_response(content, f"event-{event.pk}-签到记录-{_stamp()}.csv", CSV_TYPE)
