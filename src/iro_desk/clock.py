"""The one place IRO Desk reads the time.

Everything that needs "now" or "today" (service contexts, row stamps, the CLI's
default dates, backup names) asks this module, so a test or a demonstration can
pin the clock with ``IRO_DESK_NOW`` (an ISO date or date-time; a date means 09:00
UTC that day). A pinned clock still moves forward with the real elapsed time, so
rows written one after another keep their order, but it never depends on the
day the program happens to run.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta

ENV = "IRO_DESK_NOW"

_pinned: tuple[str, datetime, float] | None = None


class BadClock(ValueError):
    """``IRO_DESK_NOW`` is set to something that is not a date or date-time."""


def _parse(raw: str) -> datetime:
    try:
        if len(raw.strip()) == 10:
            moment = datetime.combine(date.fromisoformat(raw.strip()), datetime.min.time())
            moment = moment.replace(hour=9)
        else:
            moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise BadClock(f"{ENV}: {raw!r} is not an ISO date or date-time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def now() -> datetime:
    """The current moment, timezone-aware UTC (pinned by ``IRO_DESK_NOW`` when set)."""
    global _pinned
    raw = os.environ.get(ENV)
    if not raw:
        return datetime.now(UTC)
    if _pinned is None or _pinned[0] != raw:
        _pinned = (raw, _parse(raw), time.monotonic())
    _raw, start, started = _pinned
    return start + timedelta(seconds=time.monotonic() - started)


def today() -> date:
    """Today's date in UTC, from the same clock."""
    return now().date()
