"""How a child took part in a review: the DfE 903 validation rules, and the local rules
for child protection conferences (which have no national code)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iro_desk.rules.codes import CP_PARTICIPATION_METHODS, PARTICIPATION_CODES
from iro_desk.rules.dates import age_on
from iro_desk.rules.reviews import is_short_break

__all__ = [
    "LOCAL_RULE",
    "RuleBreach",
    "allowed_codes",
    "check_cp_participation",
    "check_review",
]

# Rule number for local (non-DfE) rules.
LOCAL_RULE = 0
# PN0 is for children under this age on the review date; PN1-PN7 for everyone else.
_PN0_AGE_LIMIT = 4
_UNDER_4_CODES = ["PN0"]
_OVER_4_CODES = [c for c in PARTICIPATION_CODES if c != "PN0"]


@dataclass(frozen=True)
class RuleBreach:
    rule: int
    field: str
    message: str


def _age_words(age: int) -> str:
    # A negative age means the date is before birth (a pre-birth conference).
    return "was not yet born" if age < 0 else f"was {age}"


def _normalise_code(code: str | None) -> str:
    return (code or "").strip().upper()


def check_review(
    review_date: date | None,
    participation: str | None,
    dob: date | None,
    legal_status: str | None,
) -> list[RuleBreach]:
    """The 903 rules on one review: 166, 167, 440, 441 and 399. Empty list = acceptable."""
    breaches: list[RuleBreach] = []
    if not isinstance(review_date, date):
        breaches.append(
            RuleBreach(166, "review_date", "rule 166: the review date is missing or not a date")
        )
        review_date = None
    code = _normalise_code(participation)
    if not code:
        breaches.append(
            RuleBreach(
                167,
                "participation",
                "rule 167: how the child took part (PN0-PN7) has not been recorded",
            )
        )
    elif code not in PARTICIPATION_CODES:
        breaches.append(
            RuleBreach(
                167,
                "participation",
                f"rule 167: {participation!r} is not a participation code (PN0-PN7)",
            )
        )
    elif dob is not None and review_date is not None:
        age = age_on(dob, review_date)
        when = review_date.isoformat()
        if code == "PN0" and age >= _PN0_AGE_LIMIT:
            breaches.append(
                RuleBreach(
                    440,
                    "participation",
                    f"rule 440: PN0 is for a child under 4, but the child was {age} on {when}",
                )
            )
        elif code != "PN0" and age < _PN0_AGE_LIMIT:
            breaches.append(
                RuleBreach(
                    441,
                    "participation",
                    f"rule 441: {code} is for a child aged 4 or over, but the child "
                    f"{_age_words(age)} on {when}; use PN0",
                )
            )
    if is_short_break(legal_status):
        status = _normalise_code(legal_status)
        breaches.append(
            RuleBreach(
                399,
                "legal_status",
                f"rule 399: a child on short breaks (legal status {status}) does not have "
                "Looked After Reviews; record a short-break review instead",
            )
        )
    return breaches


def allowed_codes(dob: date | None, review_date: date | None) -> list[str]:
    """The participation codes that fit the child's age on the review date."""
    if dob is None or review_date is None:
        return list(PARTICIPATION_CODES)
    if age_on(dob, review_date) < _PN0_AGE_LIMIT:
        return list(_UNDER_4_CODES)
    return list(_OVER_4_CODES)


def check_cp_participation(
    age: int | None, took_part: bool | None, method: str | None
) -> list[RuleBreach]:
    """Local rules for a child's part in a CP conference (recorded for ages 4+ only).

    ``age`` is the age on the conference date; ``None`` (not known) skips the age rules.
    """
    breaches: list[RuleBreach] = []
    method = (method or "").strip() or None
    if age is None:
        return breaches
    if age < _PN0_AGE_LIMIT:
        if took_part is not None:
            breaches.append(
                RuleBreach(
                    LOCAL_RULE,
                    "took_part",
                    "participation is recorded only for children aged 4 or over; "
                    f"this child {_age_words(age)}",
                )
            )
        if method is not None:
            breaches.append(
                RuleBreach(
                    LOCAL_RULE,
                    "method",
                    "a way of taking part is recorded only for children aged 4 or over",
                )
            )
        return breaches
    if took_part is None:
        breaches.append(
            RuleBreach(
                LOCAL_RULE,
                "took_part",
                f"record whether the child (aged {age}) took part in the conference",
            )
        )
    elif took_part and method is None:
        breaches.append(
            RuleBreach(LOCAL_RULE, "method", "record how the child took part in the conference")
        )
    elif not took_part and method is not None:
        breaches.append(
            RuleBreach(
                LOCAL_RULE,
                "method",
                "a way of taking part is recorded, but the child did not take part",
            )
        )
    if method is not None and method not in CP_PARTICIPATION_METHODS:
        choices = ", ".join(CP_PARTICIPATION_METHODS)
        breaches.append(
            RuleBreach(
                LOCAL_RULE,
                "method",
                f"{method!r} is not a way of taking part (choose from: {choices})",
            )
        )
    return breaches
