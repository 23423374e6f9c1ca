"""The annual report reproduces a published one: records built by hand to match the
2013/14 figures written down in docs/domain.md ("A published report to check against").

The records are written straight into the tables (thousands of rows; the services would
spend minutes on the audit trail), in groups chosen so that each published figure falls
out of the counting rules, not out of the test:

- Looked after at 31 March 2014 (308): group A (184, in care since June 2012), C (118,
  started in the year) and S (6, on short breaks at 31 March 2013, then a care order).
- Left in the year (150): B (130, in care since June 2012) and D (20, started and left
  in the year). Starts (138) = C + D. At 31 March 2013: A + B = 314 (S were on short
  breaks, which the counts leave out). Earlier year ends: 315 and 4 more children whose
  care ended before the year.
- Legal orders: 62 of C start under an interim order (5 of them had an earlier period
  that ended under one: still a new order), 135 care orders (129 of A, all 6 of S), 69
  placement orders (55 of A, 14 of B).
- Reviews in the year (753, the participation codes' total): A two each (33 of them
  late), B one, C two, D 19 of them one; 720 on time = 95.6%.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import count, cycle

from iro_desk.db.models import (
    Allocation,
    CarePeriod,
    Child,
    ConferenceReport,
    Episode,
    Iro,
    Meeting,
    MeetingChild,
    Visit,
)
from iro_desk.services.context import Desk
from iro_desk.services.report import AnnualReport, annual_report

D = date
YEAR = 2013
# (children aged 4+, of whom took part) by month, April 2013 to March 2014.
ICPC_MONTHS = [(6, 3), (4, 2), (5, 5), (25, 21), (14, 11), (21, 5), (14, 9), (8, 5), (8, 3),
               (6, 5), (14, 9), (8, 5)]  # fmt: skip
RCPC_MONTHS = [(15, 12), (22, 19), (8, 6), (17, 15), (4, 4), (29, 25), (19, 14), (25, 18),
               (23, 14), (15, 7), (24, 21), (21, 14)]  # fmt: skip
# Meetings per month: one child each, except sibling groups in the months named.
ICPC_FEWER = {3: 14}  # July: 25 children at 11 conferences -> 119 conferences
RCPC_FEWER = {5: 13, 7: 13}  # September and November -> 196 conferences
PN_CODES = ["PN1"] * 242 + ["PN3"] * 2 + ["PN4"] * 3 + ["PN5"] * 107 + ["PN6"] * 187 + ["PN7"] * 20
YOUNG, AGED = D(2011, 6, 1), D(2003, 6, 1)  # under 4 all year; 10 in 2013


class _Builder:
    def __init__(self) -> None:
        self.rows: list[object] = []
        self.refs = count(1)

    def child(self, dob: date, sex: str = "M", ethnicity: str = "WBRI") -> Child:
        row = Child(ref=f"S{next(self.refs):05d}", first_name="Seed", dob=dob, sex=sex,
                    ethnicity=ethnicity)  # fmt: skip
        self.rows.append(row)
        return row

    def care(self, child: Child, spans: list[tuple[date, str]], end: date | None, place: str):
        """One period of care: episodes starting on each date with its legal status."""
        period = CarePeriod(child_id=child.id, start_date=spans[0][0], end_date=end)
        self.rows.append(period)
        for (start, status), nxt in zip(spans, [*spans[1:], (end, "")], strict=True):
            self.rows.append(
                Episode(child_id=child.id, period_id=period.id, start_date=start,
                        end_date=nxt[0], legal_status=status, placement=place)
            )  # fmt: skip
        return period

    def meeting(self, kind: str, day: date) -> Meeting:
        row = Meeting(kind=kind, meeting_date=day)
        self.rows.append(row)
        return row

    def review(self, child: Child, period: CarePeriod, day: date, code: str | None) -> None:
        m = self.meeting("LAR", day)
        self.rows.append(
            MeetingChild(meeting_id=m.id, child_id=child.id, kind="LAR", meeting_date=day,
                         period_id=period.id, participation=code)
        )  # fmt: skip


def _year_end_traits(i: int) -> dict[str, object]:
    """The i-th of the 308 looked after at 31 March 2014: sex, ethnicity and placement
    by position (157 male; 259 White British, 34 BME, 15 not obtained; 243 fostered,
    35 residential, 23 placed for adoption, 7 with parents)."""
    return {
        "sex": "M" if i < 157 else "F",
        "ethnicity": "WBRI" if i < 259 else "BAFR" if i < 293 else "NOBT",
        "place": "U1" if i < 243 else "R1" if i < 278 else "A4" if i < 301 else "P1",
    }


def _older_dobs() -> Iterator[date]:
    """Dates of birth of the 228 looked after at the year end who are 5 or over:
    68 aged 5-9, 111 aged 10-15, 49 aged 16+ at 31 March 2014."""
    yield from [D(2006, 6, 1)] * 68 + [D(2001, 6, 1)] * 111 + [D(1997, 6, 1)] * 49


def _looked_after(b: _Builder) -> list[Child]:
    """Groups A, C and S (looked after at the year end), B and D (left in the year) and
    the earlier year ends; returns the 308 looked after at the year end."""
    older = _older_dobs()
    codes = iter(PN_CODES)
    year_end: list[Child] = []
    for i in range(308):
        t = _year_end_traits(i)
        group = "A" if i < 184 else "C" if i < 302 else "S"
        n = i if group == "A" else i - 184 if group == "C" else i - 302
        young = (group == "A" and n < 60) or (group == "C" and n < 20)
        kid = b.child(YOUNG if young else next(older), str(t["sex"]), str(t["ethnicity"]))
        year_end.append(kid)
        code = (lambda: "PN0") if young else (lambda: next(codes))
        if group == "A":
            # 129 move from s20 to a care order in the year; 55 from a care to a placement order.
            spans = ([(D(2012, 6, 1), "V2"), (D(2013, 7, 1), "C2")] if n < 129
                     else [(D(2012, 6, 1), "C2"), (D(2013, 10, 1), "E1")])  # fmt: skip
            p = b.care(kid, spans, None, str(t["place"]))
            b.review(kid, p, D(2012, 6, 20), None)
            b.review(kid, p, D(2013, 3, 1), None)  # the next is due by 1 September 2013
            late = 100 <= n < 133
            b.review(kid, p, D(2013, 9, 15) if late else D(2013, 8, 1), code())
            b.review(kid, p, D(2014, 3, 10) if late else D(2014, 1, 20), code())
        elif group == "C":
            if n < 5:  # back in care: an earlier period ended under an interim order too
                b.care(kid, [(D(2012, 4, 15), "C1")], D(2012, 5, 15), str(t["place"]))
            p = b.care(kid, [(D(2013, 5, 1), "C1" if n < 62 else "V2")], None, str(t["place"]))
            b.review(kid, p, D(2013, 5, 20), code())
            b.review(kid, p, D(2013, 8, 15), code())
        else:
            b.care(kid, [(D(2013, 1, 1), "V3"), (D(2013, 5, 1), "C2")], None, str(t["place"]))
    for n in range(130):  # B: 32 young ones; 14 move to a placement order before leaving
        kid = b.child(YOUNG if n < 32 else AGED)
        spans = (
            [(D(2012, 6, 1), "C2"), (D(2013, 7, 1), "E1")] if n < 14 else [(D(2012, 6, 1), "V2")]
        )
        p = b.care(kid, spans, D(2013, 10, 1), "U1")
        b.review(kid, p, D(2012, 6, 20), None)
        b.review(kid, p, D(2013, 3, 1), None)
        b.review(kid, p, D(2013, 5, 1), "PN0" if n < 32 else next(codes))
    for n in range(20):  # D: in and out within the year
        kid = b.child(AGED)
        p = b.care(kid, [(D(2013, 5, 1), "V2")], D(2013, 9, 1), "U1")
        if n < 19:
            b.review(kid, p, D(2013, 5, 20), next(codes))
    for n in range(319):  # year ends 2011 (319) and 2012 (315)
        kid = b.child(AGED)
        b.care(kid, [(D(2010, 6, 1), "C2")], D(2011, 6, 1) if n < 4 else D(2012, 5, 1), "U1")
    assert next(codes, None) is None  # every published participation code used
    return year_end


def _conferences(b: _Builder, kind: str, months, fewer, reports: int, on_time: int) -> list:
    children, meetings = [], []
    for m, (aged, took) in enumerate(months):
        first = D(YEAR + (m >= 9), (m + 3) % 12 + 1, 10)
        held = [b.meeting(kind, first) for _ in range(aged - fewer.get(m, 0))]
        meetings += held
        for j in range(aged):
            kid = b.child(D(2005, 1, 1))
            children.append(kid)
            b.rows.append(
                MeetingChild(meeting_id=held[j % len(held)].id, child_id=kid.id, kind=kind,
                             meeting_date=first, cp_took_part=j < took)
            )  # fmt: skip
    # Reports spread over the meetings in turn; the first ``on_time`` arrive in time.
    agencies = cycle(["Social care", "Police", "Health", "Education", "GP"])
    for n in range(reports):
        m = meetings[n % len(meetings)]
        due = m.meeting_date - timedelta(days=3)
        b.rows.append(
            ConferenceReport(meeting_id=m.id, agency=next(agencies), due_date=due,
                             received_date=due if n < on_time else m.meeting_date)
        )  # fmt: skip
    return children


def _unit_work(b: _Builder, year_end: list[Child], cp_children: list[Child]) -> None:
    """Five full-time IROs and one at 0.4 (one more seconded away): 481 children
    allocated at the year end (308 looked after, 173 on plans) over 5.4 FTE = 89."""
    iros = [Iro(name=f"IRO {n}", fte=1.0) for n in range(5)] + [Iro(name="IRO part", fte=0.4)]
    b.rows += [*iros, Iro(name="IRO seconded", fte=1.0, active=False)]
    for kid, iro in zip([*year_end, *cp_children[:173]], cycle(iros)):
        b.rows.append(Allocation(child_id=kid.id, iro_id=iro.id, start_date=D(2013, 4, 1)))
    # 88 visits to 78 children: ten of them seen twice.
    for n, kid in enumerate(year_end[:78]):
        for day in (D(2013, 6, 15), D(2013, 12, 16))[: 2 if n < 10 else 1]:
            b.rows.append(
                Visit(child_id=kid.id, iro_id=iros[0].id, visit_date=day, location="home",
                      purpose="review")
            )  # fmt: skip


def _seed_report(desk: Desk) -> AnnualReport:
    b = _Builder()
    year_end = _looked_after(b)
    icpc = _conferences(b, "ICPC", ICPC_MONTHS, ICPC_FEWER, 962, 625)
    rcpc = _conferences(b, "RCPC", RCPC_MONTHS, RCPC_FEWER, 1637, 1134)
    _unit_work(b, year_end, [*rcpc, *icpc])
    with desk.write() as s:
        # Parents first, so that foreign keys hold at every insert.
        order = [Iro, Child, CarePeriod, Episode, Meeting, MeetingChild, ConferenceReport,
                 Allocation, Visit]  # fmt: skip
        for model in order:
            s.add_all([r for r in b.rows if isinstance(r, model)])
            s.flush()
    with desk.read() as s:
        return annual_report(s, desk.ctx, YEAR)


def test_the_report_reproduces_the_published_2013_14_figures(desk: Desk) -> None:
    r = _seed_report(desk)
    assert r.label == "2013-14"
    # Children looked after: 308 at the year end; 319, 315, 314 at the three before.
    assert [t.cla for t in r.cla_trend] == [319, 315, 314, 308]
    assert (r.cla_starts, r.cla_ends, r.net_change) == (138, 150, -12)
    # Published as whole percentages.
    whole = {s.label: round(s.percent or 0) for s in (*r.gender, *r.age_bands, *r.ethnicity)}
    assert whole == {
        "Male": 51, "Female": 49,
        "Under 5": 26, "5-9": 22, "10-15": 36, "16+": 16,
        "White British": 84, "BME": 11, "Not obtained": 5,
    }  # fmt: skip
    placed = {p.group: p.current_percent for p in r.placements}
    published_places = {"Fostered": 78.9, "Residential": 11.3, "Placed for adoption": 7.5,
                        "Placed with parents": 2.3}  # fmt: skip
    for group, published in published_places.items():
        # 308 children cannot give 11.3% exactly; each is within a tenth of a point.
        assert abs((placed[group] or 0) - published) <= 0.1, group
    assert {o.code: o.count for o in r.legal_orders} == {"C1": 62, "C2": 135, "E1": 69}
    # Reviews held on time, and how the children took part.
    assert r.reviews.percent == 95.6
    codes = {c.code: c.count for c in r.participation.by_code}
    assert codes == {"PN0": 192, "PN1": 242, "PN2": 0, "PN3": 2, "PN4": 3, "PN5": 107,
                     "PN6": 187, "PN7": 20}  # fmt: skip
    # Child protection conferences: children aged 4+ who took part, month by month too.
    i, c = r.icpc_participation, r.rcpc_participation
    assert (i.took_part, i.aged_4_plus, i.percent) == (83, 133, 62.4)
    assert (c.took_part, c.aged_4_plus, c.percent) == (169, 222, 76.1)
    assert [(m.aged_4_plus, m.took_part) for m in i.months] == ICPC_MONTHS
    assert [(m.aged_4_plus, m.took_part) for m in c.months] == RCPC_MONTHS
    # Reports received on time: 625 of 962 (65%) over 119 ICPCs; 1134 of 1637 (69%), 196.
    ir, rr = r.icpc_reports, r.rcpc_reports
    assert (ir.conferences, ir.required, ir.on_time, round(ir.percent or 0)) == (119, 962, 625, 65)
    assert (rr.conferences, rr.required, rr.on_time, round(rr.percent or 0)) == (
        196,
        1637,
        1134,
        69,
    )
    # 88 visits to 78 children; an average caseload of 89.
    assert (r.visits.visits, r.visits.children) == (88, 78)
    assert round(r.caseload.per_fte or 0) == 89
