"""Other deadlines. Expected dates worked out by hand from the England calendar."""

from __future__ import annotations

from datetime import date

import pytest

from iro_desk.rules.clocks import (
    compliance_response_due,
    conference_reports_due,
    decisions_circulation_due,
    iro_allocation_due,
    lado_meeting_due,
    lado_referral_due,
    record_circulation_due,
    resolution_stage_due,
)
from iro_desk.rules.reviews import ReviewKind
from iro_desk.rules.timescales import Timescales
from iro_desk.rules.working_days import default_calendar

CAL = default_calendar()
TS = Timescales()
D = date


def test_iro_allocation_over_christmas() -> None:
    # Mon 22 Dec 2025 + 5 WD: 23, 24 (2), [25, 26, weekend], 29, 30, 31 (5) -> Wed 31 Dec.
    assert iro_allocation_due(D(2025, 12, 22), CAL, TS) == D(2025, 12, 31)


def test_circulation_over_easter() -> None:
    # Mon 30 Mar 2026 + 5 WD: 31, 1, 2 (3), [3 Apr, weekend, 6 Apr], 7, 8 (5) -> Wed 8 Apr.
    assert decisions_circulation_due(D(2026, 3, 30), CAL, TS) == D(2026, 4, 8)
    # + 20 WD: ... 9, 10 (7), 13-17 (12), 20-24 (17), 27, 28, 29 (20) -> Wed 29 Apr.
    assert record_circulation_due(D(2026, 3, 30), CAL, TS) == D(2026, 4, 29)


def test_conference_reports_due_before_the_conference() -> None:
    # ICPC Tue 7 Apr 2026; 2 WD before skips Easter Monday and Good Friday: Thu 2 (1),
    # Wed 1 Apr (2).
    assert conference_reports_due(D(2026, 4, 7), ReviewKind.ICPC, CAL, TS) == D(2026, 4, 1)
    # RCPC Mon 5 Jan 2026: Fri 2 Jan (1), [1 Jan holiday], Wed 31 Dec 2025 (2).
    assert conference_reports_due(D(2026, 1, 5), ReviewKind.RCPC, CAL, TS) == D(2025, 12, 31)
    assert conference_reports_due(D(2026, 1, 5), ReviewKind.RCPC1, CAL, TS) == D(2025, 12, 31)
    # Plain meeting-kind strings work too; the per-type settings are honoured.
    local = Timescales(icpc_reports_wd=3, rcpc_reports_wd=1)
    assert conference_reports_due(D(2026, 4, 7), "ICPC", CAL, local) == D(2026, 3, 31)
    assert conference_reports_due(D(2026, 1, 5), "RCPC", CAL, local) == D(2026, 1, 2)


def test_conference_reports_only_for_cp_conferences() -> None:
    with pytest.raises(ValueError, match="ICPC and RCPC"):
        conference_reports_due(D(2026, 1, 5), ReviewKind.LAR, CAL, TS)


def test_lado_clocks_over_easter() -> None:
    # Thu 2 Apr 2026: +1 WD -> Tue 7 Apr; +5 WD: 7, 8, 9, 10, 13 -> Mon 13 Apr.
    assert lado_referral_due(D(2026, 4, 2), CAL, TS) == D(2026, 4, 7)
    assert lado_meeting_due(D(2026, 4, 2), CAL, TS) == D(2026, 4, 13)


def test_compliance_response_over_may_day() -> None:
    # Fri 1 May 2026 + 10 WD: [Mon 4 May holiday], 5-8 (4), 11-15 (9), 18 (10) -> Mon 18 May.
    assert compliance_response_due(D(2026, 5, 1), CAL, TS) == D(2026, 5, 18)


def test_resolution_stage_over_spring_bank_holiday() -> None:
    # Wed 20 May 2026 + 20 WD: 21, 22 (2), [25 May holiday], 26-29 (6), 1-5 Jun (11),
    # 8-12 (16), 15-18 (20) -> Thu 18 Jun.
    assert resolution_stage_due(D(2026, 5, 20), CAL, TS) == D(2026, 6, 18)
    assert resolution_stage_due(D(2026, 5, 20), CAL, Timescales(resolution_stage_wd=2)) == D(
        2026, 5, 22
    )
