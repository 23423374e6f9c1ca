"""Rich tables for the headless commands (the TUI has its own widgets)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from iro_desk.report_layout import report_sections
from iro_desk.services.caseload import Caseload, CaseloadRow
from iro_desk.services.child_record import ChildRecord
from iro_desk.services.display import literal, plain

AMBER_WD = 10  # due within this many working days shows amber


def _d(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else "-"


def _short(value: date | None) -> str:
    return value.strftime("%d %b %y") if value else "-"


# Short forms of the review kinds, so a caseload fits an 80-column terminal.
KIND_SHORT = {
    "First LAR": "LAR 1st",
    "Second LAR": "LAR 2nd",
    "Short-break review": "Short brk",
    "Secure review": "Secure",
    "First RCPC": "RCPC 1st",
}


def due_style(row: CaseloadRow) -> str:
    if row.overdue:
        return "bold red"
    if row.wd_left is not None and row.wd_left <= AMBER_WD:
        return "yellow"
    return ""


def _line(*parts: str | tuple[object, str]) -> Text:
    """One line from fixed words and (stored value, style) pairs; stored text is literal."""
    text = Text()
    for part in parts:
        if isinstance(part, tuple):
            text.append(literal(part[0], part[1], multiline=False))
        else:
            text.append(part)
    return text


def print_caseload(console: Console, result: Caseload, *, show_iro: bool) -> None:
    h = result.header
    console.print(_line((h.scope, "bold"), f" as of {_d(h.as_of)}"))
    console.print(
        f"{h.cla} looked after, {h.cp} child protection, {h.total} in all; "
        f"{h.fte:g} FTE: {h.per_fte:.0f} per FTE ({h.band})",
        soft_wrap=True,
    )
    if h.overdue:
        console.print(f"[bold red]{h.overdue} overdue[/]")
    if not result.rows:
        console.print("No children match.")
        return
    _print_grid(console, _caseload_columns(console, result.rows, show_iro), result.rows)


@dataclass(frozen=True)
class _Column:
    title: str
    cell: Callable[[CaseloadRow], str]
    max_width: int = 40
    right: bool = False
    due_coloured: bool = False  # red when overdue, amber when due soon


def _caseload_columns(console: Console, rows: list[CaseloadRow], show_iro: bool) -> list[_Column]:
    def status(row: CaseloadRow) -> str:
        return " ".join(p for p in (row.status, row.legal_status, row.cp_category) if p)

    def kind(row: CaseloadRow) -> str:
        value = row.next_review_kind or "-"
        return KIND_SHORT.get(value, value)

    columns = [_Column("Ref", lambda r: r.ref), _Column("Child", lambda r: r.name, 20)]
    if show_iro:
        columns.append(_Column("IRO", lambda r: r.iro or "unallocated", 16))
    columns += [
        _Column("Status", status, 12),
        _Column("Next due", lambda r: _short(r.next_review_due), due_coloured=True),
        _Column("Kind", kind),
        _Column(
            "WD",
            lambda r: "-" if r.wd_left is None else str(r.wd_left),
            right=True,
            due_coloured=True,
        ),
    ]
    wide = console.width >= 110 + (16 if show_iro else 0)
    if wide:
        columns.append(_Column("Last review", lambda r: _short(r.last_review)))
    columns.append(_Column("Last visit", lambda r: _short(r.last_visit)))
    if wide:
        columns.append(_Column("Took part", lambda r: r.last_participation or "-", 24))
    return columns


def _print_grid(console: Console, columns: list[_Column], rows: list[CaseloadRow]) -> None:
    """A plain fixed-width table: a Rich Table measures every cell several times, which
    costs more than the whole caseload query for a few hundred rows."""
    cells = [[plain(col.cell(row), multiline=False) for col in columns] for row in rows]
    widths = [
        min(col.max_width, max(len(col.title), *(len(line[i]) for line in cells)))
        for i, col in enumerate(columns)
    ]
    # Too wide for the terminal: narrow the name columns first.
    excess = sum(widths) + 2 * (len(widths) - 1) - console.width
    titles = [c.title for c in columns]
    for name in ("Took part", "IRO", "Status", "Child"):
        if excess <= 0:
            break
        if name in titles:
            i = titles.index(name)
            cut = min(excess, widths[i] - max(8, len(name)))
            widths[i] -= cut
            excess -= cut

    def fit(text: str, width: int, right: bool) -> str:
        if len(text) > width:
            text = text[: width - 1] + "…"
        return text.rjust(width) if right else text.ljust(width)

    header = "  ".join(fit(c.title, w, c.right) for c, w in zip(columns, widths, strict=True))
    out = [Text(header.rstrip(), style="bold"), Text("─" * min(len(header), console.width))]
    for row, line in zip(rows, cells, strict=True):
        style = due_style(row)
        text = Text()
        for i, (col, value, width) in enumerate(zip(columns, line, widths, strict=True)):
            if i:
                text.append("  ")
            text.append(fit(value, width, col.right), style=style if col.due_coloured else "")
        text.rstrip()
        out.append(text)
    console.print(Text("\n").join(out), no_wrap=True, overflow="ignore", crop=False)


def print_child(console: Console, r: ChildRecord) -> None:
    console.print(_line((r.name, "bold"), " (", (r.ref, ""), f") age {r.age}, DOB {_d(r.dob)}"))
    console.print(
        _line(
            "Sex ",
            (r.sex or "-", ""),
            "  Ethnicity ",
            (r.ethnicity_label or "-", ""),
            "  NHS ",
            (r.nhs_number or "-", ""),
            "  UPN ",
            (r.upn or "-", ""),
            "  IRO ",
            (r.iro or "unallocated", ""),
        )  # fmt: skip
    )
    if r.current:
        c = r.current
        now = _line(
            "Now: ",
            (c.status, ""),
            (f" {c.legal_status}" if c.legal_status else "", ""),
            (f" placement {c.placement}" if c.placement else "", ""),
            f"; next {c.next_review_kind} due {_d(c.next_review_due)}",
        )
        if c.overdue:
            now.append(" (OVERDUE)", style="bold red")
        else:
            now.append(f" ({c.wd_left} WD left)")
        console.print(now)
    if r.periods:
        t = Table(title="Periods of care", title_justify="left")
        for col in ("From", "To", "Legal status", "Placement"):
            t.add_column(col)
        for p in r.periods:
            for e in p.episodes:
                t.add_row(
                    _d(e.start),
                    _d(e.end),
                    literal(f"{e.legal_status} {e.legal_label}"),
                    literal(f"{e.placement or '-'} {e.placement_group or ''}"),
                )
        console.print(t)
    if r.plans:
        t = Table(title="Child protection", title_justify="left")
        for col in ("Strategy", "ICPC", "Category", "Ended", "Outcome"):
            t.add_column(col)
        for p in r.plans:
            t.add_row(
                _d(p.strategy_date),
                _d(p.icpc_date),
                literal(p.category or "-"),
                _d(p.end),
                literal(p.outcome or "-"),
            )
        console.print(t)
    if r.meetings:
        t = Table(title="Reviews and conferences", title_justify="left")
        for col in ("Date", "Kind", "Due", "On time", "Participation"):
            t.add_column(col)
        for m in r.meetings:
            took = m.participation or (
                "-" if m.cp_took_part is None else ("took part" if m.cp_took_part else "did not")
            )
            on_time = "-" if m.on_time is None else ("yes" if m.on_time else "LATE")
            t.add_row(
                _d(m.date),
                literal(m.kind + (" (brought forward)" if m.brought_forward else "")),
                _d(m.due),
                on_time,
                literal(took),
            )
        console.print(t)
    if r.visits:
        t = Table(title="Visits", title_justify="left")
        for col in ("Date", "IRO", "Where", "Seen alone", "Views"):
            t.add_column(col)
        for v in r.visits:
            if not v.superseded:
                t.add_row(
                    _d(v.visit_date),
                    literal(v.iro),
                    literal(v.location),
                    "yes" if v.seen_alone else "no",
                    literal(v.views[:60]),
                )
        console.print(t)


def print_duty(console: Console, day: date, who: Any, todays: list, still_open: list) -> None:
    line = _line((f"Duty {_d(day)}", "bold"), ": ")
    line.append(literal(who.duty, multiline=False) if who.duty else Text("nobody on duty", "red"))
    line.append("; back-up ")
    line.append(literal(who.backup or "-", multiline=False))
    console.print(line)
    for title, rows in (("Today's enquiries", todays), ("Open enquiries", still_open)):
        if not rows:
            console.print(f"{title}: none")
            continue
        t = Table(
            title=title,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            padding=(0, 1),
            collapse_padding=True,
        )
        t.add_column("Received", no_wrap=True, min_width=12)
        t.add_column("Cat", no_wrap=True, min_width=9)
        t.add_column("About", no_wrap=True, overflow="ellipsis", max_width=24)
        t.add_column("Summary", no_wrap=True, overflow="ellipsis", max_width=34)
        t.add_column("Follow-up", no_wrap=True, min_width=9)
        t.add_column("Status", no_wrap=True, min_width=6)
        for e in rows:
            t.add_row(
                e.received_at.strftime("%d %b %H:%M"),
                literal(e.category, multiline=False),
                literal(e.about, multiline=False),
                literal(e.summary, multiline=False),
                Text(_short(e.follow_up_due), style="bold red" if e.overdue else ""),
                literal(e.status, multiline=False),
            )
        console.print(t)


def print_report(console: Console, report: Any) -> None:
    for title, lines in report_sections(report):
        table = Table(title=title, title_justify="left", show_header=False, box=box.SIMPLE)
        table.add_column("Figure")
        table.add_column("Value", justify="right")
        for label, value in lines:
            table.add_row(literal(label), literal(value))
        console.print(table)


def print_enquiries(console: Console, rows: list) -> None:
    """Found enquiries, newest first, each with the short id ``duty update``/``close`` take."""
    if not rows:
        console.print("No enquiries match.")
        return
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), collapse_padding=True)
    t.add_column("ID", no_wrap=True, min_width=8)
    t.add_column("Received", no_wrap=True, min_width=9)
    t.add_column("Cat", no_wrap=True, overflow="ellipsis", max_width=7)
    t.add_column("About", no_wrap=True, overflow="ellipsis", max_width=23)
    t.add_column("Caller", no_wrap=True, overflow="ellipsis", max_width=13)
    # Closed ones say so where the follow-up would be: a seventh column breaks 80 columns.
    t.add_column("Follow-up", no_wrap=True, min_width=9)
    for e in rows:
        if e.status == "closed":
            follow_up = Text("closed", style="dim")
        else:
            follow_up = Text(_short(e.follow_up_due), style="bold red" if e.overdue else "")
        t.add_row(
            str(e.id)[:8],
            e.received_at.strftime("%d %b %y"),
            literal(e.category, multiline=False),
            literal(e.about, multiline=False),
            literal(e.caller_name or e.caller_agency or "-", multiline=False),
            follow_up,
        )
    console.print(t)
    console.print(f"{len(rows)} enquir{'y' if len(rows) == 1 else 'ies'}.")
