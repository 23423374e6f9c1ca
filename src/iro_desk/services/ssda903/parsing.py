"""Parsing the 903 rows: header, episodes and reviews, each cell checked."""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from iro_desk.rules import codes
from iro_desk.rules.identity import normalise_upn
from iro_desk.rules.plausible import RECORD, date_problem
from iro_desk.rules.ssda903 import read_whole_number, upn_la_problem, upn_shape_problem
from iro_desk.services.errors import Problem
from iro_desk.services.ssda903.fileformat import (
    CIN_CODES,
    HEADER_FILE,
    NO_UPN_CODES,
    PLACE_PROVIDER_CODES,
    REC_SHAPE,
    RNE_CODES,
)
from iro_desk.services.ssda903.reading import (
    Cells,
    Discard,
    File,
    Problems,
    Row,
    fmt,
    parse_date,
)

# --- parsed rows ----------------------------------------------------------------------

# Columns a stored row can do without: a problem there is a finding and the value is
# left blank. A problem in any other column means the row cannot be stored.
HEADER_SOFT = frozenset({"SEX", "ETHNIC", "UPN", "MOTHER", "MC_DOB"})
EPISODE_SOFT = frozenset(
    {"RNE", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE", "HOME_POST",
     "PL_POST", "URN"}
)  # fmt: skip
REVIEW_SOFT = frozenset({"DOB"})


@dataclass(slots=True)
class ChildIn:
    line: int
    ref: str
    sex: str | None
    dob: date | None
    ethnicity: str | None
    upn: str | None
    upn_reason: str | None = None
    mother: bool | None = None
    mc_dob: date | None = None


@dataclass(slots=True)
class EpisodeIn:
    line: int
    ref: str
    start: date
    end: date | None
    values: dict[str, Any]  # Episode attributes other than the start (end_date too)


@dataclass(slots=True)
class ReviewIn:
    line: int
    ref: str
    review_date: date
    raw_date: str
    code: str | None


def _read_ref(cells: Cells, known: Mapping[str, date | None] | None) -> str | None:
    ref = cells.text("CHILD", required=True, max_len=40)
    if ref is not None:
        ref = sys.intern(ref)  # one string per child, however many rows it has (memory)
    cells.child = ref
    if ref is not None and known is not None and ref not in known:
        cells.add("CHILD", f"{ref!r} is not in {HEADER_FILE}")
    return ref


def _read_upn(cells: Cells, child: ChildIn) -> None:
    """A UPN (checked as the DfE checks it) or a reason code UN1-UN5 for having none."""
    raw = cells.text("UPN", max_len=20)
    if raw is None:
        return
    compact = normalise_upn(raw)
    if compact in NO_UPN_CODES:
        child.upn_reason = compact
        return
    problem = upn_shape_problem(compact)
    if problem is None and (la := upn_la_problem(compact)):
        cells.add("UPN", la, rule="UPN_LA")
    elif problem is not None:
        cells.add("UPN", problem)
    # Stored as given (a finding says what is wrong) if it fits the column at all.
    child.upn = compact if len(compact) <= 13 else None


def _read_mother(cells: Cells, child: ChildIn) -> None:
    raw = cells.text("MOTHER", max_len=20)
    if raw is not None:
        number = read_whole_number(raw)
        if number in (0, 1):
            child.mother = bool(number)
        else:
            cells.add("MOTHER", f"{raw!r} is not 1 (a mother) or 0 (not a mother)")
    mc_dob = cells.date("MC_DOB")
    if mc_dob is not None and child.dob is not None and mc_dob < child.dob:
        cells.add("MC_DOB", f"{fmt(mc_dob)} is before the child's own DOB {fmt(child.dob)}")
    child.mc_dob = mc_dob


def _header_row(cells: Cells, row: Row) -> tuple[str | None, ChildIn]:
    ref = _read_ref(cells, None)
    sex = None
    sex_raw = cells.text("SEX", required=True, max_len=5)
    if sex_raw is not None:
        number = read_whole_number(sex_raw)  # 1.0 for 1 (a spreadsheet's save)
        try:
            sex = codes.normalise_sex(str(number) if number is not None else sex_raw)
        except ValueError as exc:
            cells.add("SEX", str(exc))
    dob = cells.date("DOB", required=True)
    ethnicity = cells.code("ETHNIC", codes.ETHNIC_CODES, "ethnicity", required=False)
    child = ChildIn(row.line, ref or "", sex, dob, ethnicity, None)
    _read_upn(cells, child)
    _read_mother(cells, child)
    return ref, child


