"""The annual report as tables, for the Markdown, HTML and CSV documents.

The figures are counted by ``iro_desk.services.report``; this module only arranges them,
in the order of the text layout (``report_layout``). Cells are text or numbers as they
are; each format decides how to print them (a percentage is a number, None is blank).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from iro_desk.services.report.figures import AnnualReport, CodeCount, Share

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    key: str  # a short name: the CSV file is ``<key>.csv``
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def day(d: date) -> str:
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def _shares(key: str, title: str, first: str, shares: tuple[Share, ...]) -> Table:
    return Table(
        key, title, (first, "Number", "%"), tuple((s.label, s.count, s.percent) for s in shares)
    )


def _codes(key: str, title: str, meaning: str, counted: str, items: tuple[CodeCount, ...]) -> Table:
    return Table(
        key, title, ("Code", meaning, counted), tuple((c.code, c.label, c.count) for c in items)
    )


def report_tables(r: AnnualReport) -> list[Table]:
    """Every table of the report, in the seed's order."""
    return [*_looked_after(r), *_reviews(r), *_child_protection(r), *_unit_work(r)]


def _looked_after(r: AnnualReport) -> list[Table]:
    end, before = day(r.end), day(r.previous_year_end)
    return [
        Table(
            "cla_trend",
            "Children looked after at each year end",
            ("Year", "At", "Looked after"),
            tuple((t.label, t.as_of.isoformat(), t.cla) for t in r.cla_trend),
        ),
        Table(
            "cla_summary",
            f"Children looked after, {r.label}",
            ("Figure", "Value"),
            (
                (f"Looked after at {end}", r.cla),
                (f"On short breaks only at {end} (not counted)", r.short_breaks_at_year_end),
                ("Child population (setting)", r.child_population),
                ("Rate per 10,000 children", r.rate_per_10k),
                ("Started to be looked after", r.cla_starts),
                ("Ceased to be looked after", r.cla_ends),
                ("Net change", r.net_change),
                ("Children with 3 or more placements in the year", r.three_plus_placements),
            ),
        ),
        _shares("gender", f"Gender of children looked after at {end}", "Gender", r.gender),
        _shares("age_bands", f"Age of children looked after at {end}", "Age band", r.age_bands),
        _shares("ethnicity", f"Ethnicity of children looked after at {end}", "Group", r.ethnicity),
        Table(
            "placements",
            f"Placements at {before} and at {end}",
            ("Placement group", f"At {before}", "%", f"At {end}", "%"),
            tuple(
                (p.group, p.previous, p.previous_percent, p.current, p.current_percent)
                for p in r.placements
            ),
        ),
        _codes("legal_orders", "Legal orders made in the year", "Order", "Made", r.legal_orders),
    ]


def _reviews(r: AnnualReport) -> list[Table]:
    rv, pa = r.reviews, r.participation
    return [
        Table(
            "reviews",
            "Looked After Reviews",
            ("Figure", "Number", "%"),
            (
                ("Reviews held", rv.held, None),
                ("Held on time", rv.on_time, rv.percent),
                ("Of which short-break reviews (reg 48)", rv.short_break_held, None),
                ("Reviews of children aged 4+ (PN1-PN7)", pa.aged_4_plus, None),
                ("Participated (PN1-PN3, PN5, PN6)", pa.participated, pa.participated_percent),
                ("Attended (PN1-PN4)", pa.attended, pa.attended_percent),
            ),
        ),
        _codes(
            "participation",
            "Participation in Looked After Reviews",
            "Meaning",
            "Reviews",
            pa.by_code,
        ),
    ]


