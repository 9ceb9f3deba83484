import pytest

from core.api import positive_int
from core.params import parse_positive_int, parse_positive_ints, single_line


@pytest.mark.parametrize(("value", "expected"), [
    ("1", 1), ("42", 42), (" 7 ", 7), ("007", 7), ("999999999", 999999999),
    ("²", None), ("１", None), ("١", None), ("٣", None), ("-1", None), ("+1", None), ("0", None), ("000", None),
    ("9" * 10, None), ("9" * 30, None), ("1.5", None), ("1e3", None), ("1_000", None), ("", None), ("  ", None),
    (None, None), (5, None),
])
def test_parse_positive_int_accepts_ascii_digits_only(value, expected):
    assert parse_positive_int(value) == expected


def test_parse_positive_int_bounds_the_length():
    assert parse_positive_int("123456", max_digits=6) == 123456
    assert parse_positive_int("1234567", max_digits=6) is None


def test_parse_positive_ints_drops_what_does_not_parse():
    assert parse_positive_ints(["3", "²", "x", "１", "1", "-2", "9" * 30]) == [3, 1]


@pytest.mark.parametrize(("raw", "expected"), [("", 1), ("2", 2), ("²", None), ("１", None), ("1234567", None)])
def test_api_positive_int(raw, expected):
    assert positive_int({"page": raw}, "page", 1) == expected


def test_single_line_drops_controls_and_replacement_characters():
    assert single_line("照明\x00", limit=10) == "照明"
    assert single_line(" 道路\ufffd照明\n\t规范 ", limit=100) == "道路 照明 规范"
    assert single_line("照" * 50, limit=5) == "照" * 5
    assert single_line(None, limit=5) == ""
    assert single_line(12, limit=5) == "12"
