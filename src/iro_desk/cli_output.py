"""Rich tables for the headless commands (the TUI has its own widgets)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from iro_desk import clock
from iro_desk.rules.deadline_states import Deadline, cli_style, deadline_state
from iro_desk.services.display import literal, plain

if TYPE_CHECKING:  # a quick caseload check must not import the report and child modules
    from iro_desk.services.caseload import Caseload, CaseloadRow
    from iro_desk.services.child_record import ChildRecord

AMBER_WD = 10  # due within this many working days shows amber
# The deadline colours are the screens' (rules.deadline_states), in terminal colours.
OVERDUE = cli_style(Deadline.OVERDUE)


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


# Short names of the other clocks, for the caseload's "Late" column.
LATE_SHORT = {
    "IRO allocated": "IRO",
    "Decisions circulated": "decisions",
    "Record circulated": "record",
}


def due_style(row: CaseloadRow) -> str:
    return cli_style(deadline_state(row.overdue, row.wd_left, AMBER_WD))


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
        soft_wrap=not console.is_terminal,  # wrapped between words on a terminal
    )
    if h.overdue:
        console.print(Text(f"{h.overdue} overdue", style=OVERDUE))
    if not result.rows:
        console.print("No children match.")
        return
    _print_grid(console, _caseload_columns(console, result.rows, show_iro), result.rows, due_style)


@dataclass(frozen=True)
class _Column:
    title: str
    cell: Callable[[Any], str]
    max_width: int = 40
    right: bool = False
    due_coloured: bool = False  # red when overdue, amber when due soon
    shrink: int = 0  # narrowed to fit the terminal, highest first (0: never)
    person: bool = False  # a name: shortened to initials before words are dropped
    least: int = 8  # never narrowed below this


def _caseload_columns(console: Console, rows: list[CaseloadRow], show_iro: bool) -> list[_Column]:
    def status(row: CaseloadRow) -> str:
        return " ".join(p for p in (row.status, row.legal_status, row.cp_category) if p)

    def kind(row: CaseloadRow) -> str:
        value = row.next_review_kind or "-"
        return KIND_SHORT.get(value, value)

    columns = [
        _Column("Ref", lambda r: r.ref),
        _Column("Child", lambda r: r.name, 20, shrink=1, person=True),
    ]
    if show_iro:
        columns.append(_Column("IRO", lambda r: r.iro or "unallocated", 16, shrink=3, person=True))
    columns += [
        _Column("Status", status, 12, shrink=2),
        _Column("Next due", _due_text, 44, due_coloured=True),
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
        columns.append(_Column("Took part", lambda r: r.last_participation or "-", 24, shrink=4))
    if any(r.late for r in rows):  # IRO allocation or circulation late (rules/clocks.py)
        columns.append(_Column("Late", lambda r: ",".join(LATE_SHORT[n] for n in r.late), 24))
    return columns


def _now_line(c: CaseloadRow) -> Text:
    now = _line(
        "Now: ",
        (c.status, ""),
        (f" {c.legal_status}" if c.legal_status else "", ""),
        (f" placement {c.placement}" if c.placement else "", ""),
        f"; next {c.next_review_kind} due {_d(c.next_review_due)}",
    )
    if c.history_incomplete:
        now.append(" (history incomplete: enter the last review)", style="bold")
    elif c.overdue:
        now.append(" (OVERDUE)", style=OVERDUE)
    else:
        now.append(f" ({c.wd_left} WD left)")
    if c.check_record:
        now.append(" check the record", style="bold")
    return now


def _print_903_details(console: Console, r: ChildRecord) -> None:
    """MOTHER / MC_DOB / UPN reason when known, and the open 903 import findings."""
    parts = []
    if r.upn_reason:
        parts.append(f"no UPN ({r.upn_reason})")
    if r.mother is not None:
        parts.append(f"MOTHER {int(r.mother)}")
    if r.mc_dob:
        parts.append(f"MC_DOB {_d(r.mc_dob)}")
    if parts:
        console.print(_line(("903: " + ", ".join(parts), "")))
    if r.findings:
        console.print(_line((f"Open findings ({len(r.findings)}):", "bold")))
        for finding in r.findings:
            console.print(_line(("  " + finding, "")))


def _due_text(row: CaseloadRow) -> str:
    """The due date, unless a 903 import left the clock unknown or uncertain."""
    if row.history_incomplete:
        return "history incomplete: enter the last review"
    due = _short(row.next_review_due)
    return f"{due} check the record" if row.check_record else due


def _cell(value: str) -> str:
    # Printable text has no control character, so plain() would return it unchanged;
    # asking here skips its three calls for each of a national caseload's 200,000 cells.
    return value if value.isprintable() else plain(value, multiline=False)


def shorten(text: str, width: int, *, person: bool = False) -> str:
    """``text`` in at most ``width`` characters, cut between words, never inside one: a
    person's later names become initials first ("Mason Larkspur" -> "Mason L."; "Ann Mary
    Lee Cole" -> "Ann M. L. C." or "Ann C."), then
    whole words are dropped behind an ellipsis; only a first word longer than the column
    is cut."""
    if len(text) <= width:
        return text
    words = text.split(" ")
    if person:
        for n in range(len(words) - 1, 0, -1):
            short = " ".join([*words[:n], *(f"{w[:1]}." for w in words[n:] if w)])
            if len(short) <= width:
                return short
        short = f"{words[0]} {words[-1][:1]}."  # first name and the surname's initial
        if len(short) <= width:
            return short
    for n in range(len(words) - 1, 0, -1):
        kept = " ".join(words[:n]).rstrip(" ,;:-")
        if kept and len(kept) + 1 <= width:
            return kept + "…"
    return text[: width - 1] + "…"


def _word_floor(col: _Column, values: list[str]) -> int:
    """The narrowest a column can be without cutting a word: its longest first word, and
    an initial after it for a name, or an ellipsis after it for other text."""
    first = max((len(v.split(" ")[0]) for v in values), default=0)
    return max(col.least, first + (3 if col.person else 1))


def _print_grid(
    console: Console, columns: list[_Column], rows: list[Any], style_of: Callable[[Any], str]
) -> None:
    """A plain fixed-width table: a Rich Table measures every cell several times, which
    costs more than the whole caseload query for a few hundred rows.

    On a terminal it fits the width, shortening values between words; piped or redirected
    (``console.is_terminal`` false) every value is printed whole, for grep and other tools."""
    cells = [[_cell(col.cell(row)) for col in columns] for row in rows]
    fits = console.is_terminal
    widths = [
        min(
            col.max_width if fits else 10**6, max(len(col.title), *(len(line[i]) for line in cells))
        )
        for i, col in enumerate(columns)
    ]
    # Too wide for the terminal: narrow the name columns first, first down to their
    # longest first word (so no word is cut), then, only if still too wide, further.
    excess = sum(widths) + 2 * (len(widths) - 1) - console.width if fits else 0
    order = sorted((i for i, c in enumerate(columns) if c.shrink), key=lambda i: -columns[i].shrink)
    for floor in (_word_floor, lambda col, _values: col.least):
        for i in order:
            least = max(floor(columns[i], [line[i] for line in cells]), len(columns[i].title))
            cut = max(0, min(excess, widths[i] - least))
            widths[i] -= cut
            excess -= cut

    def fit(text: str, col: _Column, width: int) -> str:
        text = shorten(text, width, person=col.person)
        return text.rjust(width) if col.right else text.ljust(width)

    header = "  ".join(fit(c.title, c, w) for c, w in zip(columns, widths, strict=True))
    rule = len(header.rstrip())
    lines = [
        [(header.rstrip(), "bold")],
        [("─" * (min(rule, console.width) if fits else rule), "")],
    ]
    coloured = [col.due_coloured for col in columns]
    for row, line in zip(rows, cells, strict=True):
        style = style_of(row)
        texts = [
            fit(value, col, width) for value, col, width in zip(line, columns, widths, strict=True)
        ]
        if not style:  # most rows: one unstyled piece
            lines.append([("  ".join(texts).rstrip(), "")])
            continue
        pieces: list[tuple[str, str]] = []
        plain_run = ""
        for i, text in enumerate(texts):
            sep = "  " if i else ""
            if coloured[i]:
                pieces += [(plain_run + sep, ""), (text, style)]
                plain_run = ""
            else:
                plain_run += sep + text
        pieces.append((plain_run, ""))
        lines.append(_rstripped(pieces))
    console.print(_Lines(lines), no_wrap=True, overflow="ignore", crop=False)


def _rstripped(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The line without trailing spaces (as Text.rstrip), empty pieces dropped."""
    kept = [p for p in pieces if p[0]]
    while kept and not kept[-1][0].rstrip():
        kept.pop()
    if kept:
        kept[-1] = (kept[-1][0].rstrip(), kept[-1][1])
    return kept


