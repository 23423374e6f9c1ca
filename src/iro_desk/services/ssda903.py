"""Import and export of SSDA903 files, the national return on looked-after children.

Three CSV files with dd/mm/yyyy dates (DOMAIN.md, "SSDA903 files"):

- ``header.csv``: CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
- ``episodes.csv``: CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,
  REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
- ``reviews.csv``: CHILD,DOB,REVIEW,REVIEW_CODE

The import checks every row of every file before it writes anything, and reports
every problem at once as ``file:line: field: reason``. It is idempotent: children
are matched on their reference, episodes on (child, DECOM) and reviews on
(child, REVIEW date), so importing the same files again changes nothing. Periods of
care are rebuilt from the chain of episodes (each DECOM equal to the previous DEC).

A return is a snapshot at 31 March: an episode still open then is written with a
blank DEC. So a blank DEC in a file never reopens an episode the database already
has as ended (the file is older than what is known), and the export writes an
episode that ended after the year's end as open.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from iro_desk.db.models import (
    Allocation,
    CarePeriod,
    Child,
    Episode,
    Iro,
    Meeting,
    MeetingChild,
    Record,
)
from iro_desk.db.types import utcnow
from iro_desk.rules import codes
from iro_desk.rules.dates import reporting_year_bounds, reporting_year_label
from iro_desk.rules.identity import normalise_postcode, normalise_upn, text_problem, upn_problem
from iro_desk.rules.participation import check_review
from iro_desk.rules.plausible import BIRTH, RECORD, date_problem, report_year_problem
from iro_desk.services.audit import add_new, change
from iro_desk.services.children import allocate
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.services.iros import find_iro
from iro_desk.services.meetings import REVIEW_KINDS

__all__ = [
    "EPISODE_COLUMNS",
    "HEADER_COLUMNS",
    "REVIEW_COLUMNS",
    "ExportResult",
    "ImportResult",
    "export_903",
    "import_903",
]

HEADER_FILE = "header.csv"
EPISODES_FILE = "episodes.csv"
REVIEWS_FILE = "reviews.csv"

HEADER_COLUMNS: tuple[str, ...] = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODE_COLUMNS: tuple[str, ...] = (
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
)  # fmt: skip
REVIEW_COLUMNS: tuple[str, ...] = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")
_FILES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (HEADER_FILE, HEADER_COLUMNS),
    (EPISODES_FILE, EPISODE_COLUMNS),
    (REVIEWS_FILE, REVIEW_COLUMNS),
)

# 903 lists that rules.codes does not hold (yet): reason for new episode, category of
# need, placement provider, and the UPN stand-ins for a child who has no UPN.
_RNE_CODES: dict[str, str] = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of both legal status and placement",
    "U": "Change of placement but same carer(s)",
    "B": "Change of legal status and placement but same carer(s)",
}
_CIN_CODES = tuple(f"N{n}" for n in range(1, 9))
_PLACE_PROVIDER_CODES = tuple(f"PR{n}" for n in range(6))
_NO_UPN_CODES = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5"})
# Reason episode ceased: E2..E9, E11..E17, E41, E45..E48, E4A, E4B, and X1 (episode
# ceases and a new one begins in the same period). Shape only: the list changes often.
_REC_SHAPE = re.compile(r"^(?:X1|E\d{1,2}|E4[AB])$")
_DATE_SHAPE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

# The last return that used 1/2 for SEX; M/F/U from 2024-25.
_LAST_NUMERIC_SEX_YEAR = 2023
_SEX_TO_OLD = {"M": "1", "F": "2"}

# Keep IN lists well inside every driver's parameter limit.
_CHUNK = 500
_SOURCE = "SSDA903"


# --- results ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import did. ``unchanged`` counts file rows that matched and needed nothing."""

    children_added: int = 0
    children_updated: int = 0
    episodes_added: int = 0
    episodes_updated: int = 0
    periods_added: int = 0
    periods_updated: int = 0
    reviews_added: int = 0
    reviews_updated: int = 0
    allocated: int = 0
    unchanged: int = 0
    warnings: tuple[Problem, ...] = ()

    def summary(self) -> str:
        parts = [
            _plural(n, one, many) + f" {verb}"
            for n, one, many, verb in (
                (self.children_added, "child", "children", "added"),
                (self.children_updated, "child", "children", "updated"),
                (self.periods_added, "period of care", "periods of care", "added"),
                (self.periods_updated, "period of care", "periods of care", "updated"),
                (self.episodes_added, "episode", "episodes", "added"),
                (self.episodes_updated, "episode", "episodes", "updated"),
                (self.reviews_added, "review", "reviews", "added"),
                (self.reviews_updated, "review", "reviews", "updated"),
                (self.allocated, "child", "children", "allocated to the IRO"),
            )
            if n
        ]
        parts = parts or ["nothing to change"]
        parts.append(f"{_plural(self.unchanged, 'row', 'rows')} already up to date")
        if self.warnings:
            parts.append(_plural(len(self.warnings), "warning", "warnings"))
        return "SSDA903 import: " + "; ".join(parts) + "."


