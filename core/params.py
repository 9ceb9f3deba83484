"""Parsing of whole numbers and single-line text from query strings, form data and other user input.

``str.isdigit()`` is no guard for ``int()``: it is true for superscripts ("²") that ``int()`` rejects, and for
full-width and other Unicode digits ("１２") that ``int()`` accepts although no link of ours ever holds them.
Only ASCII decimal digits of a bounded length are accepted here.
"""

MAX_DIGITS = 9  # below 2**31: fits every integer column


def parse_positive_int(value, *, max_digits: int = MAX_DIGITS) -> int | None:
    """``value`` as a whole number ≥ 1, or None unless it is 1 to ``max_digits`` ASCII digits (surrounding
    whitespace ignored) with a value of at least 1: no sign, no Unicode digits, no zero."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not (0 < len(value) <= max_digits and value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number >= 1 else None


def parse_positive_ints(values, *, max_digits: int = MAX_DIGITS) -> list[int]:
    """The values that parse as whole numbers ≥ 1 (see :func:`parse_positive_int`), in order; the others dropped."""
    parsed = (parse_positive_int(value, max_digits=max_digits) for value in values)
    return [number for number in parsed if number is not None]


def single_line(value, *, limit: int) -> str:
    """A free-text query value on one line: control characters, and the U+FFFD that
    :class:`core.middleware.NulCharacterMiddleware` turns a NUL into, become spaces; runs of white space collapse;
    trimmed and cut to ``limit`` characters. Never raises."""
    text = str(value or "")[: limit * 2]
    text = "".join(ch if ch.isprintable() and ch != "\ufffd" else " " for ch in text)
    return " ".join(text.split())[:limit]
