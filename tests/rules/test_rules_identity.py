"""NHS numbers, UPNs, postcodes and text. Check digits worked by hand in the comments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules.identity import (
    is_test_nhs_number,
    nhs_number_check_digit,
    nhs_number_problem,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    text_problem,
    upn_problem,
)

# -- NHS number ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        # 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 mod 11 = 2; 11-2 = 9.
        "9434765919",
        "943 476 5919",
        " 943 476 5919 ",
        # 9*10+9*9+9*8 = 243, +1*2 = 245; 245 mod 11 = 3; 11-3 = 8.
        "9990000018",
        # 243 + 5*2 = 253 = 23*11; 11-0 = 11 -> check digit 0.
        "9990000050",
    ],
)
def test_valid_nhs_numbers(value: str) -> None:
    assert nhs_number_problem(value) is None


def test_invalid_nhs_numbers() -> None:
    assert nhs_number_problem("9434765910") == "check digit does not match"
    assert nhs_number_problem("9990000019") == "check digit does not match"
    # 999 000 000: 243 mod 11 = 1; 11-1 = 10 -> no check digit can be valid.
    for last in "0123456789":
        problem = nhs_number_problem("999000000" + last)
        assert problem is not None
        assert "no check digit" in problem
    assert nhs_number_problem("") == "NHS number is blank"
    assert nhs_number_problem("943476591") == "NHS number must be 10 digits, not 9"
    assert nhs_number_problem("94347659190") == "NHS number must be 10 digits, not 11"
    assert nhs_number_problem("94347659l9") == "NHS number must contain only digits"
    assert nhs_number_problem("943-476-5919") == "NHS number must contain only digits"
    assert nhs_number_problem("９４３４７６５９１９") == "NHS number must contain only digits"


def test_check_digit() -> None:
    assert nhs_number_check_digit("943476591") == 9
    assert nhs_number_check_digit("999000005") == 0
    assert nhs_number_check_digit("999000000") is None


def test_normalise_nhs_number() -> None:
    assert normalise_nhs_number(" 943 476 5919") == "9434765919"
    with pytest.raises(ValueError, match="check digit"):
        normalise_nhs_number("943 476 5910")


def test_is_test_nhs_number() -> None:
    assert is_test_nhs_number("9990000018")
    assert is_test_nhs_number("999 000 0000")
    assert is_test_nhs_number("999 999 9999")
    assert not is_test_nhs_number("9989999999")
    assert not is_test_nhs_number("9434765919")
    assert not is_test_nhs_number("999000001")
    assert not is_test_nhs_number("99900000x8")


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_generated_nhs_number_validates_and_any_single_digit_change_fails(
    first_nine: str, position: int, delta: int
) -> None:
    check = nhs_number_check_digit(first_nine)
    if check is None:  # the 10 -> invalid case: no valid number starts with these digits
        assert all(nhs_number_problem(first_nine + str(d)) for d in range(10))
        return
    number = first_nine + str(check)
    assert nhs_number_problem(number) is None
    changed = str((int(number[position]) + delta) % 10)
    mutated = number[:position] + changed + number[position + 1 :]
    assert mutated != number
    assert nhs_number_problem(mutated) is not None


# -- UPN ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        # 8*2+0*3+1*4+2*5+0+0+0+0+5*10+0+0+1*13 = 93; 93 mod 23 = 1 -> "B".
        "B801200005001",
        "b801 2000 05001",
        # LA 393 (South Tyneside): 3*2+9*3+3*4+1*5+2*6+3*7+4*8+2*9+6*10+0+0+1*13 = 206;
        # 206 mod 23 = 22 -> "Z" (A-Z without I, O, S).
        "Z393123426001",
    ],
)
def test_valid_upns(value: str) -> None:
    assert upn_problem(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("A801200005001", "check letter does not match"),
        ("Y393123426001", "check letter does not match"),
        ("X80120000A001", "UPN must be a check letter, 11 digits, then a digit or letter"),
        ("E000200005001", "UPN local authority number 000 is not a known LA code"),
        ("B80120000500", "UPN must be 13 characters, not 12"),
        ("", "UPN is blank"),
    ],
)
def test_invalid_upns(value: str, reason: str) -> None:
    assert upn_problem(value) == reason


def test_normalise_upn() -> None:
    assert normalise_upn(" b801 2000 05001 ") == "B801200005001"


# -- postcodes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("NE33 2RL", "NE33 2RL"),
        ("ne33 2rl", "NE33 2RL"),
        ("NE332RL", "NE33 2RL"),
        ("  ne33   2rl ", "NE33 2RL"),
        ("m11ae", "M1 1AE"),
        ("EC1A1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_postcodes_normalised_without_warning(value: str, expected: str) -> None:
    assert normalise_postcode(value) == (expected, None)


@pytest.mark.parametrize(
    ("value", "kept"),
    [("NE33", "NE33"), ("ne33 2", "NE33 2"), ("hello  world", "HELLO WORLD"), ("", "")],
)
def test_odd_postcodes_warn_but_are_kept(value: str, kept: str) -> None:
    normalised, warning = normalise_postcode(value)
    assert normalised == kept
    assert warning is not None


@given(st.text(max_size=20))
def test_normalise_postcode_never_raises(value: str) -> None:
    normalised, warning = normalise_postcode(value)
    assert normalised == normalised.strip()
    assert warning is None or isinstance(warning, str)


# -- text ---------------------------------------------------------------------------------


def test_text_problem() -> None:
    assert text_problem("Visited at school; child well.") is None
    assert text_problem("") is None
    assert text_problem("bad\x00byte") is not None
