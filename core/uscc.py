"""统一社会信用代码 (unified social credit code) per GB 32100-2015.

18 characters from the alphabet 0-9 A-H J-N P Q R T U W X Y (no I, O, S, V, Z).
The 18th character is a check character: with weights w_i = 3^(i-1) mod 31 for the first
17 positions, check = (31 - Σ value_i · w_i mod 31) mod 31, mapped back to the alphabet.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, …


def normalize_uscc(raw: str) -> str:
    """Strip whitespace and dashes (including full-width ones) and upper-case."""
    text = (raw or "").translate({ord(c): None for c in " \t\r\n\u3000-－—–"})
    # Full-width letters and digits → ASCII.
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    return text.upper()


def check_character(first17: str) -> str:
    total = sum(_VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(raw: str) -> str:
    """Return the normalised code or raise ValidationError with a Chinese message."""
    code = normalize_uscc(raw)
    if not code:
        raise ValidationError(_("The unified social credit code is empty."), code="empty")
    if len(code) != 18:
        raise ValidationError(
            _("The unified social credit code must have 18 characters; this one has %(n)d.")
            % {"n": len(code)},
            code="length",
        )
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUES:
            raise ValidationError(
                _(
                    "Character %(pos)d (“%(ch)s”) is not allowed in a unified social credit "
                    "code (I, O, S, V and Z are never used)."
                )
                % {"pos": pos, "ch": ch},
                code="alphabet",
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character of the unified social credit code is wrong: "
                "expected “%(expected)s” as the 18th character, found “%(found)s”."
            )
            % {"expected": expected, "found": code[17]},
            code="check",
        )
    return code


def is_social_organisation(code: str) -> bool:
    """Social organisations registered with civil affairs start with 5."""
    return code.startswith("5")
