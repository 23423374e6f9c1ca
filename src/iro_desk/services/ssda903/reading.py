"""Reading the 903 CSV files: bytes to rows, every problem noted with its line."""

from __future__ import annotations

import csv
import heapq
import os
import pickle
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, overload

from iro_desk.rules.identity import normalise_postcode, text_problem
from iro_desk.rules.plausible import BIRTH, date_problem
from iro_desk.rules.text import control_problem
from iro_desk.services.errors import Problem
from iro_desk.services.ssda903.fileformat import DATE_SHAPE, FILES

# --- reading files ------------------------------------------------------------------


def fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


# A return repeats its dates (birthdays, review days) thousands of times: one date object
# per distinct text, shared, keeps a national return's rows smaller (memory) and quicker.
@lru_cache(maxsize=8192)
def parse_date(text: str) -> date | None:
    match = DATE_SHAPE.match(text)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


# What an import does with a row it has a problem with (docs/domain.md, "SSDA903 files").
REFUSED = "refused"  # the files cannot be read as a return: nothing is imported
SKIPPED = "skipped"  # the row cannot be stored: it is left out, the rest imported
FINDING = "finding"  # a data-quality finding: the row is stored as given, the finding kept


@dataclass(frozen=True, slots=True)
class Noted:
    """One problem an import found, where, and what it means for the row."""

    file: str
    line: int | None
    field: str
    reason: str
    kind: str
    rule: str  # a DfE rule number, a column name, or OVERLAP, OUTSIDE, HISTORY...
    child_ref: str = ""
    on_date: date | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def problem(self) -> Problem:
        return Problem(self.field, self.reason, self.where)


_Item = tuple[int, int, int, Noted]  # file order, line (0: none), order noted, the problem


def _order(item: _Item) -> tuple[int, int, int]:
    return item[0], item[1], item[2]


class Problems:
    """Problems in file order (header, episodes, reviews; then line), however found.

    A national return can have tens of thousands of findings, so beyond a few thousand
    they are kept in sorted runs in an unnamed temporary file (gone when this is) and
    merged when read: memory stays flat however many there are.
    """

    SPILL_AT = 4096  # problems held in memory before they go to the file as a run
    BLOCK = 256  # problems read back at a time from each run

    def __init__(self, *, first: int = 0) -> None:
        # ``first``: where this one's order of noting starts (a later set of problems,
        # read together with another, sorts after it on the same file and line).
        self._items: list[_Item] = []
        self._seq = first
        self._kinds: Counter[str] = Counter()
        self._runs: list[list[tuple[int, int]]] = []  # each run's blocks: (offset, size)
        self._file: IO[bytes] | None = None
        self._end = 0

    def add(
        self,
        file: str,
        line: int | None,
        field: str,
        reason: str,
        *,
        kind: str = REFUSED,
        rule: str | None = None,
        child: str | None = None,
        on_date: date | None = None,
    ) -> None:
        order = [name for name, _ in FILES].index(file) if file in dict(FILES) else 9
        noted = Noted(file, line, field, reason, kind, rule or field, child or "", on_date)
        self._items.append((order, line or 0, self._seq, noted))
        self._seq += 1
        self._kinds[kind] += 1
        if len(self._items) >= self.SPILL_AT:
            self._spill()

    def _spill(self) -> None:
        if self._file is None:
            # Unnamed (no other process can open it) and gone when closed.
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as this)
        items = sorted(self._items, key=_order)
        self._items = []
        blocks = []
        for i in range(0, len(items), self.BLOCK):
            data = pickle.dumps(items[i : i + self.BLOCK], pickle.HIGHEST_PROTOCOL)
            os.pwrite(self._file.fileno(), data, self._end)
            blocks.append((self._end, len(data)))
            self._end += len(data)
        self._runs.append(blocks)

    def _read(self, blocks: list[tuple[int, int]]) -> Iterator[_Item]:
        assert self._file is not None
        for offset, size in blocks:
            yield from pickle.loads(os.pread(self._file.fileno(), size, offset))

    def _sorted_runs(self) -> list[Iterator[_Item]]:
        return [self._read(blocks) for blocks in self._runs] + [
            iter(sorted(self._items, key=_order))
        ]

    def __bool__(self) -> bool:
        return self.count() > 0

    def count(self, *kinds: str) -> int:
        """How many, of the given kinds (any kind if none is given)."""
        return sum(n for kind, n in self._kinds.items() if not kinds or kind in kinds)

    def has(self, *kinds: str) -> bool:
        return self.count(*kinds) > 0

    def noted(self, *kinds: str) -> list[Noted]:
        """In file order; only the given kinds, if any are given."""
        return list(NotedInOrder((self,), kinds))

    def sorted(self, *kinds: str) -> list[Problem]:
        return [n.problem() for n in self.noted(*kinds)]