@dataclass(frozen=True)
class ExportResult:
    year_start: int
    children: int
    episodes: int
    reviews: int
    files: tuple[Path, ...]
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        text = (
            f"SSDA903 {reporting_year_label(self.year_start)}: "
            f"{_plural(self.children, 'child', 'children')}, "
            f"{_plural(self.episodes, 'episode', 'episodes')}, "
            f"{_plural(self.reviews, 'review', 'reviews')} written to "
            f"{self.files[0].parent if self.files else '?'}"
        )
        if self.warnings:
            text += f" ({_plural(len(self.warnings), 'warning', 'warnings')})"
        return text + "."


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- reading files ------------------------------------------------------------------


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _parse_date(text: str) -> date | None:
    match = _DATE_SHAPE.match(text)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


class _Problems:
    """Problems in file order (header, episodes, reviews; then line), however found."""

    def __init__(self) -> None:
        self._items: list[tuple[int, int, int, Problem]] = []

    def add(self, file: str, line: int | None, field: str, reason: str) -> None:
        order = [name for name, _ in _FILES].index(file) if file in dict(_FILES) else 9
        where = f"{file}:{line}" if line is not None else file
        self._items.append((order, line or 0, len(self._items), Problem(field, reason, where)))

    def __bool__(self) -> bool:
        return bool(self._items)

    def sorted(self) -> list[Problem]:
        return [item[3] for item in sorted(self._items, key=lambda i: i[:3])]


@dataclass
class _Row:
    line: int  # where the row starts, counted as a text editor counts (header = 1)
    values: dict[str, str]


@dataclass
class _File:
    name: str
    usable: bool  # present and with every column; rows are checked only then
    rows: list[_Row]


def _read_file(directory: Path, name: str, columns: Sequence[str], problems: _Problems) -> _File:
    path = directory / name
    if not path.is_file():
        problems.add(name, None, "file", f"is missing from {directory}")
        return _File(name, False, [])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(name, line, "file", "is not UTF-8 text")
        return _File(name, False, [])
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 1
    rows: list[_Row] = []
    usable = True
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.add(name, start, "row", f"cannot be read as CSV ({exc})")
            usable = False
            continue
        if not any(f.strip() for f in fields):
            continue  # blank lines (and rows of empty cells) carry nothing
        if header is None:
            header, header_line = [f.strip().upper() for f in fields], start
            continue
        # Extra empty cells (a trailing comma) are harmless; missing or extra values are not.
        if len(fields) < len(header) or any(f.strip() for f in fields[len(header) :]):
            problems.add(
                name, start, "row",
                f"has {len(fields)} values but the header row has {len(header)} columns",
            )  # fmt: skip
            continue
        rows.append(_Row(start, {col: f.strip() for col, f in zip(header, fields, strict=False)}))
    if header is None:
        problems.add(name, 1, "file", "is empty (no header row)")
        return _File(name, False, [])
    for column in columns:
        if column not in header:
            problems.add(name, header_line, column, "column is missing from the header row")
            usable = False
    seen: set[str] = set()
    for column in header:
        if column in columns and column in seen:
            problems.add(name, header_line, column, "column appears twice in the header row")
            usable = False
        seen.add(column)
    return _File(name, usable, rows)


class _Cells:
    """One row's values; every problem names the file, line and column."""

    def __init__(self, file: str, row: _Row, problems: _Problems, today: date) -> None:
        self.file = file
        self.row = row
        self.problems = problems
        self.today = today
        self.bad: set[str] = set()

    @property
    def where(self) -> str:
        return f"{self.file}:{self.row.line}"

    def add(self, field: str, reason: str) -> None:
        self.problems.add(self.file, self.row.line, field, reason)
        self.bad.add(field)

    def get(self, field: str) -> str | None:
        """The raw value, or None if it cannot be stored at all (already reported)."""
        value = self.row.values.get(field, "")
        problem = text_problem(value)
        if problem:
            self.add(field, problem)
            return None
        return value

    def text(self, field: str, *, required: bool = False, max_len: int = 100) -> str | None:
        value = self.get(field)
        if value is None:
            return None
        if not value:
            if required:
                self.add(field, "is required")
            return None
        if len(value) > max_len:
            self.add(field, f"{value[:20]!r} is too long (at most {max_len} characters)")
            return None
        return value

    def code(
        self, field: str, allowed: Iterable[str], label: str, *, required: bool = True
    ) -> str | None:
        value = self.text(field, required=required, max_len=20)
        if value is None:
            return None
        value = value.upper()
        allowed = tuple(allowed)
        if value not in allowed:
            options = (
                f"one of {', '.join(allowed)}" if len(allowed) <= 15 else f"a known {label} code"
            )
            self.add(field, f"{value!r} is not {options}")
            return None
        return value

    def date(self, field: str, *, required: bool = False) -> date | None:
        value = self.text(field, required=required, max_len=10)
        if value is None:
            return None
        parsed = _parse_date(value)
        if parsed is None:
            self.add(field, f"{value!r} is not a date (dd/mm/yyyy)")
            return None
        if parsed > self.today:
            self.add(field, f"{_fmt(parsed)} is in the future")
            return None
        # No 903 date (a birth, a care episode) can plausibly be before 1900.
        problem = date_problem(BIRTH, parsed, self.today)
        if problem:
            self.add(field, problem)
            return None
        return parsed

    def postcode(self, field: str, warnings: list[Problem]) -> str | None:
        value = self.text(field, max_len=20)
        if value is None:
            return None
        tidied, warning = normalise_postcode(value)
        if len(tidied) > 8:
            self.add(field, f"{tidied!r} is too long for a postcode")
            return None
        if warning:
            warnings.append(Problem(field, warning, self.where))
        return tidied


