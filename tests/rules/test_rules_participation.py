"""DfE 903 review rules 166, 167, 440, 441, 399 and the local CP conference rules."""

from __future__ import annotations

from datetime import date

import pytest

from iro_desk.rules.participation import (
    RuleBreach,
    allowed_codes,
    check_cp_participation,
    check_review,
)

D = date
REVIEW = D(2026, 3, 2)
SIX = D(2019, 6, 1)  # 6 on the review date
THREE = D(2023, 1, 1)  # 3 on the review date


def rules(breaches: list[RuleBreach]) -> list[int]:
    return [b.rule for b in breaches]


def test_a_good_review_passes() -> None:
    assert check_review(REVIEW, "PN1", SIX, "C2") == []
    assert check_review(REVIEW, "PN0", THREE, "C2") == []
    assert check_review(REVIEW, "pn6", SIX, None) == []


def test_rule_166_review_date_blank() -> None:
    breaches = check_review(None, "PN1", SIX, "C2")
    assert rules(breaches) == [166]
    assert breaches[0].field == "review_date"
    assert "rule 166" in breaches[0].message


@pytest.mark.parametrize("code", [None, "", "  "])
def test_rule_167_participation_blank(code: str | None) -> None:
    breaches = check_review(REVIEW, code, SIX, "C2")
    assert rules(breaches) == [167]
    assert breaches[0].field == "participation"
    assert breaches[0].message.startswith("rule 167")


@pytest.mark.parametrize("code", ["PN8", "PN", "P1", "XX"])
def test_rule_167_participation_invalid(code: str) -> None:
    breaches = check_review(REVIEW, code, SIX, "C2")
    assert rules(breaches) == [167]
    assert code in breaches[0].message


def test_rule_440_pn0_for_a_child_of_4_or_over() -> None:
    breaches = check_review(REVIEW, "PN0", SIX, "C2")
    assert breaches == [
        RuleBreach(
            440,
            "participation",
            "rule 440: PN0 is for a child under 4, but the child was 6 on 2026-03-02",
        )
    ]


def test_rule_440_boundary_on_the_4th_birthday() -> None:
    assert rules(check_review(REVIEW, "PN0", D(2022, 3, 2), "C2")) == [440]  # 4 that day
    assert check_review(REVIEW, "PN0", D(2022, 3, 3), "C2") == []  # 4 tomorrow


@pytest.mark.parametrize("code", ["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"])
def test_rule_441_pn1_to_pn7_for_a_child_under_4(code: str) -> None:
    breaches = check_review(REVIEW, code, THREE, "C2")
    assert rules(breaches) == [441]
    assert breaches[0].message == (
        f"rule 441: {code} is for a child aged 4 or over, but the child was 3 on 2026-03-02; "
        "use PN0"
    )
    assert check_review(REVIEW, code, D(2022, 3, 2), "C2") == []  # 4th birthday


@pytest.mark.parametrize("status", ["V3", "V4"])
def test_rule_399_short_breaks(status: str) -> None:
    breaches = check_review(REVIEW, "PN1", SIX, status)
    assert rules(breaches) == [399]
    assert breaches[0].field == "legal_status"
    assert status in breaches[0].message


def test_age_rules_skipped_when_dob_or_date_unknown() -> None:
    assert check_review(REVIEW, "PN0", None, "C2") == []
    assert rules(check_review(None, "PN0", SIX, "C2")) == [166]


def test_several_rules_at_once() -> None:
    assert rules(check_review(None, None, SIX, "V4")) == [166, 167, 399]
    assert rules(check_review(REVIEW, "PN0", SIX, "V3")) == [440, 399]


def test_allowed_codes() -> None:
    assert allowed_codes(THREE, REVIEW) == ["PN0"]
    assert allowed_codes(SIX, REVIEW) == ["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"]
    assert allowed_codes(None, REVIEW) == [f"PN{i}" for i in range(8)]
    assert allowed_codes(SIX, None) == [f"PN{i}" for i in range(8)]


# -- CP conferences (local rules, rule number 0) ------------------------------------------


def test_cp_participation_valid() -> None:
    assert check_cp_participation(6, True, "consultation_form") == []
    assert check_cp_participation(6, False, None) == []
    assert check_cp_participation(3, None, None) == []
    assert check_cp_participation(None, None, None) == []


def test_cp_participation_required_for_4_plus() -> None:
    breaches = check_cp_participation(4, None, None)
    assert [(b.rule, b.field) for b in breaches] == [(0, "took_part")]


def test_cp_method_required_when_took_part() -> None:
    assert [(b.rule, b.field) for b in check_cp_participation(8, True, None)] == [(0, "method")]
    assert [b.field for b in check_cp_participation(8, True, "  ")] == ["method"]


def test_cp_method_must_be_known() -> None:
    breaches = check_cp_participation(8, True, "telepathy")
    assert [b.field for b in breaches] == ["method"]
    assert "telepathy" in breaches[0].message


def test_cp_method_without_taking_part() -> None:
    assert [b.field for b in check_cp_participation(8, False, "drawings")] == ["method"]


def test_cp_under_4_records_nothing() -> None:
    assert [b.field for b in check_cp_participation(3, True, "attended")] == [
        "took_part",
        "method",
    ]
    assert [b.field for b in check_cp_participation(2, False, None)] == ["took_part"]
    assert "not yet born" in check_cp_participation(-1, False, None)[0].message
