"""Reading a bundle: every file checked first, then everything written in one transaction."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from iro_desk.services import ssda903
from iro_desk.services.audit import audit
from iro_desk.services.bundle import casework, generic, meetings, people
from iro_desk.services.bundle.store import Refs, Store
from iro_desk.services.bundle.table import Problems, read_csv
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput

FILES_903 = (ssda903.HEADER_FILE, ssda903.EPISODES_FILE, ssda903.REVIEWS_FILE)


@dataclass(frozen=True)
class ImportedBundle:
    counts: dict[tuple[str, str], int]
    ssda903: str

    def summary(self) -> str:
        added = sum(n for (_, what), n in self.counts.items() if what == "added")
        updated = sum(n for (_, what), n in self.counts.items() if what == "updated")
        unchanged = sum(n for (_, what), n in self.counts.items() if what == "unchanged")
        text = f"Bundle import: {added} added, {updated} updated, {unchanged} already up to date."
        return f"{text}\n{self.ssda903}" if self.ssda903 else text


def _header_refs(directory: Path) -> set[str]:
    """The children header.csv will bring (the 903 import itself checks the file)."""
    path = directory / ssda903.HEADER_FILE
    if not path.exists():
        return set()
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return {row.get("CHILD", "").strip() for row in csv.DictReader(handle)} - {""}
    except (UnicodeDecodeError, csv.Error, OSError):
        return set()


def _read_all(session: Session, ctx: Ctx, directory: Path, problems: Problems) -> tuple:
    refs = Refs(session)
    refs.child_refs.update(_header_refs(directory))
    today = ctx.today

    def lines(name: str, cols) -> list:
        return read_csv(directory, name, cols, problems)

    parsed = {
        people.IROS: people.read_iros(lines(people.IROS, people.IRO_COLS), refs, today, problems),
        people.CHILDREN: people.read_children(
            lines(people.CHILDREN, people.CHILD_COLS), refs, today, problems
        ),
    }
    parsed[people.ALLOCATIONS] = people.read_allocations(
        lines(people.ALLOCATIONS, people.ALLOCATION_COLS), refs, today, problems
    )
    parsed[casework.CP_PLANS] = casework.read_cp(
        lines(casework.CP_PLANS, casework.CP_COLS), refs, today, problems
    )
    for name, cols in (
        (meetings.CONFERENCES, meetings.CONFERENCE_COLS),
        (meetings.MEETINGS, meetings.MEETING_COLS),
    ):
        parsed[name] = meetings.read_meetings(name, lines(name, cols), refs, today, problems)
    parsed[meetings.REPORTS] = meetings.read_reports(
        lines(meetings.REPORTS, meetings.REPORT_COLS), refs, today, problems
    )
    for spec in casework.SPECS:
        parsed[spec.file] = generic.read_rows(
            spec, lines(spec.file, spec.cols), refs, today, problems, casework.MODELS
        )
    return refs, parsed


def _refuse(problems: Problems) -> None:
    def order(p) -> tuple:
        file, _, line = (p.where or "").partition(":")
        return (file, int(line) if line.isdigit() else 0, p.field)

    raise InvalidInput(sorted(problems.items, key=order))


class _Undo(Exception):
    """Rolls back a savepoint that was only there to find problems."""


def _903_problems(session: Session, ctx: Ctx, directory: Path, problems: Problems) -> None:
    """The 903 files' own problems, found by the 903 import in a savepoint rolled back
    whatever happens: with the bundle's other problems, the user sees them all at once."""
    if not any((directory / name).exists() for name in FILES_903):
        return
    try:
        with session.begin_nested():
            ssda903.import_903(session, ctx, directory, strict=True)
            raise _Undo
    except InvalidInput as exc:
        problems.items.extend(exc.problems)
    except _Undo:
        pass


def import_bundle(session: Session, ctx: Ctx, directory: Path) -> ImportedBundle:
    """Import every file of the bundle in ``directory``: all of it, or (on any problem,
    reported as ``file:line: field: reason``) nothing. Importing it again changes nothing."""
    directory = Path(directory)
    problems = Problems()
    refs, parsed = _read_all(session, ctx, directory, problems)
    if problems:
        _903_problems(session, ctx, directory, problems)
        _refuse(problems)
    store = Store(session, ctx)
    people.write_iros(parsed[people.IROS], refs, store)
    people.write_children(parsed[people.CHILDREN], store)
    said_903 = ""
    if any((directory / name).exists() for name in FILES_903):
        said_903 = ssda903.import_903(session, ctx, directory, strict=True).summary()
    people.write_allocations(parsed[people.ALLOCATIONS], refs, store)
    casework.write_cp(parsed[casework.CP_PLANS], refs, store)
    for name in (meetings.CONFERENCES, meetings.MEETINGS):
        meetings.write_meetings(name, parsed[name], refs, store)
    meetings.write_reports(parsed[meetings.REPORTS], refs, store, ctx)
    for spec in casework.SPECS:
        generic.write_rows(spec, parsed[spec.file], refs, store, problems)
    if problems:
        _refuse(problems)  # an append-only record the bundle would rewrite
    counts: Counter[str] = Counter()
    for (_, what), n in store.counts.items():
        counts[what] += n
    audit(session, ctx, "import.bundle", "database", None, directory=str(directory), **counts)
    session.flush()
    return ImportedBundle(dict(store.counts), said_903)