# --- parsed rows ----------------------------------------------------------------------


@dataclass
class _ChildIn:
    line: int
    ref: str
    sex: str | None
    dob: date | None
    ethnicity: str | None
    upn: str | None


@dataclass
class _EpisodeIn:
    line: int
    ref: str
    start: date
    end: date | None
    dates_ok: bool
    values: dict[str, Any]  # Episode attributes other than the dates


@dataclass
class _ReviewIn:
    line: int
    ref: str
    review_date: date | None
    raw_date: str
    code: str


def _parse_header(
    file: _File, problems: _Problems, today: date
) -> tuple[dict[str, _ChildIn], dict[str, date | None]]:
    children: dict[str, _ChildIn] = {}
    dobs: dict[str, date | None] = {}
    for row in file.rows:
        cells = _Cells(file.name, row, problems, today)
        ref = cells.text("CHILD", required=True, max_len=40)
        sex = None
        sex_raw = cells.text("SEX", required=True, max_len=5)
        if sex_raw is not None:
            try:
                sex = codes.normalise_sex(sex_raw)
            except ValueError as exc:
                cells.add("SEX", str(exc))
        dob = cells.date("DOB", required=True)
        ethnicity = cells.code("ETHNIC", codes.ETHNIC_CODES, "ethnicity", required=False)
        upn = None
        upn_raw = cells.text("UPN", max_len=20)
        if upn_raw is not None:
            compact = normalise_upn(upn_raw)
            if compact not in _NO_UPN_CODES:
                problem = upn_problem(compact)
                if problem:
                    cells.add("UPN", problem)
                else:
                    upn = compact
        cells.code("MOTHER", ("0", "1"), "mother", required=False)
        mc_dob = cells.date("MC_DOB")
        if mc_dob is not None and dob is not None and mc_dob < dob:
            cells.add("MC_DOB", f"{_fmt(mc_dob)} is before the child's own DOB {_fmt(dob)}")
        if ref is None:
            continue
        if ref in children:
            cells.add("CHILD", f"{ref!r} is already on line {children[ref].line}")
            continue
        children[ref] = _ChildIn(row.line, ref, sex, dob, ethnicity, upn)
        dobs[ref] = dob
    return children, dobs


def _parse_episodes(
    file: _File,
    problems: _Problems,
    today: date,
    known: dict[str, date | None] | None,
    warnings: list[Problem],
) -> dict[str, dict[date, _EpisodeIn]]:
    """Episodes by child and DECOM. ``known`` is header.csv's refs -> DOB (None: unusable)."""
    by_child: dict[str, dict[date, _EpisodeIn]] = defaultdict(dict)
    for row in file.rows:
        cells = _Cells(file.name, row, problems, today)
        ref = cells.text("CHILD", required=True, max_len=40)
        if ref is not None and known is not None and ref not in known:
            cells.add("CHILD", f"{ref!r} is not in {HEADER_FILE}")
        start = cells.date("DECOM", required=True)
        end = cells.date("DEC")
        values = {
            "rne": cells.code("RNE", _RNE_CODES, "reason for new episode"),
            "legal_status": cells.code("LS", codes.LEGAL_STATUSES, "legal status"),
            "cin": cells.code("CIN", _CIN_CODES, "category of need", required=False),
            "placement": cells.code("PLACE", codes.PLACEMENT_GROUPS, "placement (PLACE)"),
            "place_provider": cells.code(
                "PLACE_PROVIDER", _PLACE_PROVIDER_CODES, "placement provider", required=False
            ),
            "rec": None,
            "reason_place_change": cells.code(
                "REASON_PLACE_CHANGE", codes.REASON_PLACE_CHANGE, "reason for placement change",
                required=False,
            ),
            "home_post": cells.postcode("HOME_POST", warnings),
            "pl_post": cells.postcode("PL_POST", warnings),
            "urn": cells.text("URN", max_len=10),
        }  # fmt: skip
        rec = cells.text("REC", max_len=10)
        if rec is not None:
            rec = rec.upper()
            if not _REC_SHAPE.match(rec):
                cells.add("REC", f"{rec!r} is not a reason episode ceased code (E2-E17, X1)")
            elif end is None and "DEC" not in cells.bad:
                cells.add("REC", "is given but DEC is blank (the episode has not ended)")
            else:
                values["rec"] = rec
        elif end is not None and "REC" not in cells.bad:
            cells.add("REC", "is required when the episode has ended (DEC is given)")
        if start is not None and end is not None and end < start:
            cells.add("DEC", f"{_fmt(end)} is before DECOM {_fmt(start)}")
        dob = known.get(ref) if known is not None and ref is not None else None
        if start is not None and dob is not None and start < dob:
            cells.add("DECOM", f"{_fmt(start)} is before the child's DOB {_fmt(dob)}")
        if ref is None or start is None:
            continue
        same_day = by_child[ref].get(start)
        if same_day is not None:
            cells.add(
                "DECOM", f"another episode of {ref} starts on {_fmt(start)} (line {same_day.line})"
            )
            continue
        dates_ok = not ({"DECOM", "DEC"} & cells.bad)
        by_child[ref][start] = _EpisodeIn(row.line, ref, start, end, dates_ok, values)
    return by_child


