"""The 903 readers the DfE's validator implies: lenient whole numbers and the UPN check."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb import upn as stdnum_upn

from iro_desk.rules.ssda903 import (
    UPN_ALPHABET,
    read_whole_number,
    upn_check_letter,
    upn_la_problem,
    upn_shape_problem,
)

DIGITS = st.text("0123456789", min_size=11, max_size=11)
LAST = st.sampled_from(UPN_ALPHABET)


@given(st.integers(0, 10**9 - 1), st.sampled_from(["", ".0", ".00", "."]), st.text(" ", max_size=3))
def test_a_whole_number_reads_however_a_spreadsheet_wrote_it(n: int, tail: str, pad: str):
    assert read_whole_number(f"{pad}{n}{tail}{pad}") == n
    assert read_whole_number(f"+{n:03d}{tail}") == n


@given(st.text(max_size=12))
def test_anything_else_is_not_a_whole_number(text: str):
    stripped = text.strip().removeprefix("+")
    whole, _, frac = stripped.partition(".")
    looks_whole = whole.isascii() and whole.isdigit() and 0 < len(whole) <= 9 and set(frac) <= {"0"}
    assert (read_whole_number(text) is not None) == looks_whole
    if read_whole_number(text) is not None:
        assert read_whole_number(text) == int(whole)


@given(DIGITS, LAST)
def test_a_upn_with_its_own_check_letter_passes_the_shape_check(digits: str, last: str):
    body = digits + last
    upn = upn_check_letter(body) + body
    assert upn_shape_problem(upn) is None
    # The LA part is judged apart, and agrees with python-stdnum's list.
    assert (upn_la_problem(upn) is None) == stdnum_upn.is_valid(upn)


@given(DIGITS, LAST, st.sampled_from(UPN_ALPHABET[:23]))
def test_any_other_check_letter_is_refused(digits: str, last: str, letter: str):
    body = digits + last
    upn = letter + body
    expected = letter == upn_check_letter(body)
    assert (upn_shape_problem(upn) is None) == expected
    if not expected:
        assert upn_shape_problem(upn) == "check letter does not match"


@given(st.text(max_size=16))
def test_a_wrong_shape_is_named(text: str):
    problem = upn_shape_problem(text)
    if len(text) != 13:
        assert problem == f"UPN must be 13 characters, not {len(text)}"
    elif not (text[1:12].isascii() and text[1:12].isdigit()) or text[12] not in UPN_ALPHABET:
        assert problem == "UPN must be a check letter, 11 digits, then a digit or letter"


def test_the_dfe_examples():
    assert upn_shape_problem("B801200005001") is None
    assert upn_shape_problem("A801200005001") == "check letter does not match"
    assert upn_la_problem("E000200005001") == (
        "UPN local authority number 000 is not a known LA code"
    )