class KnownChildren(Mapping[str, "date | None"]):
    """header.csv's children, compactly: each one's CHILD, DOB and where its row is.

    All a whole return needs to hold to check its episodes and reviews against the
    header (a CHILD missing from it, a DOB that differs) and to read a child's row again
    later: a reference, a day number and two integers per child, not a parsed row.
    """

    def __init__(self) -> None:
        self._index: dict[str, int] = {}  # CHILD -> its place in header order
        self._dob = array("i")  # date ordinals; 0 for no DOB
        self._offset = array("q")
        self._line = array("i")

    def add(self, ref: str, dob: date | None, row: Row) -> None:
        self._index[ref] = len(self._dob)
        self._dob.append(dob.toordinal() if dob is not None else 0)
        self._offset.append(row.offset)
        self._line.append(row.line)

    def index(self, ref: str) -> int | None:
        return self._index.get(ref)

    def line(self, ref: str) -> int:
        return self._line[self._index[ref]]

    def place(self, i: int) -> tuple[int, int]:
        """The (byte offset, line) of the ``i``-th child's row in header.csv."""
        return self._offset[i], self._line[i]

    def __contains__(self, ref: object) -> bool:
        return ref in self._index

    def __getitem__(self, ref: str) -> date | None:
        day = self._dob[self._index[ref]]
        return date.fromordinal(day) if day else None

    def get(self, ref: str, default: Any = None) -> Any:  # type: ignore[override]
        i = self._index.get(ref)
        if i is None:
            return default
        day = self._dob[i]
        return date.fromordinal(day) if day else None

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def check_header(file: File, problems: Problems, today: date) -> KnownChildren:
    """Check every header row (noting its problems); keep only what the rest needs."""
    known = KnownChildren()
    for row in file.rows:
        cells = Cells(file.name, row, problems, today, HEADER_SOFT)
        ref, child = _header_row(cells, row)
        if ref is not None and ref in known:
            # Two rows for one child: which is right cannot be known, so nothing is.
            problems.add(
                file.name, row.line, "CHILD", f"{ref!r} is already on line {known.line(ref)}"
            )
            continue
        if ref is None or cells.skipped:
            continue
        known.add(ref, child.dob, row)
    return known


def parse_header(name: str, rows: Iterable[Row], today: date) -> dict[str, ChildIn]:
    """The header rows of children ``check_header`` kept, read again (their problems
    were noted then)."""
    children: dict[str, ChildIn] = {}
    quiet = Discard()
    for row in rows:
        ref, child = _header_row(Cells(name, row, quiet, today, HEADER_SOFT), row)
        assert ref is not None
        children[ref] = child
    return children


def _read_rec(cells: Cells, end: date | None, values: dict[str, Any]) -> None:
    rec = cells.text("REC", max_len=10)
    if rec is not None:
        rec = rec.upper()
        if not REC_SHAPE.match(rec):
            cells.add("REC", f"{rec!r} is not a reason episode ceased code (E2-E17, X1)")
            return
        values["rec"] = sys.intern(rec)  # stored as given, even on an open episode (a finding)
        if end is None and "DEC" not in cells.bad:
            cells.add("REC", "is given but DEC is blank (the episode has not ended)", rule="REC")
    elif end is not None and "REC" not in cells.bad:
        cells.add("REC", "is required when the episode has ended (DEC is given)")