class NotedInOrder(Sequence[Noted]):
    """The problems of one or more ``Problems``, in file order, of the given kinds (any
    if none): read again from where they are kept each time they are gone through."""

    def __init__(self, sources: Sequence[Problems], kinds: Sequence[str] = ()) -> None:
        self._sources = tuple(sources)
        self._kinds = tuple(kinds)
        self._len = sum(source.count(*self._kinds) for source in self._sources)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[Noted]:
        runs = [run for source in self._sources for run in source._sorted_runs()]
        for item in heapq.merge(*runs, key=_order):
            if not self._kinds or item[3].kind in self._kinds:
                yield item[3]

    @overload
    def __getitem__(self, index: int) -> Noted: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Noted]: ...
    def __getitem__(self, index: int | slice) -> Noted | Sequence[Noted]:
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"NotedInOrder({list(self)!r})"


class Discard(Problems):
    """Problems not kept: for reading rows again whose problems were noted already."""

    def add(self, *args: Any, **kwargs: Any) -> None:
        pass


@dataclass(slots=True)
class Row:
    line: int  # where the row starts, counted as a text editor counts (header = 1)
    values: dict[str, str]
    offset: int = 0  # the byte where the row starts: it can be read again from there


class File:
    """One 903 file, checked whole; its rows are read again, one at a time, when wanted.

    Reading streams the file rather than holding it: a national return's rows as Python
    strings and dicts were most of an import's memory, and grew with the file. A row
    can also be read again on its own (``rows_at``), from the byte where it starts.
    """

    def __init__(
        self, name: str, usable: bool, path: Path | None = None, header: list[str] | None = None
    ) -> None:
        self.name = name
        self.usable = usable  # present and with every column; rows are checked only then
        self._path = path  # None: nothing to hand out (missing, not UTF-8, no header)
        self._header = header

    @property
    def rows(self) -> Iterator[Row]:
        """The rows that fit the header, in file order (those that do not were noted)."""
        return iter(()) if self._path is None else _rows(self._path)

    def rows_at(self, places: Iterable[tuple[int, int]]) -> Iterator[Row]:
        """The rows starting at these (byte offset, line) places, in the order given."""
        if self._path is None or self._header is None:
            return
        header = self._header
        with self._path.open("rb") as handle:
            for offset, line in places:
                handle.seek(offset)
                fields = next(csv.reader(_Lines(handle, offset)))
                yield Row(line, _values(header, fields), offset)


# A line ends at \n, \r\n or a lone \r, as Python's universal newlines read it.
_LONE_CR = re.compile(rb"\r(?!\n)")


class _Lines:
    """A binary file's lines, decoded, for ``csv.reader``; ``pos`` is the byte after the
    last line handed out, so the caller knows where each record starts."""

    def __init__(self, handle: Any, pos: int = 0) -> None:
        self._handle = handle
        self.pos = pos
        self._pending: list[bytes] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._pending:
            raw = self._pending.pop()
        else:
            raw = self._handle.readline()
            if not raw:
                raise StopIteration
            if _LONE_CR.search(raw):
                parts = [p for p in re.split(rb"(?<=\r)(?!\n)", raw) if p]
                raw = parts[0]
                self._pending = parts[:0:-1]  # the rest, last first (popped from the end)
        start = self.pos
        self.pos += len(raw)
        # Only the file's first bytes can be a byte-order mark.
        return raw.decode("utf-8-sig" if start == 0 else "utf-8")


def _records(path: Path) -> Iterator[tuple[int, int, list[str] | csv.Error]]:
    """Each non-blank CSV record (or the error reading it) with the line and byte it
    starts on."""
    with path.open("rb") as handle:
        lines = _Lines(handle)
        reader = csv.reader(lines)
        while True:
            start = reader.line_num + 1
            offset = lines.pos
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, offset, exc
                continue
            if any(f.strip() for f in fields):
                yield start, offset, fields  # blank lines (and rows of empty cells) carry nothing


