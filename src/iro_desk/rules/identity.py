"""Identity checks: NHS number, UPN, postcode and free text (docs/domain.md, "Identity checks").

The ``*_problem`` functions return None when the value is fine, otherwise a short reason
that can be shown next to the field.
"""

from __future__ import annotations

import re

__all__ = [
    "is_test_nhs_number",
    "nhs_number_check_digit",
    "nhs_number_problem",
    "normalise_nhs_number",
    "normalise_postcode",
    "normalise_upn",
    "text_problem",
    "upn_problem",
]

_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
# Never issued; reserved for test data.
_NHS_TEST_LOW = 9_990_000_000
_NHS_TEST_HIGH = 9_999_999_999


def _strip_spaces(value: str) -> str:
    return "".join(value.split())


def nhs_number_check_digit(first_nine: str) -> int | None:
    """The mod 11 check digit for nine digits, or None when no check digit is possible."""
    total = sum(int(c) * w for c, w in zip(first_nine, _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_problem(value: str) -> str | None:
    """None for a valid NHS number (spaces allowed), otherwise the reason it is not."""
    digits = _strip_spaces(value)
    if not digits:
        return "NHS number is blank"
    if not (digits.isascii() and digits.isdigit()):
        return "NHS number must contain only digits"
    if len(digits) != 10:
        return f"NHS number must be 10 digits, not {len(digits)}"
    check = nhs_number_check_digit(digits[:9])
    if check is None:
        return "not a possible NHS number (no check digit fits the first nine digits)"
    if check != int(digits[9]):
        return "check digit does not match"
    return None


def normalise_nhs_number(value: str) -> str:
    """The 10 digits without spaces; ``ValueError`` with the reason if it is not valid."""
    problem = nhs_number_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return _strip_spaces(value)


def is_test_nhs_number(value: str) -> bool:
    """True for the never-issued range 999 000 0000 to 999 999 9999 used in test data."""
    digits = _strip_spaces(value)
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    return _NHS_TEST_LOW <= int(digits) <= _NHS_TEST_HIGH


def normalise_upn(value: str) -> str:
    """Upper case without spaces (no validation)."""
    return _strip_spaces(value).upper()


def upn_problem(value: str) -> str | None:
    """None for a valid Unique Pupil Number, otherwise the reason it is not."""
    from stdnum import exceptions
    from stdnum.gb import upn

    compact = normalise_upn(value)
    if not compact:
        return "UPN is blank"
    try:
        upn.validate(compact)
    except exceptions.InvalidLength:
        return f"UPN must be 13 characters, not {len(compact)}"
    except exceptions.InvalidFormat:
        return "UPN must be a check letter, 11 digits, then a digit or letter"
    except exceptions.InvalidComponent:
        return f"UPN local authority number {compact[1:4]} is not a known LA code"
    except exceptions.InvalidChecksum:
        return "check letter does not match"
    except exceptions.ValidationError:
        return "not a valid UPN"
    return None


# Outward code (A9, A99, A9A, AA9, AA99, AA9A) and inward code (9AA); GIR 0AA is special.
_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) [0-9][A-Z]{2}$")


def normalise_postcode(value: str) -> tuple[str, str | None]:
    """Upper case with one space before the inward code, plus a warning for odd shapes.

    Never raises: an odd postcode is kept (tidied) and warned about, not refused.
    """
    squeezed = _strip_spaces(value).upper()
    if not squeezed:
        return "", "postcode is blank"
    if 5 <= len(squeezed) <= 7:
        candidate = f"{squeezed[:-3]} {squeezed[-3:]}"
        if _POSTCODE.match(candidate):
            return candidate, None
    tidied = " ".join(value.split()).upper()
    return tidied, f"{tidied!r} does not look like a UK postcode"


def text_problem(value: str) -> str | None:
    """None if the text can be stored; NUL characters are refused (PostgreSQL cannot)."""
    if "\x00" in value:
        return "text contains a NUL character, which cannot be stored"
    return None
