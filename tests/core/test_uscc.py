import pytest
from django.core.exceptions import ValidationError

from core.uscc import ALPHABET, check_character, normalize_uscc, validate_uscc

# Codes published on the national enterprise credit information system.
REAL_CODES = [
    "91110000600037341L",  # a Beijing-registered enterprise
    "9144030071526726XG",  # a Shenzhen-registered enterprise
    "91310000717854505W",
    "91440300708461136T",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_published_codes_are_valid(code):
    assert validate_uscc(code) == code


def test_code_is_normalised_before_checking():
    assert validate_uscc(" 9111-0000 6000 3734 1l ") == "91110000600037341L"
    assert normalize_uscc("９１１１０００") == "9111000"


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_single_character_mutation_is_caught(code):
    for pos in range(18):
        for ch in "0A9X":
            if ch == code[pos]:
                continue
            mutated = code[:pos] + ch + code[pos + 1 :]
            with pytest.raises(ValidationError):
                validate_uscc(mutated)


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(ValidationError) as err:
        validate_uscc("91110000600037341M")
    assert err.value.code == "check"
    assert "“L”" in err.value.messages[0]


def test_transposed_digits_are_caught():
    with pytest.raises(ValidationError):
        validate_uscc("91110000600073341L")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "empty"),
        ("91110000600037341", "length"),
        ("91110000600037341LL", "length"),
        ("9111000060003734IL", "alphabet"),
        ("911100006000O7341L", "alphabet"),
        ("9111000060S037341L", "alphabet"),
    ],
)
def test_malformed_codes_are_rejected_with_a_reason(code, reason):
    with pytest.raises(ValidationError) as err:
        validate_uscc(code)
    assert err.value.code == reason


def test_alphabet_excludes_ambiguous_letters():
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


def test_check_character_matches_the_standard_formula():
    body = "91110000600037341"
    total = sum(ALPHABET.index(c) * (3**i % 31) for i, c in enumerate(body))
    assert check_character(body) == ALPHABET[(31 - total % 31) % 31]
