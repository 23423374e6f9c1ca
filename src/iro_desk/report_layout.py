"""The annual report's text layout, for the CLI: printable sections of (label, value).

The figures are counted by ``iro_desk.services.report``; this module only words them.
"""

from __future__ import annotations

import calendar
from datetime import date

from iro_desk.services.report.figures import AnnualReport

Lines = list[tuple[str, str]]  # (label, value)
Sections = list[tuple[str, Lines]]  # (title, lines)


def _p(percent: float | None) -> str:
    return "n/a" if percent is None else f"{percent:.1f}%"


def _n_pct(count: int, percent: float | None) -> str:
    return f"{count} ({_p(percent)})"


def _of(count: int, total: int, percent: float | None) -> str:
    return f"{count} of {total} ({_p(percent)})"


def _day(d: date) -> str:
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def report_sections(r: AnnualReport) -> Sections:
    """The report as printable sections: (title, [(label, value)]), in the seed's order."""
    return [
        *_looked_after(r),
        *_reviews(r),
        *_child_protection(r),
        *_unit_work(r),
    ]


def _looked_after(r: AnnualReport) -> Sections:
    end, before = _day(r.end), _day(r.previous_year_end)
    out: Sections = []
    cla = [(f"Looked after at {end}", str(r.cla))]
    cla += [(f"{t.label} (at {_day(t.as_of)})", str(t.cla)) for t in r.cla_trend]
    cla.append((f"On short breaks only at {end} (not counted)", str(r.short_breaks_at_year_end)))
    rate = "not set (child_population)" if r.rate_per_10k is None else f"{r.rate_per_10k:.1f}"
    cla.append(("Rate per 10,000 children", rate))
    out.append((f"Children looked after, {r.label}", cla))

    traits = [(s.label, _n_pct(s.count, s.percent)) for s in r.gender]
    traits += [
        (f"Aged {s.label}" if s.label[0].isdigit() else s.label, _n_pct(s.count, s.percent))
        for s in r.age_bands
    ]
    traits += [(s.label, _n_pct(s.count, s.percent)) for s in r.ethnicity]
    out.append((f"Characteristics of children looked after at {end}", traits))

    placements = [
        (
            p.group,
            f"{_n_pct(p.previous, p.previous_percent)} -> {_n_pct(p.current, p.current_percent)}",
        )
        for p in r.placements
    ]
    out.append((f"Placements at {before} and at {end}", placements))
    out.append(
        ("Legal orders made", [(f"{o.code} {o.label}", str(o.count)) for o in r.legal_orders])
    )
    starts_and_ends = [
        ("Started to be looked after", str(r.cla_starts)),
        ("Ceased to be looked after", str(r.cla_ends)),
        ("Net change", f"{r.net_change:+d}"),
    ]
    out.append(("Starts and ends of care", starts_and_ends))
    return out


def _reviews(r: AnnualReport) -> Sections:
    rv = r.reviews
    held = [
        ("Reviews held", str(rv.held)),
        ("Held on time", _of(rv.on_time, rv.held, rv.percent)),
        ("Of which short-break reviews (reg 48)", str(rv.short_break_held)),
    ]
    pa = r.participation
    part = [(f"{c.code} {c.label}", str(c.count)) for c in pa.by_code]
    part += [
        ("Reviews of children aged 4+ (PN1-PN7)", str(pa.aged_4_plus)),
        (
            "Participated (PN1-PN3, PN5, PN6)",
            _of(pa.participated, pa.aged_4_plus, pa.participated_percent),
        ),
        ("Attended (PN1-PN4)", _of(pa.attended, pa.aged_4_plus, pa.attended_percent)),
    ]
    stability = [("Children with 3 or more placements in the year", str(r.three_plus_placements))]
    return [
        ("Looked After Reviews", held),
        ("Participation in Looked After Reviews", part),
        ("Placement stability", stability),
    ]


