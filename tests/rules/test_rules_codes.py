from __future__ import annotations

import pytest

from iro_desk.rules import codes


def test_participation_codes() -> None:
    assert list(codes.PARTICIPATION_CODES) == [f"PN{i}" for i in range(8)]
    assert codes.PARTICIPATION_CODES["PN0"] == "Child aged under 4 at the time of the review"
    assert sorted(codes.PARTICIPATED) == ["PN1", "PN2", "PN3", "PN5", "PN6"]
    assert sorted(codes.ATTENDED) == ["PN1", "PN2", "PN3", "PN4"]


def test_legal_statuses() -> None:
    assert list(codes.LEGAL_STATUSES) == [
        "C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3",
    ]  # fmt: skip
    assert sorted(codes.SHORT_BREAK_STATUSES) == ["V3", "V4"]


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("U1", "Fostered"),
        ("U6", "Fostered"),
        ("A3", "Placed for adoption"),
        ("A6", "Placed for adoption"),
        ("P1", "Placed with parents"),
        ("K1", "Residential"),
        ("S1", "Residential"),
        ("K3", "Supported/independent"),
        ("H5", "Supported/independent"),
        ("P2", "Supported/independent"),
        ("R5", "Other"),
        ("T0", "Other"),
        ("T4", "Other"),
        ("Z1", "Other"),
        ("Z14", "Other"),
        (" u3 ", "Fostered"),
        ("XX", "Other"),
    ],
)
def test_placement_group(code: str, group: str) -> None:
    assert codes.placement_group(code) == group


def test_placement_groups_cover_domain_list() -> None:
    assert len(codes.PLACEMENT_GROUPS) == 6 + 4 + 1 + 4 + 3 + 14
    assert set(codes.PLACEMENT_GROUPS.values()) == set(codes.PLACEMENT_GROUP_NAMES)
    assert sorted(codes.SECURE_PLACEMENTS) == ["K1"]


def test_cp_and_enquiry_lists() -> None:
    assert list(codes.CP_CATEGORIES) == ["NEG", "PHY", "SAB", "EMO", "MUL"]
    assert list(codes.CP_PARTICIPATION_METHODS) == [
        "attended", "consultation_form", "direct_work", "drawings", "written", "advocate",
    ]  # fmt: skip
    assert list(codes.ENQUIRY_CATEGORIES) == [
        "10A", "11A", "12A", "13A", "24A", "22A", "15A", "3A", "3B", "3C", "16A", "17A",
        "18B", "18C", "19B", "19C", "LADO", "PLACEMENT", "ADVICE", "20",
    ]  # fmt: skip
    assert all(label for label in codes.ENQUIRY_CATEGORIES.values())
    assert set(codes.MISSING_CODES) == {"M", "A"}


def test_reason_place_change() -> None:
    assert list(codes.REASON_PLACE_CHANGE) == [
        "CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ",
        "PLACE", "CUSTOD", "OTHER",
    ]  # fmt: skip


def test_ethnic_groups() -> None:
    assert len(codes.ETHNIC_CODES) == 20
    assert codes.ethnic_group("WBRI") == "White British"
    assert codes.ethnic_group("REFU") == "Not obtained"
    assert codes.ethnic_group("NOBT") == "Not obtained"
    for code in codes.ETHNIC_CODES:
        if code not in {"WBRI", "REFU", "NOBT"}:
            assert codes.ethnic_group(code) == "BME", code
    assert codes.ethnic_group("WIRI") == "BME"  # White Irish is not White British


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", "M"), ("2", "F"), (1, "M"), (2, "F"), ("M", "M"), ("f", "F"), (" U ", "U")],
)
def test_normalise_sex(value: str | int, expected: str) -> None:
    assert codes.normalise_sex(value) == expected


@pytest.mark.parametrize("value", ["", "0", "3", "9", "X", "male"])
def test_normalise_sex_rejects(value: str) -> None:
    with pytest.raises(ValueError):
        codes.normalise_sex(value)


def test_local_lists() -> None:
    assert codes.MEETING_KINDS == ("LAR", "SHORTBREAK", "ICPC", "RCPC", "SECURE", "OTHER")
    assert set(codes.MEETING_KIND_LABELS) == set(codes.MEETING_KINDS)
    assert codes.VISIT_PURPOSES == ("before_review", "between_reviews", "other")
    assert codes.VISIT_LOCATIONS == (
        "placement", "school", "out_of_borough", "office", "home", "other",
    )  # fmt: skip
    assert len(codes.COMPLIANCE_ITEMS) == 9
    assert all(q.endswith("?") for q in codes.COMPLIANCE_ITEMS.values())
    assert codes.COMPLIANCE_ANSWERS == ("yes", "no", "na")
    assert list(codes.RESOLUTION_STAGES) == [0, 1, 2, 3, 4]
    assert codes.RESOLUTION_STAGES[0] == "Informal (IRO case note)"
    assert codes.RESOLUTION_STAGES[4] == "Stage 4 Director of Children's Services"


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "Under 5"), (4, "Under 5"), (5, "5-9"), (9, "5-9"), (10, "10-15"), (15, "10-15"),
     (16, "16+"), (17, "16+"), (21, "16+")],
)  # fmt: skip
def test_age_band(age: int, band: str) -> None:
    assert codes.age_band(age) == band
    assert band in codes.AGE_BANDS


def test_age_band_rejects_negative_ages() -> None:
    with pytest.raises(ValueError):
        codes.age_band(-1)