def _parse_reviews(
    file: _File,
    problems: _Problems,
    today: date,
    known: dict[str, date | None] | None,
) -> dict[str, list[_ReviewIn]]:
    by_child: dict[str, list[_ReviewIn]] = defaultdict(list)
    seen: dict[tuple[str, date], int] = {}
    for row in file.rows:
        cells = _Cells(file.name, row, problems, today)
        ref = cells.text("CHILD", required=True, max_len=40)
        if ref is not None and known is not None and ref not in known:
            cells.add("CHILD", f"{ref!r} is not in {HEADER_FILE}")
        dob = cells.date("DOB")
        header_dob = known.get(ref) if known is not None and ref is not None else None
        if dob is not None and header_dob is not None and dob != header_dob:
            cells.add("DOB", f"{_fmt(dob)} differs from {HEADER_FILE} ({_fmt(header_dob)})")
        # The review date and code are judged by the 903 rules (166/167) later, with the rest.
        raw_date = cells.get("REVIEW")
        raw_code = cells.get("REVIEW_CODE")
        review_date = _parse_date(raw_date) if raw_date else None
        if review_date is not None and review_date > today:
            cells.add("REVIEW", f"{_fmt(review_date)} is in the future")
        elif review_date is not None and (problem := date_problem(RECORD, review_date, today)):
            cells.add("REVIEW", problem)
        if ref is None or raw_date is None or raw_code is None:
            continue
        if review_date is not None:
            earlier = seen.get((ref, review_date))
            if earlier is not None:
                cells.add(
                    "REVIEW", f"a review of {ref} on {_fmt(review_date)} is on line {earlier}"
                )
                continue
            seen[(ref, review_date)] = row.line
        by_child[ref].append(
            _ReviewIn(row.line, ref, review_date, raw_date, raw_code.strip().upper())
        )
    return by_child


# --- what the database already holds --------------------------------------------------


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass
class _Existing:
    children: dict[str, Child] = field(default_factory=dict)
    episodes: dict[uuid.UUID, list[Episode]] = field(default_factory=lambda: defaultdict(list))
    periods: dict[uuid.UUID, CarePeriod] = field(default_factory=dict)
    reviews: dict[uuid.UUID, list[MeetingChild]] = field(default_factory=lambda: defaultdict(list))
    allocations: dict[uuid.UUID, list[Allocation]] = field(
        default_factory=lambda: defaultdict(list)
    )


def _load_existing(session: Session, refs: Iterable[str]) -> _Existing:
    """Everything the import compares against, in a few queries however many children."""
    found = _Existing()
    for chunk in _chunks(sorted(refs)):
        for child in session.scalars(select(Child).where(Child.ref.in_(chunk))):
            found.children[child.ref] = child
    ids = [c.id for c in found.children.values()]
    for chunk in _chunks(ids):
        for episode in session.scalars(select(Episode).where(Episode.child_id.in_(chunk))):
            found.episodes[episode.child_id].append(episode)
        for period in session.scalars(select(CarePeriod).where(CarePeriod.child_id.in_(chunk))):
            found.periods[period.id] = period
        for review in session.scalars(
            select(MeetingChild).where(
                MeetingChild.child_id.in_(chunk), MeetingChild.kind.in_(REVIEW_KINDS)
            )
        ):
            found.reviews[review.child_id].append(review)
        for allocation in session.scalars(select(Allocation).where(Allocation.child_id.in_(chunk))):
            found.allocations[allocation.child_id].append(allocation)
    return found


# --- checking a child's file rows against each other and the database -----------------

_EPISODE_FIELDS = (
    "rne", "legal_status", "cin", "placement", "place_provider", "end_date", "rec",
    "reason_place_change", "home_post", "pl_post", "urn",
)  # fmt: skip


@dataclass
class _Ep:
    """One episode as it will be after the import: the file's values over the database's."""

    start: date
    end: date | None
    values: dict[str, Any]  # Episode attributes, end_date included
    file: _EpisodeIn | None
    db: Episode | None

    def describe(self) -> str:
        span = f"from {_fmt(self.start)} to {_fmt(self.end) if self.end else 'now (still open)'}"
        if self.file is not None:
            return f"the episode on line {self.file.line} ({span})"
        return f"the episode already recorded {span}"


