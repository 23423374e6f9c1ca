"""The annual report: a small unit built through the services, every figure counted by hand.

Reporting year 2025-26 runs from 1 April 2025 to 31 March 2026. The unit:

Looked after (903 episodes):
- Fin   M WBRI 2012: C2/U1 2022-05-01 to 2024-08-01 (only in the trend).
- Amy   F WBRI 2015-03-01: C2/U1 from 2024-06-03; U2 on 2025-05-01; R1 on 2025-09-01.
- Ben   M WBRI 2023-01-10: C1/U3 from 2025-06-02; C2/U3 2025-10-01; E1/A4 2026-01-15.
- Cal   M BAFR 2010-05-05: V2/U4 from 2025-01-15; R1 on 2025-07-01; left care 2025-11-30.
- Dee   F NOBT 2009-02-01: V2/H5 from 2025-09-01.
- Eve   F WBRI 2019-07-07: V3 short breaks from 2025-05-01 (left out of the CLA counts).
Child protection:
- Kim   F 2014-01-01: plan from ICPC 2024-11-15, ended 2025-05-20 "LAC / legal proceedings".
- Gus   M 2018-03-15: ICPC 2025-04-17 (took part), RCPC 2025-07-10 (did not), ended
  2025-12-01 "CIN".
- Lee   M 2016-01-01: ICPC 2025-05-15, did not take part, no plan made.
- Hal   M 2011-06-01 and Ivy F 2023-09-09 (under 4): ICPC 2025-10-20 (Hal took part),
  RCPC 2026-01-15 for Hal (took part).
- Jo    unborn, expected 2026-02-01: pre-birth ICPC 2025-12-15.
- Kit   born 2026-01-20: pre-birth ICPC 2025-11-17 (unborn at 31 December, a baby at 31 March).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime

import pytest

from iro_desk.config import Settings
from iro_desk.rules.codes import COMPLIANCE_ITEMS
from iro_desk.services.children import (
    add_child,
    allocate,
    change_episode,
    child_by_ref,
    cp_plans_of,
    end_care,
    end_cp_plan,
    start_care,
    start_cp_enquiry,
)
from iro_desk.services.compliance import answer_items, record_response, send_form, start_form
from iro_desk.services.context import Desk
from iro_desk.services.duty import log_enquiry
from iro_desk.services.iros import add_iro, find_iro, set_active
from iro_desk.services.meetings import (
    AgencyReport,
    ConferenceChild,
    record_conference,
    record_review,
)
from iro_desk.services.report import AnnualReport, annual_report
from iro_desk.services.resolution import escalate, raise_case, refer_to_cafcass, resolve
from iro_desk.services.visits import amend_visit, record_visit

YEAR = 2025
D = date


def _children(desk: Desk) -> None:
    ctx = desk.ctx
    with desk.write() as s:
        ada = add_iro(s, ctx, "Ada Example")
        bea = add_iro(s, ctx, "Bea Example", fte=0.5)
        add_iro(s, ctx, "Cy Former")
        set_active(s, ctx, "Cy Former", False)

        def child(ref: str, dob: date | None, sex: str | None, eth: str | None, **kw):
            return add_child(s, ctx, ref=ref, first_name=ref, dob=dob, sex=sex, ethnicity=eth, **kw)

        fin = child("FIN", D(2012, 12, 12), "M", "WBRI")
        start_care(s, ctx, fin, D(2022, 5, 1), legal_status="C2", placement="U1")
        end_care(s, ctx, fin, D(2024, 8, 1))

        amy = child("AMY", D(2015, 3, 1), "F", "WBRI")
        start_care(s, ctx, amy, D(2024, 6, 3), legal_status="C2", placement="U1")
        change_episode(s, ctx, amy, D(2025, 5, 1), placement="U2", reason_place_change="CARPL")
        change_episode(s, ctx, amy, D(2025, 9, 1), placement="R1", reason_place_change="CREQB")
        allocate(s, ctx, amy, ada, D(2024, 6, 4))

        ben = child("BEN", D(2023, 1, 10), "M", "WBRI")
        start_care(s, ctx, ben, D(2025, 6, 2), legal_status="C1", placement="U3")
        change_episode(s, ctx, ben, D(2025, 10, 1), legal_status="C2")
        change_episode(
            s, ctx, ben, D(2026, 1, 15), legal_status="E1", placement="A4",
            reason_place_change="CARPL",
        )  # fmt: skip
        allocate(s, ctx, ben, ada, D(2025, 6, 3))

        cal = child("CAL", D(2010, 5, 5), "M", "BAFR")
        start_care(s, ctx, cal, D(2025, 1, 15), legal_status="V2", placement="U4")
        change_episode(s, ctx, cal, D(2025, 7, 1), placement="R1", reason_place_change="CHILD")
        end_care(s, ctx, cal, D(2025, 11, 30))

        dee = child("DEE", D(2009, 2, 1), "F", "NOBT")
        start_care(s, ctx, dee, D(2025, 9, 1), legal_status="V2", placement="H5")
        allocate(s, ctx, dee, ada, D(2025, 9, 2))

        eve = child("EVE", D(2019, 7, 7), "F", "WBRI")
        start_care(s, ctx, eve, D(2025, 5, 1), legal_status="V3", placement="U1")

        for ref, dob, sex in (
            ("KIM", D(2014, 1, 1), "F"),
            ("GUS", D(2018, 3, 15), "M"),
            ("LEE", D(2016, 1, 1), "M"),
            ("HAL", D(2011, 6, 1), "M"),
            ("IVY", D(2023, 9, 9), "F"),
        ):
            child(ref, dob, sex, "WBRI")
        child("JO", None, None, None, expected_dob=D(2026, 2, 1))
        child("KIT", D(2026, 1, 20), "F", "WBRI")
        gus, hal, ivy, jo = (child_by_ref(s, r) for r in ("GUS", "HAL", "IVY", "JO"))
        allocate(s, ctx, gus, bea, D(2025, 4, 1))
        allocate(s, ctx, gus, ada, D(2025, 8, 1))  # Bea's allocation of Gus ends here
        allocate(s, ctx, hal, ada, D(2025, 10, 6))
        allocate(s, ctx, ivy, ada, D(2025, 10, 6))
        allocate(s, ctx, jo, bea, D(2025, 12, 1))


def _reviews(desk: Desk) -> dict[str, object]:
    """Looked After Reviews; returns the meetings the compliance forms follow."""
    ctx = desk.ctx
    out: dict[str, object] = {}
    with desk.write() as s:
        amy, ben, cal, dee = (child_by_ref(s, r) for r in ("AMY", "BEN", "CAL", "DEE"))
        # Amy, before the year: first, second and a later review, all on time.
        for day in (D(2024, 6, 20), D(2024, 9, 10), D(2025, 3, 1)):
            record_review(s, ctx, amy, day, participation="PN1")
        # In the year: due 6 months after 1 Mar 2025 = 1 Sep: on time; then due 20 Feb 2026,
        # held 10 Mar 2026: LATE (the one late review).
        out["amy1"] = record_review(s, ctx, amy, D(2025, 8, 20), participation="PN1")
        out["amy2"] = record_review(s, ctx, amy, D(2026, 3, 10), participation="PN5")
        # Ben (under 4, PN0): first due 20 WD from Mon 2 Jun = 30 Jun (held 20 Jun); second
        # due 20 Sep (held 15 Sep); third due 15 Mar 2026 (held 2 Mar). All on time.
        out["ben1"] = record_review(s, ctx, ben, D(2025, 6, 20), participation="PN0")
        out["ben2"] = record_review(s, ctx, ben, D(2025, 9, 15), participation="PN0")
        record_review(s, ctx, ben, D(2026, 3, 2), participation="PN0")
        # Cal: first 5 Feb 2025 (before the year); second due 5 May (held 28 Apr); third due
        # 28 Oct (held 20 Oct). On time.
        out["cal0"] = record_review(s, ctx, cal, D(2025, 2, 5), participation="PN1")
        record_review(s, ctx, cal, D(2025, 4, 28), participation="PN6")
        record_review(s, ctx, cal, D(2025, 10, 20), participation="PN7")
        # Dee: first due 20 WD from Mon 1 Sep = 29 Sep (held 24 Sep); second due 24 Dec
        # (held 10 Dec). On time.
        record_review(s, ctx, dee, D(2025, 9, 24), participation="PN4")
        record_review(s, ctx, dee, D(2025, 12, 10), participation="PN2")
    return out


def _conferences(desk: Desk) -> None:
    ctx = desk.ctx
    with desk.write() as s:
        kim, gus, lee, hal, ivy, jo = (
            child_by_ref(s, r) for r in ("KIM", "GUS", "LEE", "HAL", "IVY", "JO")
        )
        start_cp_enquiry(s, ctx, kim, D(2024, 11, 1))
        record_conference(
            s, ctx, "ICPC", D(2024, 11, 15), [ConferenceChild(kim, True, "written")],
            category="PHY",
        )  # fmt: skip
        # Gus: reports for the ICPC on Thu 17 Apr 2025 are due 2 WD before = Tue 15 Apr.
        start_cp_enquiry(s, ctx, gus, D(2025, 4, 1))
        record_conference(
            s, ctx, "ICPC", D(2025, 4, 17), [ConferenceChild(gus, True, "direct_work")],
            category="NEG",
            reports=[
                AgencyReport("Police", D(2025, 4, 14)),  # on time
                AgencyReport("GP", D(2025, 4, 16)),  # late
                AgencyReport("Social work", D(2025, 4, 15)),  # on the due date: on time
            ],
        )  # fmt: skip
        # RCPC on Thu 10 Jul 2025: reports due Tue 8 Jul.
        record_conference(
            s, ctx, "RCPC", D(2025, 7, 10), [ConferenceChild(gus, False)],
            reports=[AgencyReport("Police", D(2025, 7, 1)), AgencyReport("GP", None)],
        )  # fmt: skip
        # Lee: no plan made; the social work report never came.
        start_cp_enquiry(s, ctx, lee, D(2025, 5, 1))
        record_conference(
            s, ctx, "ICPC", D(2025, 5, 15), [ConferenceChild(lee, False)], outcome_plan=False,
            reports=[AgencyReport("Social work", None)],
        )  # fmt: skip
        # Hal and Ivy: ICPC Mon 20 Oct 2025, reports due Thu 16 Oct.
        start_cp_enquiry(s, ctx, hal, D(2025, 10, 6))
        start_cp_enquiry(s, ctx, ivy, D(2025, 10, 6))
        record_conference(
            s, ctx, "ICPC", D(2025, 10, 20),
            [ConferenceChild(hal, True, "attended"), ConferenceChild(ivy)],
            category="EMO",
            reports=[
                AgencyReport("Police", D(2025, 10, 10)),  # on time
                AgencyReport("Education", D(2025, 10, 17)),  # late
            ],
        )  # fmt: skip
        # RCPC Thu 15 Jan 2026 (Hal only): reports due Tue 13 Jan.
        record_conference(
            s, ctx, "RCPC", D(2026, 1, 15), [ConferenceChild(hal, True, "written")],
            reports=[AgencyReport("Police", D(2026, 1, 12))],
        )  # fmt: skip
        kit = child_by_ref(s, "KIT")
        start_cp_enquiry(s, ctx, kit, D(2025, 11, 3))
        record_conference(s, ctx, "ICPC", D(2025, 11, 17), [ConferenceChild(kit)], category="NEG")
        start_cp_enquiry(s, ctx, jo, D(2025, 12, 1))
        record_conference(s, ctx, "ICPC", D(2025, 12, 15), [ConferenceChild(jo)], category="NEG")
    with desk.write() as s:
        kim_plan = cp_plans_of(s, child_by_ref(s, "KIM").id)[0]
        end_cp_plan(s, ctx, kim_plan, D(2025, 5, 20), outcome="LAC / legal proceedings")
        gus_plan = cp_plans_of(s, child_by_ref(s, "GUS").id)[0]
        end_cp_plan(s, ctx, gus_plan, D(2025, 12, 1), outcome="CIN")


def _visit(s, ctx, child, iro, day: date):
    return record_visit(
        s, ctx, child, iro, visit_date=day, location="placement", purpose="before_review",
        seen_alone=True,
    )  # fmt: skip


def _amend(s, ctx, visit_id, day: date):
    return amend_visit(
        s, ctx, visit_id, visit_date=day, location="placement", purpose="before_review",
        seen_alone=True, views="corrected",
    )  # fmt: skip


def _unit_work(desk: Desk, meetings: dict[str, object]) -> None:
    ctx = desk.ctx
    with desk.write() as s:
        ada = find_iro(s, "Ada Example")
        amy, ben, cal, dee = (child_by_ref(s, r) for r in ("AMY", "BEN", "CAL", "DEE"))
        _visit(s, ctx, amy, ada, D(2025, 5, 10))
        first = _visit(s, ctx, amy, ada, D(2025, 11, 2))
        _amend(s, ctx, first.id, D(2025, 11, 3))  # one visit, corrected
        _visit(s, ctx, ben, ada, D(2025, 7, 1))
        late = _visit(s, ctx, ben, ada, D(2026, 3, 30))
        _amend(s, ctx, late.id, D(2026, 4, 2))  # corrected to after the year
        _visit(s, ctx, cal, ada, D(2025, 3, 20))  # before the year
        v1 = _visit(s, ctx, dee, ada, D(2025, 10, 1))
        v2 = _amend(s, ctx, v1.id, D(2025, 10, 1))
        _amend(s, ctx, v2.id, D(2025, 10, 2))  # amended twice: still one visit

        for when, category in (
            (datetime(2025, 4, 1, 8, 0, tzinfo=UTC), "10A"),
            (datetime(2025, 6, 15, 9, 0, tzinfo=UTC), "LADO"),
            # Local days (London, in BST at both ends of the year): 23:30 on 31 March.
            (datetime(2026, 3, 31, 22, 30, tzinfo=UTC), "10A"),
            (datetime(2025, 3, 31, 22, 59, tzinfo=UTC), "11A"),  # 23:59 BST: before the year
            (datetime(2026, 3, 31, 23, 0, tzinfo=UTC), "ADVICE"),  # 00:00 BST 1 April: after
        ):
            log_enquiry(
                s, ctx, category=category, summary="Call", received_at=when, subject="A child"
            )

    yes = {key: ("yes", "") for key in COMPLIANCE_ITEMS}
    forms = (
        # (review, sent, answered) -- response due 10 WD after sending.
        ("amy1", "AMY", D(2025, 8, 22), D(2025, 9, 1), {}),  # answered in time
        ("amy2", "AMY", D(2026, 3, 12), D(2026, 4, 10), {"care_plan": ("no", "Out of date")}),
        ("ben2", "BEN", D(2025, 9, 16), None, {}),  # never answered
        ("cal0", "CAL", D(2025, 2, 7), D(2025, 2, 10), {}),  # sent before the year
    )
    with desk.write() as s:
        for key, ref, sent, answered, concerns in forms:
            review = meetings[key]
            form = start_form(
                s, ctx, child_ref=ref, meeting_id=review.meeting_id,  # type: ignore[attr-defined]
                meeting_kind="LAR", iro_name="Ada Example",
            )  # fmt: skip
            answer_items(s, ctx, form.id, {**yes, **concerns})
            send_form(s, ctx, form.id, team_manager="Tess Manager", sent=sent)
            if answered:
                record_response(s, ctx, form.id, responded=answered, response="Noted")

    with desk.write() as s:
        kw = {"iro_name": "Ada Example", "issue": "Plan drifting"}
        # Amy: informal, stage 1 on Fri 20 Mar 2026 (due 20 WD later, after Easter: 21 Apr),
        # resolved 1 Apr: in time; highest stage 1.
        amy_case = raise_case(s, ctx, child_ref="AMY", raised=D(2026, 3, 12), **kw)
        escalate(s, ctx, amy_case.id, on=D(2026, 3, 20), holder="Tess Manager", note="No reply")
        resolve(s, ctx, amy_case.id, on=D(2026, 4, 1), outcome="Plan updated")
        # Ben: stage 1 -> 2 -> 3 (Mon 1 Sep 2025, due 29 Sep); resolved 1 Dec: late.
        ben_case = raise_case(
            s, ctx, child_ref="BEN", raised=D(2025, 6, 10), stage=1, holder="Tess Manager", **kw
        )
        escalate(s, ctx, ben_case.id, on=D(2025, 7, 1), holder="Sam Service", note="Stuck")
        escalate(s, ctx, ben_case.id, on=D(2025, 9, 1), holder="Hana Head", note="Stuck")
        resolve(s, ctx, ben_case.id, on=D(2025, 12, 1), outcome="Agreed")
        # Dee: informal, then straight to Cafcass.
        dee_case = raise_case(s, ctx, child_ref="DEE", raised=D(2025, 10, 1), **kw)
        refer_to_cafcass(s, ctx, dee_case.id, on=D(2025, 10, 10), note="Rights at risk")
        # Hal: informal and still open.
        raise_case(s, ctx, child_ref="HAL", raised=D(2026, 1, 20), **kw)
        # Cal: raised before the year.
        raise_case(s, ctx, child_ref="CAL", raised=D(2025, 3, 1), **kw)


@pytest.fixture
def unit(desk: Desk) -> Desk:
    _children(desk)
    meetings = _reviews(desk)
    _conferences(desk)
    _unit_work(desk, meetings)
    return desk


def _report(desk: Desk, **kw) -> AnnualReport:
    with desk.read() as s:
        return annual_report(s, desk.ctx, YEAR, **kw)


def _shares(shares) -> dict[str, tuple[int, float | None]]:
    return {s.label: (s.count, s.percent) for s in shares}


def test_children_looked_after(unit: Desk) -> None:
    r = _report(unit, child_population=30_000)
    assert (r.label, r.start, r.end) == ("2025-26", D(2025, 4, 1), D(2026, 3, 31))
    # At 31 March 2026: Amy, Ben, Dee (Cal left in November; Eve is on short breaks).
    assert r.cla == 3
    assert r.short_breaks_at_year_end == 1
    # Year ends 2023 and 2024: Fin; 2025: Amy and Cal (Fin left in August 2024).
    assert [(t.label, t.as_of, t.cla) for t in r.cla_trend] == [
        ("2022-23", D(2023, 3, 31), 1),
        ("2023-24", D(2024, 3, 31), 1),
        ("2024-25", D(2025, 3, 31), 2),
        ("2025-26", D(2026, 3, 31), 3),
    ]
    # Amy F, Ben M, Dee F.
    assert _shares(r.gender) == {"Male": (1, 33.3), "Female": (2, 66.7)}
    # Ages on 31 March 2026: Ben 3, Amy 11, Dee 17.
    assert _shares(r.age_bands) == {
        "Under 5": (1, 33.3),
        "5-9": (0, 0.0),
        "10-15": (1, 33.3),
        "16+": (1, 33.3),
    }
    # Amy and Ben WBRI, Dee NOBT.
    assert _shares(r.ethnicity) == {
        "White British": (2, 66.7),
        "BME": (0, 0.0),
        "Not obtained": (1, 33.3),
    }
    # 31 March 2025: Amy U1, Cal U4 (both fostered). 31 March 2026: Amy R1, Ben A4, Dee H5.
    rows = {p.group: (p.previous, p.previous_percent, p.current, p.current_percent)
            for p in r.placements}  # fmt: skip
    assert rows["Fostered"] == (2, 100.0, 0, 0.0)
    assert rows["Residential"] == (0, 0.0, 1, 33.3)
    assert rows["Placed for adoption"] == (0, 0.0, 1, 33.3)
    assert rows["Supported/independent"] == (0, 0.0, 1, 33.3)
    assert rows["Placed with parents"] == (0, 0.0, 0, 0.0)
    # 3 children per 30,000 -> 1.0 per 10,000.
    assert r.child_population == 30_000
    assert r.rate_per_10k == 1.0
    # Ben: C1 on 2 Jun (first episode), C2 on 1 Oct, E1 on 15 Jan. Amy's placement changes
    # keep C2, so they are not new orders.
    assert [(o.code, o.count) for o in r.legal_orders] == [("C1", 1), ("C2", 1), ("E1", 1)]
    # Starts: Ben, Dee (Eve's short breaks left out). Ends: Cal.
    assert (r.cla_starts, r.cla_ends, r.net_change) == (2, 1, 1)
    # Amy: U1 (at the start of the year), U2, R1 = 3. Ben: U3, U3 (legal status only), A4 = 2.
    # Cal: U4, R1 = 2.
    assert r.three_plus_placements == 1


def test_the_year_before(unit: Desk) -> None:
    with unit.read() as s:
        r = annual_report(s, unit.ctx, 2024)
    assert (r.label, r.start, r.end) == ("2024-25", D(2024, 4, 1), D(2025, 3, 31))
    # 31 March 2025: Amy and Cal. Starts: Amy (June), Cal (January); ends: Fin (August).
    assert (r.cla, r.cla_starts, r.cla_ends, r.net_change) == (2, 2, 1, 1)
    # Amy's first episode under C2 is a full care order made in the year; Cal is V2.
    assert [(o.code, o.count) for o in r.legal_orders] == [("C1", 0), ("C2", 1), ("E1", 0)]
    # Amy: first review 20 WD from Mon 3 Jun 2024 = 1 Jul (held 20 Jun), second due 20 Sep
    # (held 10 Sep), third due 10 Mar 2025 (held 1 Mar). Cal: first due 20 WD from Wed
    # 15 Jan 2025 = 12 Feb (held 5 Feb). All four on time, all PN1.
    assert (r.reviews.held, r.reviews.on_time, r.reviews.percent) == (4, 4, 100.0)
    assert {c.code: c.count for c in r.participation.by_code if c.count} == {"PN1": 4}
    # Kim's ICPC (Nov 2024) made a plan; she is the only child on a plan at 31 March 2025.
    assert (r.cp_at_start, r.cp_at_end) == (0, 1)


def test_rate_uses_the_setting_without_an_argument(unit: Desk) -> None:
    ctx = dataclasses.replace(unit.ctx, settings=Settings(child_population=20_000))
    with unit.read() as s:
        r = annual_report(s, ctx, YEAR)
    # 3 children per 20,000 -> 1.5 per 10,000.
    assert (r.child_population, r.rate_per_10k) == (20_000, 1.5)


def test_no_population_no_rate(unit: Desk) -> None:
    r = _report(unit)
    assert (r.child_population, r.rate_per_10k) == (None, None)
    assert ("Rate per 10,000 children", "not set (child_population)") in dict(r.sections())[
        "Children looked after, 2025-26"
    ]


def test_reviews_and_participation(unit: Desk) -> None:
    r = _report(unit)
    # In the year: Amy 2 (one late), Ben 3, Cal 2, Dee 2 = 9 held, 8 on time.
    assert (r.reviews.held, r.reviews.on_time, r.reviews.percent) == (9, 8, 88.9)
    assert r.reviews.short_break_held == 0
    by_code = {c.code: c.count for c in r.participation.by_code}
    # Amy PN1, PN5; Ben PN0 x3; Cal PN6, PN7; Dee PN4, PN2.
    assert by_code == {
        "PN0": 3, "PN1": 1, "PN2": 1, "PN3": 0, "PN4": 1, "PN5": 1, "PN6": 1, "PN7": 1,
    }  # fmt: skip
    p = r.participation
    # Aged 4+: 9 - 3 PN0 = 6. Participated PN1, PN2, PN5, PN6 = 4; attended PN1, PN2, PN4 = 3.
    assert (p.aged_4_plus, p.participated, p.participated_percent) == (6, 4, 66.7)
    assert (p.attended, p.attended_percent) == (3, 50.0)


def test_child_protection(unit: Desk) -> None:
    r = _report(unit)
    # 31 March 2025: Kim. 31 March 2026: Hal, Ivy, Jo, Kit.
    assert (r.cp_at_start, r.cp_at_end) == (1, 4)
    quarters = {q.label: (q.as_of, q.total, _shares(q.bands)) for q in r.cp_ages}
    # Q1/Q2: Gus (7). Gus's plan ended 1 Dec. Q3: Hal (14), Ivy (2), Jo and Kit (unborn).
    # Q4: Hal, Ivy, Kit (born 20 Jan: under 5), Jo (still unborn).
    only_gus = {"Unborn": (0, 0.0), "Under 5": (0, 0.0), "5-9": (1, 100.0),
                "10-15": (0, 0.0), "16+": (0, 0.0)}  # fmt: skip
    q3 = {"Unborn": (2, 50.0), "Under 5": (1, 25.0), "5-9": (0, 0.0),
          "10-15": (1, 25.0), "16+": (0, 0.0)}  # fmt: skip
    q4 = {"Unborn": (1, 25.0), "Under 5": (2, 50.0), "5-9": (0, 0.0),
          "10-15": (1, 25.0), "16+": (0, 0.0)}  # fmt: skip
    assert quarters == {
        "Q1": (D(2025, 6, 30), 1, only_gus),
        "Q2": (D(2025, 9, 30), 1, only_gus),
        "Q3": (D(2025, 12, 31), 4, q3),
        "Q4": (D(2026, 3, 31), 4, q4),
    }
    # Plans ended in the year: Kim and Gus (Lee's ICPC made no plan).
    assert _shares(r.cp_outcomes) == {"CIN": (1, 50.0), "LAC / legal proceedings": (1, 50.0)}

    icpc = r.icpc_participation
    months = {m.month: (m.aged_4_plus, m.took_part) for m in icpc.months}
    assert len(months) == 12 and next(iter(months)) == "April 2025"
    # April: Gus took part; May: Lee did not; October: Hal took part (Ivy under 4);
    # November and December: Kit and Jo unborn (not counted).
    assert months["April 2025"] == (1, 1)
    assert months["May 2025"] == (1, 0)
    assert months["October 2025"] == (1, 1)
    assert months["November 2025"] == months["December 2025"] == (0, 0)
    assert (icpc.aged_4_plus, icpc.took_part, icpc.percent) == (3, 2, 66.7)
    rcpc = r.rcpc_participation
    # July: Gus did not; January: Hal did.
    assert {m.month: m.took_part for m in rcpc.months if m.aged_4_plus} == {
        "July 2025": 0,
        "January 2026": 1,
    }
    assert (rcpc.aged_4_plus, rcpc.took_part, rcpc.percent) == (2, 1, 50.0)


def test_conference_reports_on_time_by_agency(unit: Desk) -> None:
    r = _report(unit)
    i = r.icpc_reports
    # ICPCs: Gus, Lee, Hal+Ivy, Kit, Jo. Reports: Gus 3 (2 on time), Lee 1 (never came),
    # Hal 2 (1 on time) = 3 of 6.
    assert (i.conferences, i.required, i.on_time, i.percent) == (5, 6, 3, 50.0)
    assert [(a.agency, a.required, a.on_time, a.percent) for a in i.by_agency] == [
        ("Education", 1, 0, 0.0),
        ("GP", 1, 0, 0.0),
        ("Police", 2, 2, 100.0),
        ("Social work", 2, 1, 50.0),
    ]
    c = r.rcpc_reports
    # RCPCs: Gus (Police on time, GP never), Hal (Police on time) = 2 of 3.
    assert (c.conferences, c.required, c.on_time, c.percent) == (2, 3, 2, 66.7)
    assert [(a.agency, a.required, a.on_time) for a in c.by_agency] == [
        ("GP", 1, 0),
        ("Police", 2, 2),
    ]


def test_the_units_work(unit: Desk) -> None:
    r = _report(unit)
    cl = r.caseload
    # Ada: Amy, Ben, Dee, Hal, Ivy and Gus (moved from Bea in August); Bea: Jo.
    # Active FTE 1.0 + 0.5 = 1.5 (Cy is inactive); 7 / 1.5 = 4.7 per FTE.
    assert (cl.active_iros, cl.fte, cl.allocated, cl.per_fte) == (2, 1.5, 7, 4.7)
    assert cl.band == "below the Handbook's 50-70"
    assert [(i.name, i.children, i.per_fte) for i in cl.by_iro] == [
        ("Ada Example", 6, 6.0),
        ("Bea Example", 1, 2.0),
    ]
    # Amy 2 (one corrected), Ben 1 (the other moved out of the year), Dee 1 (amended twice).
    assert (r.visits.visits, r.visits.children) == (4, 3)
    enquiries = {e.code: (e.label, e.count) for e in r.enquiries if e.count}
    assert enquiries == {
        "10A": ("Missing", 2),
        "LADO": ("Allegation against an adult working with children (LADO)", 1),
    }
    assert r.enquiries_total == 3
    co = r.compliance
    # Sent in the year: Amy x2, Ben. Answered: both of Amy's; in time (10 WD): the first
    # only; with a "no": Amy's second.
    assert (co.sent, co.answered, co.answered_in_time, co.with_concerns) == (3, 2, 1, 1)
    # Over the 3 sent: Ben's, never answered, counts as late (1 of 3), not left out.
    assert co.answered_in_time_percent == 33.3
    rs = r.resolution
    # Raised in the year: Amy (highest stage 1), Ben (3), Dee (0), Hal (0).
    assert rs.raised == 4
    assert {c.code: c.count for c in rs.by_stage} == {"0": 2, "1": 1, "2": 0, "3": 1, "4": 0}
    # Resolved: Amy (in time) and Ben (late); Dee went to Cafcass.
    assert (rs.resolved, rs.resolved_in_time, rs.cafcass_referred) == (2, 1, 1)
    # Over the 4 raised: Dee's (to Cafcass) and Hal's (still open) count as late.
    assert rs.resolved_in_time_percent == 25.0
    sections = dict(r.sections())
    assert ("Resolved in time (of cases raised)", "1 of 4 (25.0%)") in sections["Issues Resolution"]
    assert ("Answered within the response time (of forms sent)", "1 of 3 (33.3%)") in sections[
        "Compliance forms"
    ]


def test_json_and_printed_sections(unit: Desk) -> None:
    r = _report(unit, child_population=30_000)
    data = json.loads(json.dumps(r.as_json()))
    assert data["end"] == "2026-03-31"
    assert data["reviews"] == {"held": 9, "on_time": 8, "percent": 88.9, "short_break_held": 0}
    assert data["visits"] == {"visits": 4, "children": 3}
    assert data["cla_trend"][0] == {"label": "2022-23", "as_of": "2023-03-31", "cla": 1}
    sections = dict(r.sections())
    assert ("Held on time", "8 of 9 (88.9%)") in sections["Looked After Reviews"]
    assert ("Visits", "4 visits to 3 children") in sections["IRO visits to children"]
    assert ("Net change", "+1") in sections["Starts and ends of care"]
    assert ("Police", "2 of 2 (100.0%)") in sections["Reports received on time for ICPCs"]
    assert ("Rate per 10,000 children", "1.0") in sections["Children looked after, 2025-26"]
    participation = dict(sections["Participation in Looked After Reviews"])
    assert participation["Attended (PN1-PN4)"] == "3 of 6 (50.0%)"
    # Every value is text, ready to print.
    assert all(isinstance(v, str) for _, lines in r.sections() for _, v in lines)


def test_an_empty_database_gives_zeros_not_errors(desk: Desk) -> None:
    r = _report(desk)
    assert r.cla == 0 and r.reviews.held == 0 and r.reviews.percent is None
    assert r.caseload.per_fte is None and r.caseload.band == "no active IROs"
    assert ("Held on time", "0 of 0 (n/a)") in dict(r.sections())["Looked After Reviews"]
