"""One bundle file as a list of columns: how a row is written and how a line is read.

Each file of the bundle (docs/formats.md) is described by ``Col`` entries that name the
CSV column, the model attribute and the kind of value, so writing, reading and checking
are one generic loop instead of a hand-written parser per file.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from iro_desk.rules.identity import text_problem
from iro_desk.rules.plausible import AS_OF, RECORD, DateRange, date_problem
from iro_desk.rules.text import control_problem
from iro_desk.services.errors import Problem

# A key that is not a UUID (another system's own numbering) becomes the same UUID on
# every import, so importing a bundle twice finds the rows the first import made.
_KEY_SPACE = uuid.UUID("6f0b6a52-3c1e-4d0e-9a57-6b1d1a3c0b11")
YES, NO = "Y", "N"


def key_id(file: str, key: str) -> uuid.UUID:
    """The record id a bundle key stands for: the key itself if it is a UUID."""
    try:
        return uuid.UUID(key)
    except ValueError:
        return uuid.uuid5(_KEY_SPACE, f"{file}:{key}")


@dataclass(frozen=True)
class Col:
    """One CSV column. ``kind``: text, date, datetime, bool, int, float, or ``ref`` (a key
    of another file, given in ``ref``). ``listed``: the issue names the column, so it must
    be present; the others may be left out by a system that does not hold them."""

    name: str
    attr: str
    kind: str = "text"
    required: bool = False
    listed: bool = True
    max_len: int = 10_000
    one_line: bool = False
    choices: Collection[str] | None = None
    dates: DateRange = RECORD
    ref: str = ""
    # Something that has happened (a visit, a meeting, a report received): not after today.
    past: bool = False


@dataclass
class Line:
    """One data line of a file: its number (the header is line 1) and its cells."""

    file: str
    number: int
    cells: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.number}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, where: str | None, column: str, reason: str) -> None:
        self.items.append(Problem(column, reason, where))

    def __bool__(self) -> bool:
        return bool(self.items)


# --- writing --------------------------------------------------------------------------


def cell(value: Any) -> str:
    """A stored value as the bundle writes it: ISO dates, Y/N, blank for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# --- reading --------------------------------------------------------------------------


def read_csv(directory: Path, name: str, cols: Sequence[Col], problems: Problems) -> list[Line]:
    """The file's lines, or none (and a problem) when a listed column is missing.

    A missing file is an empty one: a bundle from another system may hold only some files.
    """
    path = directory / name
    if not path.exists():
        return []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        problems.add(name, "file", f"cannot be read: {exc}")
        return []
    if not rows:
        problems.add(f"{name}:1", "header", "the file is empty (no header line)")
        return []
    header = [h.strip().upper() for h in rows[0]]
    known = {c.name for c in cols}
    missing = [c.name for c in cols if c.listed and c.name not in header]
    unknown = [h for h in header if h not in known]
    for column in missing:
        problems.add(f"{name}:1", column, "column is missing")
    for column in unknown:
        problems.add(f"{name}:1", column, f"is not a column of {name}")
    if missing or unknown:
        return []
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(value.strip() for value in row):
            continue  # a blank line at the end of a hand-edited file
        if len(row) != len(header):
            problems.add(f"{name}:{number}", "line", f"has {len(row)} cells, not {len(header)}")
            continue
        lines.append(Line(name, number, dict(zip(header, row, strict=True))))
    return lines


def _date(col: Col, text: str, today: date, problems: Problems, where: str) -> date | None:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        problems.add(where, col.name, f"{text!r} is not a date (use YYYY-MM-DD)")
        return None
    problem = date_problem(col.dates, value, today)
    if col.past and value > today:
        problem = f"{value.isoformat()} is in the future"
    if problem:
        problems.add(where, col.name, problem)
    return value


def _datetime(col: Col, text: str, today: date, problems: Problems, where: str) -> Any:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        problems.add(where, col.name, f"{text!r} is not a date and time (use ISO 8601)")
        return None
    if value.tzinfo is None:
        problems.add(where, col.name, "needs its UTC offset (e.g. 2026-03-31T09:15:00+00:00)")
        return None
    problem = date_problem(AS_OF, value.date(), today)
    if col.past and value.date() > today:
        problem = f"{value.isoformat()} is in the future"
    if problem:
        problems.add(where, col.name, problem)
    return value


def _number(col: Col, text: str, problems: Problems, where: str) -> Any:
    try:
        return int(text) if col.kind == "int" else float(text)
    except ValueError:
        problems.add(where, col.name, f"{text!r} is not a number")
        return None


def _text(col: Col, raw: str, problems: Problems, where: str) -> str:
    if col.one_line:
        problem = control_problem(raw)
        if problem:
            problems.add(where, col.name, problem)
            return raw.strip()
    text = raw.strip()
    if len(text) > col.max_len:
        problems.add(
            where, col.name, f"is too long ({len(text)} characters, at most {col.max_len})"
        )
    else:
        problem = text_problem(text)
        if problem:
            problems.add(where, col.name, problem)
    return text


def parse_value(col: Col, raw: str, today: date, problems: Problems, where: str) -> Any:
    """One cell as a value, or None (a problem noted when it is required or malformed)."""
    text = raw.strip()
    if not text:
        if col.required:
            problems.add(where, col.name, "is required")
        return "" if col.kind == "text" else None
    if col.choices is not None and text not in col.choices:
        options = ", ".join(sorted(col.choices)[:20])
        problems.add(where, col.name, f"{text!r} is not one of {options}")
        return None
    if col.kind == "date":
        return _date(col, text, today, problems, where)
    if col.kind == "datetime":
        return _datetime(col, text, today, problems, where)
    if col.kind == "bool":
        if text not in (YES, NO):
            problems.add(where, col.name, f"{text!r} is not Y or N")
            return None
        return text == YES
    if col.kind in ("int", "float"):
        return _number(col, text, problems, where)
    return _text(col, raw, problems, where)


def parse_line(line: Line, cols: Sequence[Col], today: date, problems: Problems) -> dict[str, Any]:
    """The line's values by attribute; a column the file leaves out is not in the result."""
    return {
        col.attr: parse_value(col, line.cells[col.name], today, problems, line.where)
        for col in cols
        if col.name in line.cells
    }


def row_cells(row: Any, cols: Sequence[Col]) -> list[str]:
    """A stored row as cells, for the columns that are plain attributes."""
    return [cell(getattr(row, col.attr)) for col in cols]
