"""The other deadlines: IRO allocation, circulation, conference reports, LADO, compliance
and Issues Resolution. Each is N working days (a local *setting*) from an event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iro_desk.rules.reviews import ReviewKind
from iro_desk.rules.timescales import Timescales
from iro_desk.rules.working_days import WorkingCalendar

__all__ = [
    "Deadline",
    "deadline",
    "compliance_response_due",
    "conference_reports_due",
    "decisions_circulation_due",
    "iro_allocation_due",
    "lado_meeting_due",
    "lado_referral_due",
    "record_circulation_due",
    "resolution_stage_due",
]


@dataclass(frozen=True)
class Deadline:
    """One of these clocks for one child: when it is due, when it was done, and whether
    it is late (done after the due day, or still not done once the due day has passed)."""

    name: str
    due: date
    done: date | None
    late: bool

    @property
    def state(self) -> str:
        if self.done is not None:
            return "late" if self.late else "on time"
        return "overdue" if self.late else "pending"


def deadline(name: str, due: date, done: date | None, as_of: date) -> Deadline:
    """Judge ``done`` against ``due`` as of ``as_of``; done on the due day is on time.

    A date done after ``as_of`` is not known yet as of that day, so it does not count.
    """
    if done is not None and done > as_of:
        done = None
    late = done > due if done is not None else as_of > due
    return Deadline(name, due, done, late)


def iro_allocation_due(period_start: date, cal: WorkingCalendar, ts: Timescales) -> date:
    """An IRO is allocated within N WD of the child becoming looked after."""
    return cal.add_working_days(period_start, ts.iro_allocation_wd)


def decisions_circulation_due(review_date: date, cal: WorkingCalendar, ts: Timescales) -> date:
    """The review's decisions are circulated within N WD of the review."""
    return cal.add_working_days(review_date, ts.decisions_circulation_wd)


def record_circulation_due(review_date: date, cal: WorkingCalendar, ts: Timescales) -> date:
    """The full record of the review is circulated within N WD of the review."""
    return cal.add_working_days(review_date, ts.record_circulation_wd)


def conference_reports_due(
    conference_date: date, kind: ReviewKind | str, cal: WorkingCalendar, ts: Timescales
) -> date:
    """Last day a report for a CP conference counts as on time: N WD *before* it.

    ``kind`` is ICPC, or RCPC / First RCPC (a plain "ICPC"/"RCPC" string also works).
    """
    if kind == ReviewKind.ICPC:
        n = ts.icpc_reports_wd
    elif kind in (ReviewKind.RCPC, ReviewKind.RCPC1):
        n = ts.rcpc_reports_wd
    else:
        raise ValueError(f"conference reports are timed only for ICPC and RCPC, not {kind!r}")
    return cal.subtract_working_days(conference_date, n)


def lado_referral_due(received: date, cal: WorkingCalendar, ts: Timescales) -> date:
    """An allegation against an adult working with children reaches the LADO within N WD."""
    return cal.add_working_days(received, ts.lado_referral_wd)


def lado_meeting_due(received: date, cal: WorkingCalendar, ts: Timescales) -> date:
    """The allegation management meeting is held within N WD of the allegation."""
    return cal.add_working_days(received, ts.lado_meeting_wd)


def compliance_response_due(sent: date, cal: WorkingCalendar, ts: Timescales) -> date:
    """The Team Manager answers a compliance form within N WD of it being sent."""
    return cal.add_working_days(sent, ts.compliance_response_wd)


def resolution_stage_due(stage_started: date, cal: WorkingCalendar, ts: Timescales) -> date:
    """Each Issues Resolution stage is resolved within N WD of it starting."""
    return cal.add_working_days(stage_started, ts.resolution_stage_wd)