def _misfits(fields: list[str], header: list[str]) -> bool:
    # Extra empty cells (a trailing comma) are harmless; missing or extra values are not.
    return len(fields) < len(header) or any(f.strip() for f in fields[len(header) :])


def _values(header: list[str], fields: list[str]) -> dict[str, str]:
    return {col: f.strip() for col, f in zip(header, fields, strict=False)}


def _rows(path: Path) -> Iterator[Row]:
    header: list[str] | None = None
    for start, offset, fields in _records(path):
        if isinstance(fields, csv.Error):
            continue
        if header is None:
            header = [f.strip().upper() for f in fields]
        elif not _misfits(fields, header):
            yield Row(start, _values(header, fields), offset)


def _undecodable_line(path: Path) -> int | None:
    """The line of the first byte that is not UTF-8, if any (a line at a time: no byte
    of a UTF-8 character is a newline, so each line decodes on its own)."""
    with path.open("rb") as handle:
        if all(_decodes(line) for line in handle):
            return None
    data = path.read_bytes()  # rare: located as the whole file's decoding places it
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return data[: exc.start].count(b"\n") + 1
    return None


def _decodes(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_file(directory: Path, name: str, columns: Sequence[str], problems: Problems) -> File:
    path = directory / name
    if not path.is_file():
        problems.add(name, None, "file", f"is missing from {directory}")
        return File(name, False)
    bad_line = _undecodable_line(path)
    if bad_line is not None:
        problems.add(name, bad_line, "file", "is not UTF-8 text")
        return File(name, False)
    header: list[str] | None = None
    header_line = 1
    usable = True
    for start, _, fields in _records(path):
        if isinstance(fields, csv.Error):
            problems.add(name, start, "row", f"cannot be read as CSV ({fields})")
            usable = False
        elif header is None:
            header, header_line = [f.strip().upper() for f in fields], start
        elif _misfits(fields, header):
            problems.add(
                name, start, "row",
                f"has {len(fields)} values but the header row has {len(header)} columns",
                kind=SKIPPED,
            )  # fmt: skip
    if header is None:
        problems.add(name, 1, "file", "is empty (no header row)")
        return File(name, False)
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
    return File(name, usable, path, header)


class Cells:
    """One row's values; every problem names the file, line and column."""

    def __init__(
        self,
        file: str,
        row: Row,
        problems: Problems,
        today: date,
        soft: frozenset[str] = frozenset(),
    ) -> None:
        self.file = file
        self.row = row
        self.problems = problems
        self.today = today
        # Columns whose problems are findings (the value is dropped, the row kept); a
        # problem in any other column means the row cannot be stored.
        self.soft = soft
        self.child: str | None = None  # the row's CHILD, once read
        self.bad: set[str] = set()
        self.skipped = False

    @property
    def where(self) -> str:
        return f"{self.file}:{self.row.line}"

    def add(self, field: str, reason: str, *, rule: str | None = None) -> None:
        """Note a problem: a finding when ``rule`` is given or the column is soft."""
        kind = FINDING if rule is not None or field in self.soft else SKIPPED
        self.skipped = self.skipped or kind == SKIPPED
        self.problems.add(
            self.file, self.row.line, field, reason, kind=kind, rule=rule, child=self.child
        )
        self.bad.add(field)

    def get(self, field: str) -> str | None:
        """The raw value, or None if it cannot be stored at all (already reported)."""
        value = self.row.values.get(field, "")
        # Every 903 column is a code, a date or an identifier: none may hold a control
        # character, which would reach the screen raw and go back out in the next return.
        # Printable text (nearly every cell) has none: str.isprintable says so at C speed.
        problem = text_problem(value) or (None if value.isprintable() else control_problem(value))
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
        # Interned: a code is one of a few dozen strings, shared by every row that has it.
        value = sys.intern(value.upper())
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
        parsed = parse_date(value)
        if parsed is None:
            self.add(field, f"{value!r} is not a date (dd/mm/yyyy)")
            return None
        if parsed > self.today:
            self.add(field, f"{fmt(parsed)} is in the future")
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
