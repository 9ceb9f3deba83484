"""Per-attendee questions: which apply, conditional display, and the validation of each kind of answer.

``validate_answer`` is used by the forms (an error at the field) and again by the services (the authority)."""

import re
from datetime import date

from django.utils.translation import gettext as _

from core.errors import DomainError

from ..models import Question

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
TEXT_MAX = 500
YES = {"yes", "true", "1", "on", "是"}
NO = {"no", "false", "0", "off", "否"}


def id_number_valid(value: str) -> bool:
    """GB 11643-1999 居民身份证号码: 18 characters, a real birth date and the MOD 11-2 check character."""
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == value[17]


def normalise_id_number(value: str) -> str:
    return re.sub(r"\s", "", value).upper().translate(str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX"))


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s\-()（）]", "", value)
    digits = digits.translate(str.maketrans("０１２３４５６７８９＋", "0123456789+"))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix):]
    return digits


def applicable(questions, ticket_type_id: int, *, staff: bool = False) -> list[Question]:
    """The questions asked for this ticket type (prefetched ``ticket_types``); staff-only ones only for staff."""
    chosen = []
    for question in questions:
        types = {tt.pk for tt in question.ticket_types.all()}
        if types and ticket_type_id not in types:
            continue
        if question.staff_only and not staff:
            continue
        chosen.append(question)
    return chosen


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def validate_answer(question: Question, value):
    """The cleaned value, or DomainError naming the field. Empty answers to optional questions give ''."""
    field = question.field_name
    if question.kind == Question.Kind.MULTI:
        value = [v for v in (value if isinstance(value, list | tuple) else [value]) if not _empty(v)]
    elif isinstance(value, list | tuple):
        value = value[-1] if value else ""
    if isinstance(value, str):
        value = value.strip()
    if _empty(value):
        if question.required:
            raise DomainError(_("Please answer “%(question)s”.") % {"question": question.label}, field=field)
        return [] if question.kind == Question.Kind.MULTI else ""
    kind = question.kind
    if kind in (Question.Kind.TEXT, Question.Kind.COMPANY):
        if len(value) > TEXT_MAX:
            raise DomainError(_("At most %(max)d characters.") % {"max": TEXT_MAX}, field=field)
        return value
    if kind == Question.Kind.CHOICE:
        if value not in question.choices:
            raise DomainError(_("Choose one of the options given."), field=field)
        return value
    if kind == Question.Kind.MULTI:
        if any(v not in question.choices for v in value):
            raise DomainError(_("Choose among the options given."), field=field)
        return [c for c in question.choices if c in value]
    if kind == Question.Kind.YESNO:
        if value is True or str(value).lower() in YES:
            return True
        if value is False or str(value).lower() in NO:
            return False
        raise DomainError(_("Answer yes or no."), field=field)
    if kind == Question.Kind.PHONE:
        phone = normalise_phone(str(value))
        if not MOBILE.match(phone):
            raise DomainError(_("Enter an 11-digit mainland mobile number, e.g. 13800000000."), field=field)
        return phone
    if kind == Question.Kind.ID_NUMBER:
        number = normalise_id_number(str(value))
        if len(number) != 18:
            raise DomainError(_("A resident ID number has 18 characters; this one has %(n)d.") % {"n": len(number)},
                              field=field)
        if not id_number_valid(number):
            raise DomainError(_("This resident ID number is not valid (check the birth date and the last "
                                "character)."), field=field)
        return number
    raise DomainError(_("Unknown question type."), field=field)


def is_shown(question: Question, cleaned: dict) -> bool:
    """Conditional display: shown when the answer it depends on is one of the values given."""
    if question.show_if_id is None:
        return True
    answer = cleaned.get(question.show_if_id)
    if answer is None:
        return False
    answers = answer if isinstance(answer, list) else [answer]
    wanted = {str(v) for v in question.show_if_values}
    given = {("yes" if a is True else "no" if a is False else str(a)) for a in answers}
    return bool(wanted & given)


def clean_answers(questions, raw: dict) -> dict:
    """{question_id: cleaned value} for the questions shown; raises the first DomainError (with its field).

    ``raw`` maps field names (``q<id>``) to submitted values. Questions are in their display order, so a question
    is always cleaned after the one it depends on."""
    cleaned: dict[int, object] = {}
    for question in questions:
        if not is_shown(question, cleaned):
            continue
        cleaned[question.pk] = validate_answer(question, raw.get(question.field_name))
    return cleaned
