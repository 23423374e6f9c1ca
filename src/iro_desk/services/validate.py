"""Collect every problem in one pass so the user fixes them all at once."""

from __future__ import annotations

from datetime import date

from iro_desk.rules.identity import text_problem
from iro_desk.rules.plausible import DateRange, date_problem
from iro_desk.rules.text import control_problem
from iro_desk.rules.typed_dates import TypedDateError, parse_typed_date
from iro_desk.services.errors import InvalidInput, Problem


class Checker:
    def __init__(self, where: str | None = None) -> None:
        self.where = where
        self.problems: list[Problem] = []

    def add(self, field: str, reason: str) -> None:
        self.problems.append(Problem(field, reason, self.where))

    def require(self, ok: bool, field: str, reason: str) -> bool:
        if not ok:
            self.add(field, reason)
        return ok

    def text(
        self,
        field: str,
        value: str | None,
        *,
        required: bool = False,
        max_len: int = 10_000,
        one_line: bool = False,
    ) -> str:
        """Stripped text. ``one_line`` (references, names, codes) refuses control characters,
        checked before stripping so none slips in at either end."""
        if one_line and not self.one_line(field, value):
            return (value or "").strip()
        value = (value or "").strip()
        if required and not value:
            self.add(field, "is required")
        elif len(value) > max_len:
            self.add(field, f"is too long ({len(value)} characters, at most {max_len})")
        else:
            problem = text_problem(value)
            if problem:
                self.add(field, problem)
        return value

    def one_line(self, field: str, value: str | None) -> bool:
        """False (and the problem noted) if an identifier holds a control character."""
        problem = control_problem(value or "")
        if problem:
            self.add(field, problem)
        return problem is None

    def choice(self, field: str, value: str | None, allowed: object, *, required: bool = True):
        if value is None or value == "":
            if required:
                self.add(field, "is required")
            return None
        if value not in allowed:  # type: ignore[operator]
            options = ", ".join(list(allowed)[:20])  # type: ignore[call-overload]
            self.add(field, f"{value!r} is not one of {options}")
            return None
        return value

    def not_future(self, field: str, value: date | None, today: date) -> None:
        if value is not None and value > today:
            self.add(field, f"{value.isoformat()} is in the future")

    def plausible(self, field: str, value: date | None, kind: DateRange, today: date) -> bool:
        """Refuse a date outside the range the desk accepts for this kind (rules/plausible)."""
        # One reason per field: a date already refused (say, as in the future) needs no second.
        if value is None or any(p.field == field for p in self.problems):
            return True
        problem = date_problem(kind, value, today)
        if problem:
            self.add(field, problem)
        return problem is None

    def order(self, first_field: str, first: date | None, second_field: str, second: date | None):
        if first is not None and second is not None and second < first:
            # The reason is read by people: the earlier date by its name, not a column's.
            words = ORDER_WORDS.get(first_field, first_field.replace("_", " "))
            self.add(second_field, f"{second.isoformat()} is before {words} ({first})")

    def done(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems)


# How a reason names the earlier of two dates (Checker.order); others lose their "_".
ORDER_WORDS: dict[str, str] = {
    "received_at": "the day the enquiry was received",
    "lado_referred": "the LADO referral",
    "stage_started": "the start of the stage",
    "meeting_date": "the meeting",
    "sent": "the day it was sent",
    "start_date": "the start",
    "since": "the From date",
}


def parse_date(field: str, value: str | date | None, *, required: bool = True) -> date | None:
    """A date as people type it (rules/typed_dates: 31/03/2026, 31/03/26, 31 Mar 2026, ISO)."""
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        if required:
            raise InvalidInput.one(field, "is required")
        return None
    try:
        return parse_typed_date(text)
    except TypedDateError as exc:
        raise InvalidInput.one(field, str(exc)) from None