def _child_protection(r: AnnualReport) -> list[Table]:
    i, c = r.icpc_participation, r.rcpc_participation
    months = tuple(
        (a.month, a.aged_4_plus, a.took_part, a.percent, b.aged_4_plus, b.took_part, b.percent)
        for a, b in zip(i.months, c.months, strict=True)
    )
    year = (f"{r.label} year", i.aged_4_plus, i.took_part, i.percent)
    year += (c.aged_4_plus, c.took_part, c.percent)
    agencies = tuple(
        (rep.kind, a.agency, a.required, a.on_time, a.percent)
        for rep in (r.icpc_reports, r.rcpc_reports)
        for a in (
            *rep.by_agency,
            _all_agencies(rep.required, rep.on_time, rep.percent, rep.conferences),
        )
    )
    return [
        Table(
            "cp_plans",
            "Children on child protection plans",
            ("Figure", "Value"),
            (
                (f"On a plan at {day(r.previous_year_end)} (start of year)", r.cp_at_start),
                (f"On a plan at {day(r.end)} (end of year)", r.cp_at_end),
            ),
        ),
        Table(
            "cp_ages",
            "Age groups of children on CP plans, by quarter",
            ("Quarter", "At", "Age group", "Number", "%"),
            tuple(
                (q.label, q.as_of.isoformat(), s.label, s.count, s.percent)
                for q in r.cp_ages
                for s in q.bands
            ),
        ),
        _shares("cp_outcomes", "Outcomes of CP plans ended in the year", "Outcome", r.cp_outcomes),
        Table(
            "conference_participation",
            "Participation of children aged 4+ in child protection conferences",
            ("Month", "ICPC aged 4+", "Took part", "%", "RCPC aged 4+", "Took part", "%"),
            (*months, year),
        ),
        Table(
            "conference_reports",
            "Reports received on time for child protection conferences",
            ("Conference", "Agency", "Reports required", "On time", "%"),
            agencies,
        ),
    ]


@dataclass(frozen=True)
class _Agencies:
    agency: str
    required: int
    on_time: int
    percent: float | None


def _all_agencies(required: int, on_time: int, percent: float | None, n: int) -> _Agencies:
    return _Agencies(f"All agencies ({n} conferences)", required, on_time, percent)


def _unit_work(r: AnnualReport) -> list[Table]:
    cl, co, rs = r.caseload, r.compliance, r.resolution
    iros = tuple((i.name, i.fte, i.active, i.children, i.per_fte) for i in cl.by_iro)
    iros += (("All active IROs", cl.fte, True, cl.allocated, cl.per_fte),)
    return [
        Table(
            "caseloads",
            f"IRO caseloads at {day(r.end)} (Handbook: {cl.low}-{cl.high} per FTE; {cl.band})",
            ("IRO", "FTE", "Active", "Children", "Per FTE"),
            tuple((n, f, "yes" if a else "no", c, p) for n, f, a, c, p in iros),
        ),
        Table(
            "visits_and_enquiries",
            "IRO visits and duty enquiries",
            ("Figure", "Number"),
            (
                ("Visits to children", r.visits.visits),
                ("Children visited", r.visits.children),
                *((f"Enquiries: {e.label} ({e.code})", e.count) for e in r.enquiries),
                ("Enquiries: total", r.enquiries_total),
            ),
        ),
        Table(
            "compliance_and_resolution",
            "Compliance forms and Issues Resolution",
            ("Figure", "Number", "%"),
            (
                ("Compliance forms sent to Team Managers", co.sent, None),
                ("Answered", co.answered, None),
                (
                    "Answered within the response time (of forms sent)",
                    co.answered_in_time,
                    co.answered_in_time_percent,
                ),
                ("With concerns (an item answered no)", co.with_concerns, None),
                ("Issues Resolution cases raised", rs.raised, None),
                *((f"Highest stage: {s.label}", s.count, None) for s in rs.by_stage),
                ("Resolved", rs.resolved, None),
                (
                    "Resolved in time (of cases raised)",
                    rs.resolved_in_time,
                    rs.resolved_in_time_percent,
                ),
                ("Referred to Cafcass", rs.cafcass_referred, None),
            ),
        ),  # fmt: skip
        Table(
            "timeliness",
            "Timeliness of allocation and circulation",
            ("Clock", "In time", "Of", "%"),
            tuple((c.label, c.count, c.total, c.percent) for c in r.clocks),
        ),
    ]