def parse_episodes(
    name: str,
    rows: Iterable[Row],
    problems: Problems,
    today: date,
    known: Mapping[str, date | None] | None,
    warnings: list[Problem],
) -> dict[str, dict[date, EpisodeIn]]:
    """Episodes by child and DECOM. ``known`` is header.csv's refs -> DOB (None: unusable).

    Each child's rows must all be among ``rows``, in file order: a second episode of a
    child starting on the same day is found among them."""
    by_child: dict[str, dict[date, EpisodeIn]] = defaultdict(dict)
    for row in rows:
        cells = Cells(name, row, problems, today, EPISODE_SOFT)
        ref = _read_ref(cells, known)
        start = cells.date("DECOM", required=True)
        end = cells.date("DEC")
        values = {
            "rne": cells.code("RNE", RNE_CODES, "reason for new episode"),
            "legal_status": cells.code("LS", codes.LEGAL_STATUSES, "legal status"),
            "cin": cells.code("CIN", CIN_CODES, "category of need", required=False),
            "placement": cells.code("PLACE", codes.PLACEMENT_GROUPS, "placement (PLACE)"),
            "place_provider": cells.code(
                "PLACE_PROVIDER", PLACE_PROVIDER_CODES, "placement provider", required=False
            ),
            "end_date": end,  # here from the start: the dict is made at its final size
            "rec": None,
            "reason_place_change": cells.code(
                "REASON_PLACE_CHANGE", codes.REASON_PLACE_CHANGE, "reason for placement change",
                required=False,
            ),
            "home_post": cells.postcode("HOME_POST", warnings),
            "pl_post": cells.postcode("PL_POST", warnings),
            "urn": cells.text("URN", max_len=10),
        }  # fmt: skip
        _read_rec(cells, end, values)
        if start is not None and end is not None and end < start:
            cells.add("DEC", f"{fmt(end)} is before DECOM {fmt(start)}")
        dob = known.get(ref) if known is not None and ref is not None else None
        if start is not None and dob is not None and start < dob:
            cells.add("DECOM", f"{fmt(start)} is before the child's DOB {fmt(dob)}", rule="DOB")
        if ref is None or start is None or cells.skipped:
            continue
        same_day = by_child[ref].get(start)
        if same_day is not None:
            cells.add(
                "DECOM", f"another episode of {ref} starts on {fmt(start)} (line {same_day.line})"
            )
            continue
        by_child[ref][start] = EpisodeIn(row.line, ref, start, end, values)
    return by_child


def _review_row(
    cells: Cells, today: date, known: Mapping[str, date | None] | None
) -> tuple[str, date, str, str] | None:
    """A review row's CHILD, date, raw date and raw code, if it can be stored."""
    ref = _read_ref(cells, known)
    dob = cells.date("DOB")
    header_dob = known.get(ref) if known is not None and ref is not None else None
    if dob is not None and header_dob is not None and dob != header_dob:
        cells.add("DOB", f"{fmt(dob)} differs from {HEADER_FILE} ({fmt(header_dob)})")
    # The review code is judged by the 903 rules (167, 440, 441, 399) later.
    raw_date = cells.get("REVIEW")
    raw_code = cells.get("REVIEW_CODE")
    review_date = parse_date(raw_date) if raw_date else None
    if raw_date is not None and review_date is None:
        shown = f"{raw_date!r} is not a date; use dd/mm/yyyy" if raw_date else "is missing"
        cells.add("REVIEW", f"rule 166: the review date {shown}")
    elif review_date is not None and review_date > today:
        cells.add("REVIEW", f"{fmt(review_date)} is in the future")
    elif review_date is not None and (problem := date_problem(RECORD, review_date, today)):
        cells.add("REVIEW", problem)
    if ref is None or review_date is None or raw_code is None or cells.skipped:
        return None
    assert raw_date is not None
    return ref, review_date, raw_date, raw_code


def earliest_review(file: File, today: date, known: KnownChildren) -> date | None:
    """The earliest review date of a header child that the import will store (a second
    review on one day has that day too), read without keeping any row."""
    quiet = Discard()
    first: date | None = None
    for row in file.rows:
        found = _review_row(Cells(file.name, row, quiet, today, REVIEW_SOFT), today, known)
        if found is not None and (first is None or found[1] < first):
            first = found[1]
    return first


def parse_reviews(
    name: str,
    rows: Iterable[Row],
    problems: Problems,
    today: date,
    known: Mapping[str, date | None] | None,
) -> dict[str, list[ReviewIn]]:
    """Reviews by child; as ``parse_episodes``, each child's rows all among ``rows``."""
    by_child: dict[str, list[ReviewIn]] = defaultdict(list)
    seen: dict[tuple[str, date], int] = {}
    for row in rows:
        cells = Cells(name, row, problems, today, REVIEW_SOFT)
        found = _review_row(cells, today, known)
        if found is None:
            continue
        ref, review_date, raw_date, raw_code = found
        earlier = seen.get((ref, review_date))
        if earlier is not None:
            cells.add("REVIEW", f"a review of {ref} on {fmt(review_date)} is on line {earlier}")
            continue
        seen[(ref, review_date)] = row.line
        # Interned: a return's review days and codes repeat across thousands of rows.
        code = sys.intern(raw_code.strip().upper()) or None
        by_child[ref].append(ReviewIn(row.line, ref, review_date, sys.intern(raw_date), code))
    return by_child
