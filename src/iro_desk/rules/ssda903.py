"""Reading 903 values as the DfE's validator does: lenient numbers and the UPN check.

A local authority's extract is written by many systems: a spreadsheet saves MOTHER as
``1.0``; a UPN can be well formed yet carry a local-authority number that the code list
does not know. These are read (or judged) here, with no I/O (docs/domain.md,
"SSDA903 files").
"""

from __future__ import annotations

import re

__all__ = [
    "UPN_ALPHABET",
    "read_whole_number",
    "upn_check_letter",
    "upn_la_problem",
    "upn_shape_problem",
]

# A whole number written as a spreadsheet may save it: " 1 ", "1.0", "+1", "01", "1.00".
_WHOLE = re.compile(r"^[+]?([0-9]{1,9})(?:\.0*)?$")

# The DfE's UPN alphabet: A-Z without I, O and S, then the digits (a check letter is one
# of the first 23; a temporary UPN ends with a letter).
UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ0123456789"


def read_whole_number(text: str) -> int | None:
    """The whole number ``text`` holds, read leniently; None if it holds anything else."""
    match = _WHOLE.match(text.strip())
    return int(match.group(1)) if match else None


def upn_check_letter(last_twelve: str) -> str:
    """The check letter for characters 2-13: sum of position x value (from 2), mod 23."""
    total = sum(i * UPN_ALPHABET.index(c) for i, c in enumerate(last_twelve, 2))
    return UPN_ALPHABET[total % 23]


def upn_shape_problem(upn: str) -> str | None:
    """The DfE's format and check-letter test on a compact UPN; None when it passes.

    Thirteen characters: a check letter, eleven digits, then a digit or a letter (a
    temporary UPN). The local-authority number is judged separately (upn_la_problem).
    """
    if len(upn) != 13:
        return f"UPN must be 13 characters, not {len(upn)}"
    if not (upn[1:12].isascii() and upn[1:12].isdigit()) or upn[12] not in UPN_ALPHABET:
        return "UPN must be a check letter, 11 digits, then a digit or letter"
    if upn[0] != upn_check_letter(upn[1:]):
        return "check letter does not match"
    return None


def upn_la_problem(upn: str) -> str | None:
    """For a UPN that passed upn_shape_problem: is its LA number (digits 2-4) known?"""
    from stdnum import exceptions
    from stdnum.gb import upn as stdnum_upn

    try:
        stdnum_upn.validate(upn)
    except exceptions.InvalidComponent:
        return f"UPN local authority number {upn[1:4]} is not a known LA code"
    except exceptions.ValidationError:  # shape and check letter were already judged
        return None
    return None