def _merged(file: _EpisodeIn | None, db: Episode | None) -> _Ep:
    if file is None:
        assert db is not None
        values = {name: getattr(db, name) for name in _EPISODE_FIELDS}
        return _Ep(db.start_date, db.end_date, values, None, db)
    values = dict(file.values, end_date=file.end)
    if file.end is None and db is not None and db.end_date is not None:
        # An older snapshot: keep the end the database already knows.
        for name in ("end_date", "rec", "reason_place_change"):
            values[name] = getattr(db, name)
    return _Ep(file.start, values["end_date"], values, file, db)


@dataclass
class _Run:
    """A chain of episodes, each starting the day the previous one ended: a period of care."""

    episodes: list[_Ep]
    period: CarePeriod | None = None  # the existing period it keeps, if any
    new_period: CarePeriod | None = None

    @property
    def start(self) -> date:
        return self.episodes[0].start

    @property
    def end(self) -> date | None:
        return self.episodes[-1].end

    def covers(self, on: date) -> bool:
        return self.start <= on and (self.end is None or self.end >= on)

    @property
    def period_id(self) -> uuid.UUID:
        row = self.period or self.new_period
        assert row is not None
        return row.id


@dataclass
class _ChildPlan:
    ref: str
    header: _ChildIn
    existing: Child | None
    runs: list[_Run]
    reviews: list[_ReviewIn]
    lars: dict[date, MeetingChild]  # LARs already recorded, by date: the file's reviews match
    kept: list[MeetingChild]  # reviews already recorded that the file does not mention


def _episode_on(episodes: Sequence[_Ep], on: date) -> _Ep | None:
    """The episode covering ``on``; on a change-over day, the one that starts then."""
    found = None
    for ep in episodes:
        if ep.start > on:
            break
        if ep.end is None or ep.end >= on:
            found = ep
    return found


def _check_episode_chain(ref: str, episodes: list[_Ep], problems: _Problems) -> None:
    """Episodes (sorted by start) must not overlap; the row at fault is a file row."""
    for prev, cur in zip(episodes, episodes[1:], strict=False):
        if prev.end is not None and prev.end <= cur.start:
            continue
        if cur.file is not None:
            problems.add(
                EPISODES_FILE, cur.file.line, "DECOM",
                f"{_fmt(cur.start)} is inside {prev.describe()} of {ref}",
            )  # fmt: skip
        elif prev.file is not None:
            said = "is blank (still open)" if prev.end is None else f"{_fmt(prev.end)} is after"
            problems.add(
                EPISODES_FILE, prev.file.line, "DEC",
                f"{said}, but {ref} has {cur.describe()}",
            )  # fmt: skip


def _make_runs(episodes: list[_Ep]) -> list[_Run]:
    runs: list[_Run] = []
    for ep in episodes:
        if runs and runs[-1].end is not None and runs[-1].end == ep.start:
            runs[-1].episodes.append(ep)
        else:
            runs.append(_Run([ep]))
    return runs


def _assign_periods(
    ref: str, runs: list[_Run], periods: dict[uuid.UUID, CarePeriod], problems: _Problems
) -> None:
    """Each run keeps the existing period its episodes belong to; new runs get new periods."""
    claimed: set[uuid.UUID] = set()
    for run in runs:
        ids = {ep.db.period_id for ep in run.episodes if ep.db is not None}
        owned = sorted((periods[i] for i in ids if i in periods), key=lambda p: p.start_date)
        if len(owned) > 1:
            line = next((ep.file.line for ep in run.episodes if ep.file), None)
            starts = " and ".join(_fmt(p.start_date) for p in owned)
            problems.add(
                EPISODES_FILE, line, "DECOM",
                f"{ref}'s episodes would join the periods of care already recorded from "
                f"{starts} into one; correct those periods on the desk first",
            )  # fmt: skip
        for period in owned:
            if period.id not in claimed:
                run.period = period
                claimed.add(period.id)
                break


def _check_reviews(
    ref: str,
    dob: date | None,
    reviews: list[_ReviewIn],
    episodes: list[_Ep] | None,
    problems: _Problems,
) -> None:
    """The 903 review rules for each row; ``episodes`` None when they cannot be known."""
    fields = {"review_date": "REVIEW", "participation": "REVIEW_CODE", "legal_status": "REVIEW"}
    for review in reviews:
        legal_status = None
        if episodes is not None and review.review_date is not None:
            ep = _episode_on(episodes, review.review_date)
            if ep is None:
                problems.add(
                    REVIEWS_FILE, review.line, "REVIEW",
                    f"{ref} was not looked after on {_fmt(review.review_date)}",
                )  # fmt: skip
            else:
                legal_status = ep.values["legal_status"]
        for breach in check_review(review.review_date, review.code or None, dob, legal_status):
            reason = breach.message
            if breach.rule == 166 and review.raw_date:
                reason += f" ({review.raw_date!r}; use dd/mm/yyyy)"
            problems.add(REVIEWS_FILE, review.line, fields.get(breach.field, "REVIEW"), reason)


