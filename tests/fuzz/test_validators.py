"""Validators never crash on arbitrary text, accept every well-formed value and reject single-character changes."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from core.errors import DomainError
from core.uscc import ALPHABET, check_character, normalize_uscc, validate_uscc
from events.models import Question
from events.services.questions import (
    ID_CHECK,
    ID_WEIGHTS,
    id_number_valid,
    normalise_id_number,
    normalise_phone,
    validate_answer,
)

# Text with the awkward characters weighted in: full-width forms, dashes, NUL, RTL override, emoji.
AWKWARD = st.sampled_from(
    list("\x00\u202e\u200f\ufeff\u3000－—–-ＡＺ０９ｘＸ \t\r\n") + ["😀", "\U0010ffff", "\u0301", "ß", "ﬁ", "İ"]
)
ANY_TEXT = st.text(alphabet=st.one_of(st.characters(codec="utf-8"), AWKWARD), max_size=60)
NEAR_USCC = st.text(alphabet=st.one_of(st.sampled_from(ALPHABET + "IOSVZ"), AWKWARD), min_size=15, max_size=22)


@st.composite
def valid_uscc(draw):
    first17 = draw(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
    return first17 + check_character(first17)


# --- 统一社会信用代码 ---------------------------------------------------------------------------


@given(st.one_of(ANY_TEXT, NEAR_USCC))
def test_uscc_any_text_validates_or_raises_validation_error(raw):
    try:
        code = validate_uscc(raw)
    except (ValidationError, DomainError, ValueError):
        return
    assert len(code) == 18 and set(code) <= set(ALPHABET)
    assert code[17] == check_character(code[:17])


@given(ANY_TEXT)
def test_uscc_normalize_is_idempotent(raw):
    once = normalize_uscc(raw)
    assert normalize_uscc(once) == once


@given(valid_uscc())
def test_uscc_generated_valid_code_validates(code):
    assert validate_uscc(code) == code
    assert validate_uscc(f" {code[:6]}-{code[6:].lower()}\u3000") == code


@given(valid_uscc(), st.integers(min_value=0, max_value=16), st.sampled_from(ALPHABET))
def test_uscc_one_changed_character_fails(code, position, replacement):
    assume(code[position] != replacement)
    changed = code[:position] + replacement + code[position + 1 :]
    try:
        validate_uscc(changed)
    except ValidationError as exc:
        assert exc.code == "check"
    else:  # pragma: no cover - would be a checksum that misses a substitution
        raise AssertionError(f"{changed} validated although it differs from {code} at {position}")


@given(valid_uscc(), st.sampled_from(ALPHABET))
def test_uscc_changed_check_character_fails(code, replacement):
    assume(code[17] != replacement)
    try:
        validate_uscc(code[:17] + replacement)
    except ValidationError as exc:
        assert exc.code == "check"
    else:  # pragma: no cover
        raise AssertionError("a wrong check character validated")


# --- 居民身份证号 ------------------------------------------------------------------------------


def id_check(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


@st.composite
def valid_id_number(draw):
    region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 31)))
    serial = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    first17 = f"{region}{born:%Y%m%d}{serial}"
    return first17 + id_check(first17)


@given(valid_id_number())
def test_id_number_generated_valid_number_passes(number):
    assert id_number_valid(number)
    assert id_number_valid(normalise_id_number(f" {number.lower()} "))
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    assert id_number_valid(normalise_id_number(full_width))


@given(valid_id_number(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_id_number_one_changed_character_fails(number, position, replacement):
    assume(number[position] != replacement)
    changed = number[:position] + replacement + number[position + 1 :]
    assert not id_number_valid(changed)


@given(valid_id_number(), st.integers(min_value=1, max_value=400))
def test_id_number_impossible_birth_date_fails(number, days):
    # Day 32 of the month, or month 13, whatever the checksum says.
    for bad in (number[:12] + "32" + number[14:17], number[:10] + "13" + number[12:17]):
        assert not id_number_valid(bad + id_check(bad))


@given(st.one_of(ANY_TEXT, st.text(alphabet=st.one_of(st.sampled_from("0123456789Xx"), AWKWARD), max_size=25)))
def test_id_number_arbitrary_text_never_raises(raw):
    result = id_number_valid(normalise_id_number(raw))
    assert isinstance(result, bool)
    assert isinstance(id_number_valid(raw), bool)


ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_id_number_with_arabic_indic_digits_is_rejected():
    first17 = "11010519491231002"
    assert not id_number_valid(first17.translate(ARABIC_DIGITS) + id_check(first17))


def test_mobile_answer_with_arabic_indic_digits_is_rejected():
    question = Question(kind=Question.Kind.PHONE, label="手机", required=True)
    with pytest.raises(DomainError):
        validate_answer(question, "13" + "800000000".translate(ARABIC_DIGITS))


# --- Phone numbers ----------------------------------------------------------------------------


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9),
       st.sampled_from(["", "+86", "0086", "86", "+86 ", "＋８６"]), st.sampled_from(["", " ", "-"]))
def test_phone_normalisation_recovers_the_mobile_number(second, rest, prefix, sep):
    mobile = f"1{second}{rest}"
    spaced = f"{prefix}{mobile[:3]}{sep}{mobile[3:7]}{sep}{mobile[7:]}"
    assert normalise_phone(spaced) == mobile


@given(ANY_TEXT)
def test_phone_normalisation_never_raises_and_is_idempotent(raw):
    once = normalise_phone(raw)
    assert isinstance(once, str)
    assert normalise_phone(once) == once


def test_id_number_dates_cover_leap_days():
    first17 = "510104200002290" + "01"
    assert id_number_valid(first17 + id_check(first17))
    bad = "510104190002290" + "01"  # 1900 was not a leap year
    assert not id_number_valid(bad + id_check(bad))
    assert date(2000, 2, 28) + timedelta(days=1) == date(2000, 2, 29)
