"""The one place IRO Desk reads the time.

Everything that needs "now" or "today" (service contexts, row stamps, the CLI's
default dates, backup names) asks this module, so a test or a demonstration can
pin the clock with ``IRO_DESK_NOW`` (an ISO date or date-time; a date means 09:00
UTC that day). A pinned clock still moves forward with the real elapsed time, so
rows written one after another keep their order, but it never depends on the
day the program happens to run.

Moments are kept in UTC; people type and read them in the unit's local time (the
``timezone`` setting, Europe/London by default), and "today" is the local day, so a call
taken at 23:30 on a summer evening belongs to that evening, not to the next UTC day.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV = "IRO_DESK_NOW"
DEFAULT_ZONE = "Europe/London"

_pinned: tuple[str, datetime, float] | None = None
_zone: ZoneInfo | None = None  # the unit's time zone (set_zone); None: DEFAULT_ZONE


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


def zone_named(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` ("Europe/London"); ValueError names a bad one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone (for example {DEFAULT_ZONE})") from None


def set_zone(name: str) -> None:
    """Use the unit's time zone (from the settings) for local times and days."""
    global _zone
    _zone = zone_named(name)


def zone() -> ZoneInfo:
    global _zone
    if _zone is None:
        _zone = ZoneInfo(DEFAULT_ZONE)
    return _zone


def local(moment: datetime) -> datetime:
    """A stored (UTC) moment in the unit's local time, to show."""
    return moment.astimezone(zone())


def from_local(wall: datetime) -> datetime:
    """A time typed in the unit's local time (no zone), as the UTC moment to store."""
    return wall.replace(tzinfo=zone()).astimezone(UTC)


def day_start(day: date) -> datetime:
    """The UTC moment the local ``day`` begins (its enquiries are those from here on)."""
    return from_local(datetime.combine(day, day_time.min))


def today() -> date:
    """Today's date in the unit's local time, from the same clock."""
    return local(now()).date()