def _plan(
    children: dict[str, _ChildIn],
    episodes_in: dict[str, dict[date, _EpisodeIn]] | None,
    reviews_in: dict[str, list[_ReviewIn]],
    existing: _Existing,
    problems: _Problems,
) -> list[_ChildPlan]:
    """Check each child's episodes and reviews together with what the database holds."""
    plans: list[_ChildPlan] = []
    for ref, header in children.items():
        child = existing.children.get(ref)
        db_eps = {e.start_date: e for e in existing.episodes[child.id]} if child else {}
        file_eps = {
            start: ep for start, ep in (episodes_in or {}).get(ref, {}).items() if ep.dates_ok
        }
        merged = [
            _merged(file_eps.get(start), db_eps.get(start))
            for start in sorted(set(file_eps) | set(db_eps))
        ]
        _check_episode_chain(ref, merged, problems)
        runs = _make_runs(merged)
        _assign_periods(ref, runs, existing.periods, problems)
        reviews = reviews_in.get(ref, [])
        _check_reviews(
            ref, header.dob, reviews, merged if episodes_in is not None else None, problems
        )
        held = existing.reviews[child.id] if child else []
        # A review already recorded (and not in the file) must stay inside a period of care.
        in_file = {r.review_date for r in reviews}
        kept = [
            r for r in held
            if r.period_id is not None and not (r.kind == "LAR" and r.meeting_date in in_file)
        ]  # fmt: skip
        for review in kept:
            if not any(run.covers(review.meeting_date) for run in runs):
                problems.add(
                    EPISODES_FILE, None, "DEC",
                    f"{ref}'s {review.kind} already recorded on {_fmt(review.meeting_date)} "
                    "would fall outside every period of care",
                )  # fmt: skip
        lars = {r.meeting_date: r for r in held if r.kind == "LAR"}
        plans.append(_ChildPlan(ref, header, child, runs, reviews, lars, kept))
    return plans


def _check_strays(
    children: dict[str, _ChildIn],
    episodes_in: dict[str, dict[date, _EpisodeIn]] | None,
    reviews_in: dict[str, list[_ReviewIn]],
    problems: _Problems,
) -> None:
    """Rows of children missing from header.csv are still checked, so every problem shows."""
    for ref, by_start in (episodes_in or {}).items():
        if ref not in children:
            merged = [_merged(ep, None) for _, ep in sorted(by_start.items()) if ep.dates_ok]
            _check_episode_chain(ref, merged, problems)
    for ref, reviews in reviews_in.items():
        if ref not in children:
            _check_reviews(ref, None, reviews, None, problems)


# --- writing ----------------------------------------------------------------------------


class _Writer:
    """Writes in table order (a row's parents are flushed before it), each through audit."""

    STAGES = ("child", "care_period", "episode", "meeting", "meeting_child")

    def __init__(self, session: Session, ctx: Ctx) -> None:
        self.session = session
        self.ctx = ctx
        self.now = utcnow()  # one timestamp for the whole import
        self._ops: dict[str, list[tuple[Record, dict[str, Any] | None, str, dict[str, Any]]]] = {
            stage: [] for stage in self.STAGES
        }

    def fresh(self) -> dict[str, Any]:
        """Key and stamps given up front: the models' default factories are slow in bulk."""
        return {"id": uuid.uuid4(), "created_at": self.now, "updated_at": self.now}

    def add(self, row: Record, action: str, **detail: Any) -> None:
        self._ops[row.__tablename__].append((row, None, action, detail))  # type: ignore[attr-defined]

    def change(self, row: Record, values: dict[str, Any], action: str, **detail: Any) -> None:
        self._ops[row.__tablename__].append((row, values, action, detail))  # type: ignore[attr-defined]

    def run(self) -> None:
        for stage in self.STAGES:
            for row, values, action, detail in self._ops[stage]:
                if values is None:
                    add_new(self.session, self.ctx, row, action, **detail)
                else:
                    for name, value in values.items():
                        setattr(row, name, value)
                    change(self.session, self.ctx, row, action, **detail)
            self.session.flush()


def _differences(row: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in wanted.items() if getattr(row, name) != value}


@dataclass
class _Counts:
    children_added: int = 0
    children_updated: int = 0
    episodes_added: int = 0
    episodes_updated: int = 0
    periods_added: int = 0
    periods_updated: int = 0
    reviews_added: int = 0
    reviews_updated: int = 0
    allocated: int = 0
    unchanged: int = 0


