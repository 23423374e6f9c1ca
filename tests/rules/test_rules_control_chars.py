"""Control characters: refused in identifiers (naming the field), escaped in free text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules.text import CONTROL_REASON, control_problem, has_control, is_control, visible
from iro_desk.services.errors import InvalidInput
from iro_desk.services.validate import Checker


def _control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf")


controls = st.characters(categories=["Cc", "Cf"])
clean_text = st.text(st.characters(exclude_categories=["Cc", "Cf", "Cs"]), max_size=40)


@st.composite
def text_with_a_control(draw) -> str:
    before, after = draw(clean_text), draw(clean_text)
    return before + draw(controls) + after


@given(text_with_a_control())
def test_an_identifier_with_a_control_character_is_refused_naming_the_field(value: str) -> None:
    check = Checker()
    check.text("upn", value, max_len=1_000, one_line=True)
    with pytest.raises(InvalidInput) as err:
        check.done()
    (problem,) = err.value.problems
    assert problem.field == "upn"
    assert problem.reason.startswith(CONTROL_REASON)
    assert str(problem).startswith(f"upn: {CONTROL_REASON}")


@given(clean_text)
def test_an_identifier_without_one_is_accepted_and_round_trips(value: str) -> None:
    check = Checker()
    kept = check.text("ref", value, max_len=1_000, one_line=True)
    check.done()
    assert kept == value.strip()
    assert control_problem(value) is None


@given(st.text(max_size=60))
def test_shown_free_text_keeps_only_newlines_and_tabs(value: str) -> None:
    shown = visible(value)
    assert all(not _control(ch) or ch in "\n\t\u200d" for ch in shown)
    one_line = visible(value, multiline=False)
    assert all(not _control(ch) or ch == "\u200d" for ch in one_line)


@given(clean_text)
def test_text_without_control_characters_is_shown_unchanged(value: str) -> None:
    assert visible(value) == value
    assert visible(value, multiline=False) == value


def test_escape_codes_are_shown_escaped() -> None:
    assert visible("C\x1b[2J") == "C\\x1b[2J"
    assert visible("said\r\nthis\tand\u202eevil") == "said\nthis\tand\\u202eevil"
    assert visible("a\nb", multiline=False) == "a b"
    assert control_problem("C\x1b[2J") == f"{CONTROL_REASON} (found \\x1b)"


@given(st.text(max_size=60))
def test_has_control_is_exactly_a_control_or_format_character_anywhere(value: str) -> None:
    # The printable fast path must answer as the character-by-character scan does.
    assert has_control(value) == any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value)
    assert has_control(value) == any(is_control(ch) for ch in value)


@pytest.mark.parametrize("value", ["a\u00a0b", "line\u2028break", "\ue000", "plain words"])
def test_unprintable_but_not_control_text_has_no_control(value: str) -> None:
    # No-break space, line separator, private use: not printable, yet not Cc or Cf.
    assert not has_control(value)
    assert visible(value) == value
