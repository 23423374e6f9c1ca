"""What the report's counting shares: its labels and how it runs a query."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from iro_desk.db.models import Episode
from iro_desk.rules.codes import SHORT_BREAK_STATUSES, age_band
from iro_desk.rules.dates import age_on
from iro_desk.services.report.figures import Share

# The legal orders the seed counts: interim care, full care and placement orders.
ORDER_STATUSES: tuple[str, ...] = ("C1", "C2", "E1")
SEX_LABELS: dict[str, str] = {"M": "Male", "F": "Female", "U": "Unknown or indeterminate"}
ETHNIC_GROUPS: tuple[str, ...] = ("White British", "BME", "Not obtained")
UNBORN = "Unborn"
NOT_RECORDED = "Not recorded"
UNKNOWN = "Unknown"
CP_MIN_AGE = 4  # participation in CP conferences is recorded for children aged 4+
SHORT_BREAKS = tuple(sorted(SHORT_BREAK_STATUSES))
# The reviews that run a period of care's clock: reg 33 LARs and reg 48 short-break reviews.
PERIOD_REVIEWS = ("LAR", "SHORTBREAK")


def fetch_rows(session: Session, query: Any) -> Any:
    """Plain row tuples through Core: for big results the ORM's row handling costs more
    than the query itself."""
    return session.connection().execute(query)


def fetch_scalar(session: Session, query: Any) -> Any:
    return session.connection().scalar(query)


def not_short_break() -> Any:
    return Episode.legal_status.not_in(SHORT_BREAKS)


def shares(counts: dict[str, int], total: int, always: Iterable[str]) -> tuple[Share, ...]:
    """Shares in the order of ``always`` (shown even when 0), then any others found."""
    labels = list(always)
    labels += sorted(k for k in counts if k not in labels and counts[k])
    return tuple(Share.of(label, counts.get(label, 0), total) for label in labels)


def age_band_on(dob: date | None, expected: date | None, on: date) -> str:
    if dob is None:
        return UNBORN if expected is not None else UNKNOWN
    age = age_on(dob, on)
    return UNBORN if age < 0 else age_band(age)
