from __future__ import annotations

import dataclasses

import pytest

from iro_desk.rules import timescales
from iro_desk.rules.timescales import Timescales


def test_defaults_match_domain() -> None:
    ts = Timescales()
    assert dataclasses.asdict(ts) == {
        "iro_allocation_wd": 5,
        "decisions_circulation_wd": 5,
        "record_circulation_wd": 20,
        "icpc_reports_wd": 2,
        "rcpc_reports_wd": 2,
        "secure_first_months": 1,
        "secure_later_months": 3,
        "short_break_series_months": 12,
        "lado_referral_wd": 1,
        "lado_meeting_wd": 5,
        "compliance_response_wd": 10,
        "resolution_stage_wd": 20,
        "cp_retention_years": 35,
    }


def test_statutory_constants() -> None:
    assert timescales.FIRST_LAR_WD == 20
    assert timescales.SECOND_LAR_MONTHS == 3
    assert timescales.LATER_LAR_MONTHS == 6
    assert timescales.SHORT_BREAK_FIRST_MONTHS == 3
    assert timescales.SHORT_BREAK_LATER_MONTHS == 6
    assert timescales.ICPC_WD == 15
    assert timescales.FIRST_RCPC_MONTHS == 3
    assert timescales.LATER_RCPC_MONTHS == 6
    assert (timescales.CASELOAD_LOW, timescales.CASELOAD_HIGH) == (50, 70)


def test_from_mapping_overrides_and_keeps_defaults() -> None:
    ts = Timescales.from_mapping({"icpc_reports_wd": 3, "resolution_stage_wd": 15})
    assert ts.icpc_reports_wd == 3
    assert ts.resolution_stage_wd == 15
    assert ts.rcpc_reports_wd == 2
    assert Timescales.from_mapping({}) == Timescales()


def test_timescales_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Timescales().icpc_reports_wd = 4  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"icpc_report_wd": 2}, ["icpc_report_wd", "unknown"]),
        ({"lado_meeting_wd": 0}, ["lado_meeting_wd", "positive"]),
        ({"lado_meeting_wd": -3}, ["lado_meeting_wd", "positive"]),
        ({"lado_meeting_wd": "5"}, ["lado_meeting_wd", "whole number"]),
        ({"lado_meeting_wd": 2.5}, ["lado_meeting_wd", "whole number"]),
        ({"lado_meeting_wd": True}, ["lado_meeting_wd", "whole number"]),
        ({"lado_meeting_wd": None}, ["lado_meeting_wd", "whole number"]),
    ],
)
def test_from_mapping_rejects_bad_settings(data: dict[str, object], words: list[str]) -> None:
    with pytest.raises(ValueError) as info:
        Timescales.from_mapping(data)
    for word in words:
        assert word in str(info.value)