class _Lines:
    """Lines of (text, style) pieces, printed as Rich segments: the same characters and
    styles as one joined Text, without Text's wrapping pass over every line (which cost
    as much as building the caseload at national scale)."""

    def __init__(self, lines: list[list[tuple[str, str]]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: Any) -> Any:
        styles: dict[str, Style | None] = {"": None}
        for line in self.lines:
            for text, name in line:
                if name not in styles:
                    styles[name] = Style.parse(name)
                yield Segment(text, styles[name])
            yield Segment.line()


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
        console.print(_now_line(r.current))
        _print_deadlines(console, r.current)
    _print_903_details(console, r)
    # Each section is printed only when the child has something in it.
    for table in (_periods(r), _plans(r), _meetings(r), _visits(r)):
        if table is not None:
            console.print(table)


def _print_deadlines(console: Console, c: CaseloadRow) -> None:
    """IRO allocation and circulation of the latest review (rules/clocks.py)."""
    from iro_desk.services.caseload_clocks import deadline_text

    for d in c.deadlines:
        console.print(Text(f"  {deadline_text(d, _d)}", style=OVERDUE if d.late else ""))


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col)
    return table


def _periods(r: ChildRecord) -> Table | None:
    if not r.periods:
        return None
    t = _table("Periods of care", "From", "To", "Legal status", "Placement")
    for p in r.periods:
        for e in p.episodes:
            t.add_row(
                _d(e.start),
                _d(e.end),
                literal(f"{e.legal_status} {e.legal_label}"),
                literal(f"{e.placement or '-'} {e.placement_group or ''}"),
            )
    return t