def _write_child(plan: _ChildPlan, writer: _Writer, counts: _Counts) -> Child:
    header = plan.header
    ref = plan.ref
    child = plan.existing
    if child is None:
        child = Child(
            **writer.fresh(),
            ref=ref,
            dob=header.dob,
            sex=header.sex,
            ethnicity=header.ethnicity,
            upn=header.upn,
        )
        writer.add(child, "child.add", ref=ref, source=_SOURCE)
        counts.children_added += 1
    else:
        wanted: dict[str, Any] = {"sex": header.sex, "dob": header.dob}
        # A blank ETHNIC or UPN in the return does not erase what the desk knows.
        if header.ethnicity is not None:
            wanted["ethnicity"] = header.ethnicity
        if header.upn is not None:
            wanted["upn"] = header.upn
        if header.dob is not None and child.expected_dob is not None:
            wanted["expected_dob"] = None  # born since a pre-birth conference
        diff = _differences(child, wanted)
        if diff:
            writer.change(child, diff, "child.update", ref=ref, fields=sorted(diff), source=_SOURCE)
            counts.children_updated += 1
        else:
            counts.unchanged += 1

    for run in plan.runs:
        if run.period is None:
            run.new_period = CarePeriod(
                **writer.fresh(), child_id=child.id, start_date=run.start, end_date=run.end
            )
            writer.add(run.new_period, "care.start", child=ref, start=run.start, source=_SOURCE)
            counts.periods_added += 1
        else:
            diff = _differences(run.period, {"start_date": run.start, "end_date": run.end})
            if diff:
                writer.change(run.period, diff, "care.update", child=ref, **diff)
                counts.periods_updated += 1
        for ep in run.episodes:
            wanted = dict(ep.values, period_id=run.period_id)
            if ep.db is None:
                row = Episode(**writer.fresh(), child_id=child.id, start_date=ep.start, **wanted)
                writer.add(row, "episode.add", child=ref, start=ep.start, source=_SOURCE)
                counts.episodes_added += 1
                continue
            if ep.file is None:
                wanted = {"period_id": run.period_id}  # only re-filed under its new period
            diff = _differences(ep.db, wanted)
            if diff:
                writer.change(
                    ep.db, diff, "episode.update", child=ref, start=ep.start,
                    fields=sorted(diff), source=_SOURCE,
                )  # fmt: skip
                counts.episodes_updated += 1
            elif ep.file is not None:
                counts.unchanged += 1

    def period_on(on: date) -> uuid.UUID | None:
        return next((run.period_id for run in plan.runs if run.covers(on)), None)

    for review in plan.reviews:
        assert review.review_date is not None
        period_id = period_on(review.review_date)
        found = plan.lars.get(review.review_date)
        if found is None:
            meeting = Meeting(**writer.fresh(), kind="LAR", meeting_date=review.review_date)
            writer.add(meeting, "meeting.add", kind="LAR", date=review.review_date, source=_SOURCE)
            row = MeetingChild(
                **writer.fresh(),
                meeting_id=meeting.id,
                child_id=child.id,
                kind="LAR",
                meeting_date=review.review_date,
                period_id=period_id,
                participation=review.code,
            )
            writer.add(
                row, "review.add", child=ref, date=review.review_date,
                participation=review.code, source=_SOURCE,
            )  # fmt: skip
            counts.reviews_added += 1
            continue
        diff = _differences(found, {"participation": review.code, "period_id": period_id})
        if diff:
            writer.change(
                found, diff, "review.update", child=ref, date=review.review_date,
                fields=sorted(diff), source=_SOURCE,
            )  # fmt: skip
            counts.reviews_updated += 1
        else:
            counts.unchanged += 1

    # Reviews recorded on the desk (not in the file) follow their period if it was re-made.
    for found in plan.kept:
        period_id = period_on(found.meeting_date)
        if period_id is not None and period_id != found.period_id:
            writer.change(
                found, {"period_id": period_id}, "review.update", child=ref,
                date=found.meeting_date, fields=["period_id"], source=_SOURCE,
            )  # fmt: skip
            counts.reviews_updated += 1
    return child


