"""Identifiers refuse control characters on entry (CLI and TUI share these services) and
in SSDA903 files, where the row is refused as file:line: field: reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from iro_desk.rules.text import CONTROL_REASON
from iro_desk.services.children import add_child
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.iros import add_iro
from iro_desk.services.ssda903 import import_903
from tests.builders import write_903


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("ref", {"ref": "C\x1b[2J"}),
        ("first_name", {"ref": "C1", "first_name": "Amy\n"}),
        ("upn", {"ref": "C1", "upn": "A80120000500\x1b1"}),
        ("nhs_number", {"ref": "C1", "nhs_number": "943 476\x1c5919"}),
    ],
)
def test_child_identifiers_refuse_control_characters(desk: Desk, field, values) -> None:
    with desk.write() as s, pytest.raises(InvalidInput) as err:
        add_child(s, desk.ctx, dob=date(2015, 1, 1), **values)
    assert [p.field for p in err.value.problems] == [field]
    assert err.value.problems[0].reason.startswith(CONTROL_REASON)


def test_iro_name_and_username_refuse_control_characters(desk: Desk) -> None:
    with desk.write() as s, pytest.raises(InvalidInput) as err:
        add_iro(s, desk.ctx, "Ada\x1b]0;pwned\x07", username="ada\u202e")
    assert [p.field for p in err.value.problems] == ["name", "username"]


def test_a_903_row_with_a_control_character_is_skipped_or_refused_if_strict(
    desk: Desk, tmp_path: Path
) -> None:
    directory = write_903(
        tmp_path / "esc",
        header="CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC\x1b[2J,M,01/01/2014,WBRI,,,\n",
        episodes=(
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
            "HOME_POST,PL_POST,URN\n"
        ),
        reviews="CHILD,DOB,REVIEW,REVIEW_CODE\n",
    )
    reason = f"header.csv:2: CHILD: {CONTROL_REASON} (found \\x1b)"
    with desk.write() as s, pytest.raises(InvalidInput) as err:
        import_903(s, desk.ctx, directory, strict=True)
    assert [str(p) for p in err.value.problems] == [reason]
    # Without --strict the row is skipped (it cannot be stored) and said so; nothing else.
    with desk.write() as s:
        result = import_903(s, desk.ctx, directory)
    assert [(str(n.problem()), n.kind) for n in result.findings] == [(reason, "skipped")]
    assert result.children_added == 0