def _plans(r: ChildRecord) -> Table | None:
    if not r.plans:
        return None
    t = _table("Child protection", "Strategy", "ICPC", "Category", "Ended", "Outcome")
    for p in r.plans:
        t.add_row(
            _d(p.strategy_date),
            _d(p.icpc_date),
            literal(p.category or "-"),
            _d(p.end),
            literal(p.outcome or "-"),
        )
    return t


def _meetings(r: ChildRecord) -> Table | None:
    if not r.meetings:
        return None
    t = _table("Reviews and conferences", "Date", "Kind", "Due", "On time", "Participation")
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
    return t


def _visits(r: ChildRecord) -> Table | None:
    if not r.visits:
        return None
    t = _table("Visits", "Date", "IRO", "Where", "Seen alone", "Views")
    for v in r.visits:
        if not v.superseded:
            t.add_row(
                _d(v.visit_date),
                literal(v.iro),
                literal(v.location),
                "yes" if v.seen_alone else "no",
                literal(v.views[:60]),
            )
    return t


def print_duty(console: Console, day: date, who: Any, todays: list, still_open: list) -> None:
    line = _line((f"Duty {_d(day)}", "bold"), ": ")
    line.append(literal(who.duty, multiline=False) if who.duty else Text("nobody on duty", OVERDUE))
    line.append("; back-up ")
    line.append(literal(who.backup or "-", multiline=False))
    console.print(line)
    columns = [
        _Column("Received", lambda e: clock.local(e.received_at).strftime("%d %b %H:%M")),
        _Column("Cat", lambda e: e.category),
        _Column("About", lambda e: e.about, 30, shrink=1),
        _Column("Summary", lambda e: e.summary, 60, shrink=2, least=16),
        _Column("Follow-up", lambda e: _short(e.follow_up_due), due_coloured=True),
        _Column("Status", lambda e: e.status),
    ]
    for title, rows in (("Today's enquiries", todays), ("Open enquiries", still_open)):
        if not rows:
            console.print(f"{title}: none")
            continue
        console.print(Text(title))
        _print_grid(console, columns, rows, lambda e: OVERDUE if e.overdue else "")


def print_report(console: Console, report: Any) -> None:
    from iro_desk.report_layout import report_sections

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
            follow_up = Text(_short(e.follow_up_due), style=OVERDUE if e.overdue else "")
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