def _child_protection(r: AnnualReport) -> Sections:
    end, before = _day(r.end), _day(r.previous_year_end)
    out: Sections = []
    cp = [
        (f"On a plan at {before} (start of year)", str(r.cp_at_start)),
        (f"On a plan at {end} (end of year)", str(r.cp_at_end)),
    ]
    out.append(("Children on child protection plans", cp))
    ages = []
    for q in r.cp_ages:
        ages += [
            (f"{q.label} ({_day(q.as_of)}) {s.label}", _n_pct(s.count, s.percent)) for s in q.bands
        ]
    out.append(("Age groups of children on CP plans, by quarter", ages))
    out.append(
        (
            "Outcomes of CP plans ended in the year",
            [(s.label, _n_pct(s.count, s.percent)) for s in r.cp_outcomes] or [("None", "0")],
        )
    )
    for cpart, title in (
        (r.icpc_participation, "Participation in Initial Child Protection Conferences (aged 4+)"),
        (r.rcpc_participation, "Participation in Child Protection Reviews (aged 4+)"),
    ):
        rows = [(m.month, _of(m.took_part, m.aged_4_plus, m.percent)) for m in cpart.months]
        rows.append((f"{r.label} year", _of(cpart.took_part, cpart.aged_4_plus, cpart.percent)))
        out.append((title, rows))
    for rep, title in (
        (r.icpc_reports, "Reports received on time for ICPCs"),
        (r.rcpc_reports, "Reports received on time for RCPCs"),
    ):
        rows = [
            ("Conferences held", str(rep.conferences)),
            ("Reports on time", _of(rep.on_time, rep.required, rep.percent)),
        ]
        rows += [(a.agency, _of(a.on_time, a.required, a.percent)) for a in rep.by_agency]
        out.append((title, rows))
    return out


def _unit_work(r: AnnualReport) -> Sections:
    visits = [("Visits", f"{r.visits.visits} visits to {r.visits.children} children")]
    enq = [
        (e.label if f"({e.code})" in e.label else f"{e.label} ({e.code})", str(e.count))
        for e in r.enquiries
    ]
    enq.append(("Total", str(r.enquiries_total)))
    co = r.compliance
    compliance = [
        ("Sent to Team Managers", str(co.sent)),
        ("Answered", str(co.answered)),
        (
            "Answered within the response time (of forms sent)",
            _of(co.answered_in_time, co.sent, co.answered_in_time_percent),
        ),
        ("With concerns (an item answered no)", str(co.with_concerns)),
    ]
    rs = r.resolution
    res = [("Cases raised", str(rs.raised))]
    res += [(f"Highest stage: {s.label}", str(s.count)) for s in rs.by_stage]
    res += [
        ("Resolved", str(rs.resolved)),
        (
            "Resolved in time (of cases raised)",
            _of(rs.resolved_in_time, rs.raised, rs.resolved_in_time_percent),
        ),
        ("Referred to Cafcass", str(rs.cafcass_referred)),
    ]
    clocks = [(c.label, _of(c.count, c.total, c.percent)) for c in r.clocks]
    return [
        ("IRO caseloads", _caseloads(r)),
        ("Timeliness of allocation and circulation", clocks),
        ("IRO visits to children", visits),
        ("Duty enquiries by category", enq),
        ("Compliance forms", compliance),
        ("Issues Resolution", res),
    ]


def _caseloads(r: AnnualReport) -> Lines:
    cl = r.caseload
    per_fte = "n/a" if cl.per_fte is None else f"{cl.per_fte:.1f} ({cl.band})"
    loads = [
        ("Active IROs", str(cl.active_iros)),
        ("Full-time equivalent", f"{cl.fte:g}"),
        (f"Children allocated at {_day(r.end)}", str(cl.allocated)),
        ("Average per full-time IRO", per_fte),
    ]
    loads += [
        (
            f"{i.name} ({i.fte:g} FTE{'' if i.active else ', inactive'})",
            f"{i.children}" + ("" if i.per_fte is None else f" ({i.per_fte:.1f} per FTE)"),
        )
        for i in cl.by_iro
    ]
    return loads