def import_903(
    session: Session,
    ctx: Ctx,
    directory: Path,
    *,
    iro_name: str | None = None,
    as_of: date | None = None,
) -> ImportResult:
    """Import header.csv, episodes.csv and reviews.csv from ``directory``.

    Raises ``InvalidInput`` listing every bad row (``file:line: field: reason``)
    before anything is written. With ``iro_name``, each imported child looked after
    on ``as_of`` (default: today) who has no IRO is allocated to that IRO from then.
    """
    iro: Iro | None = None
    if iro_name is not None:
        iro = find_iro(session, iro_name)
        if not iro.active:
            raise InvalidInput.one("iro", f"{iro.name} is not active")
    as_of = as_of or ctx.today
    directory = Path(directory)
    problems = _Problems()
    warnings: list[Problem] = []

    files = {name: _read_file(directory, name, cols, problems) for name, cols in _FILES}
    header_file, episodes_file, reviews_file = (files[name] for name, _ in _FILES)
    # A file without all its columns is reported once, not on every row.
    children, dobs = (
        _parse_header(header_file, problems, ctx.today) if header_file.usable else ({}, {})
    )
    known = dobs if header_file.usable else None
    episodes_in = (
        _parse_episodes(episodes_file, problems, ctx.today, known, warnings)
        if episodes_file.usable
        else None
    )
    reviews_in = (
        _parse_reviews(reviews_file, problems, ctx.today, known) if reviews_file.usable else {}
    )

    plans: list[_ChildPlan] = []
    existing = _Existing()
    if header_file.usable:
        existing = _load_existing(session, children)
        plans = _plan(children, episodes_in, reviews_in, existing, problems)
        _check_strays(children, episodes_in, reviews_in, problems)
    else:
        _check_strays({}, episodes_in, reviews_in, problems)
    if problems:
        raise InvalidInput(problems.sorted())

    # Every row is good: write, parents before children, then allocate.
    counts = _Counts()
    writer = _Writer(session, ctx)
    written = [(plan, _write_child(plan, writer, counts)) for plan in plans]
    writer.run()
    if iro is not None:
        for plan, child in written:
            if not any(run.covers(as_of) for run in plan.runs):
                continue
            held = existing.allocations[child.id] if plan.existing is not None else []
            # A current or already planned allocation stays as it is.
            if any(a.end_date is None or a.end_date > as_of for a in held):
                continue
            allocate(session, ctx, child, iro, as_of)
            counts.allocated += 1
    session.flush()
    return ImportResult(**vars(counts), warnings=tuple(warnings))


# --- export -----------------------------------------------------------------------------


def _write_csv_atomically(
    path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]
) -> None:
    """A reader never sees half a file: write a temporary file beside it, then rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _d(value: date | None) -> str:
    return _fmt(value) if value is not None else ""


def export_903(session: Session, ctx: Ctx, directory: Path, *, year_start: int) -> ExportResult:
    """Write the three 903 files for the year 1 April ``year_start`` to 31 March after.

    Children looked after at any time in the year, their episodes open in the year
    (as known on 31 March: a later end is left blank) and their reviews in the year.
    """
    problem = report_year_problem(year_start, ctx.today)
    if problem:
        raise InvalidInput.one("year", problem)
    first, last = reporting_year_bounds(year_start)
    directory = Path(directory)
    # Records about children: a new folder is private, like the data folder.
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    numeric_sex = year_start <= _LAST_NUMERIC_SEX_YEAR
    label = reporting_year_label(year_start)
    warnings: list[str] = []

    open_in_year = and_(
        Episode.start_date <= last, or_(Episode.end_date.is_(None), Episode.end_date >= first)
    )
    in_year = select(Episode.child_id).where(open_in_year)

    header_rows: list[list[str]] = []
    for child in session.scalars(select(Child).where(Child.id.in_(in_year)).order_by(Child.ref)):
        sex = child.sex or ""
        if numeric_sex and sex:
            if sex not in _SEX_TO_OLD:
                warnings.append(f"{child.ref}: SEX {sex} has no code in the {label} return")
            sex = _SEX_TO_OLD.get(sex, "")
        for name, value in (("SEX", sex), ("DOB", child.dob), ("ETHNIC", child.ethnicity)):
            if not value:
                warnings.append(f"{child.ref}: {name} is not recorded")
        # MOTHER and MC_DOB are not held on the desk; the return leaves them blank.
        header_rows.append(
            [child.ref, sex, _d(child.dob), child.ethnicity or "", child.upn or "", "", ""]
        )

    episode_rows: list[list[str]] = []
    for ep, ref in session.execute(
        select(Episode, Child.ref)
        .join(Child, Child.id == Episode.child_id)
        .where(open_in_year)
        .order_by(Child.ref, Episode.start_date)
    ):
        ended = ep.end_date is not None and ep.end_date <= last
        episode_rows.append(
            [
                ref,
                _d(ep.start_date),
                ep.rne or "",
                ep.legal_status,
                ep.cin or "",
                ep.placement or "",
                ep.place_provider or "",
                _d(ep.end_date) if ended else "",
                (ep.rec or "") if ended else "",
                (ep.reason_place_change or "") if ended else "",
                ep.home_post or "",
                ep.pl_post or "",
                ep.urn or "",
            ]
        )

    review_rows: list[list[str]] = []
    for review, ref, dob in session.execute(
        select(MeetingChild, Child.ref, Child.dob)
        .join(Child, Child.id == MeetingChild.child_id)
        .where(
            MeetingChild.kind == "LAR",
            MeetingChild.meeting_date >= first,
            MeetingChild.meeting_date <= last,
            MeetingChild.child_id.in_(in_year),
        )
        .order_by(Child.ref, MeetingChild.meeting_date)
    ):
        review_rows.append([ref, _d(dob), _d(review.meeting_date), review.participation or ""])

    paths = []
    for (name, columns), rows in zip(_FILES, (header_rows, episode_rows, review_rows), strict=True):
        path = directory / name
        _write_csv_atomically(path, columns, rows)
        paths.append(path)
    return ExportResult(
        year_start=year_start,
        children=len(header_rows),
        episodes=len(episode_rows),
        reviews=len(review_rows),
        files=tuple(paths),
        warnings=tuple(warnings),
    )
