"""A CLI error names what the user typed: the option (``--backup``), the argument as the
usage line shows it (``IRO_NAME``), or the field in words, never a service's internal
field name (``backup_iro``, ``mc_dob``)."""

from __future__ import annotations

import re

import pytest

from tests.builders import cli_unit

# (arguments, the error lines expected, in order)
CASES: list[tuple[list[str], list[str]]] = [
    (
        ["duty", "assign", "2026-12-01", "Nobody", "--backup", "Nobody Else"],
        [
            "error: IRO_NAME: no IRO called 'Nobody' (see `iro-desk iro list`)",
            "error: --backup: no IRO called 'Nobody Else' (see `iro-desk iro list`)",
        ],
    ),
    (
        ["duty", "assign", "2026-12-01", "Ada Example", "--backup", "Ada Example"],
        ["error: --backup: Ada Example cannot be both duty and back-up on 2026-12-01"],
    ),
    (
        ["child", "903", "C1", "--mother", "2", "--mc-dob", "2001-01-01"],
        [
            "error: --mother: '2' is not one of 1, 0",
            "error: --mc-dob: 2001-01-01 is before the young woman's own DOB 2015-03-01",
        ],
    ),
    (["caseload", "--iro", "Nobody"], ["error: --iro: no IRO called 'Nobody'"]),
    (["retention", "release", "C1"], ["error: legal hold: C1 is not on legal hold"]),
    (["child", "edit", "NOPE", "--first-name", "A"], ["error: REF: no child with reference"]),
]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=lambda v: "-".join(v[:2]))
def test_an_error_names_the_option_or_argument_typed(run, args, expected) -> None:
    cli_unit(run)
    code, _, err = run(*args)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == len(expected), err
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), err


def test_no_error_line_shows_an_internal_field_name(run) -> None:
    """Many bad inputs at once: every problem's field is an option, an argument or words."""
    cli_unit(run)
    attempts = [
        ["child", "add", "C9", "--dob", "2040-01-01", "--nhs-number", "9434765918", "--upn", "X"],
        ["child", "add", "C9", "--expected", "2020-01-01"],
        ["review", "add", "C1", "--date", "2099-01-01", "--participation", "PN9"],
        [
            "visit",
            "add",
            "C1",
            "--date",
            "2099-01-01",
            "--location",
            "x",
            "--purpose",
            "x",
            "--seen-alone",
        ],
        ["duty", "log", "--category", "X", "--summary", "", "--follow-up", "2020-01-01"],
        ["duty", "assign", "2026-12-01", "Nobody", "--backup", "Nobody Else"],
        ["child", "903", "C1", "--mother", "2", "--upn-reason", "UN9"],
        ["export", "903", "out", "--year", "1800"],
    ]
    fields = []
    for args in attempts:
        code, _, err = run(*args)
        assert code == 2, (args, err)
        fields += [line.split(": ", 2)[1] for line in err.splitlines() if line.startswith("error")]
    assert fields
    for field in fields:
        assert re.fullmatch(r"--[a-z-]+|[A-Z_]+|[a-z ]+", field), field
        assert "_" not in field or field.isupper(), field
