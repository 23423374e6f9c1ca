"""Writing the bundle: the 903 files over every year, then one file per kind of record."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iro_desk.db.models import Episode
from iro_desk.rules.dates import reporting_year
from iro_desk.rules.plausible import report_years
from iro_desk.services import ssda903
from iro_desk.services.audit import audit
from iro_desk.services.bundle import casework, generic, meetings, people
from iro_desk.services.bundle.table import Col
from iro_desk.services.context import Ctx
from iro_desk.services.private_files import write_csv_atomically


@dataclass(frozen=True)
class ExportedBundle:
    directory: Path
    rows: dict[str, int]

    def summary(self) -> str:
        files = ", ".join(f"{name} {n}" for name, n in self.rows.items())
        return f"Bundle written to {self.directory}: {files}."


def _names(cols: Iterable[Col]) -> list[str]:
    return [c.name for c in cols]


# What identifies a row of each 903 file (docs/domain.md, "SSDA903 files").
_KEYS_903 = {
    ssda903.HEADER_FILE: ("CHILD",),
    ssda903.EPISODES_FILE: ("CHILD", "DECOM"),
    ssda903.REVIEWS_FILE: ("CHILD", "REVIEW"),
}
_COLUMNS_903 = {
    ssda903.HEADER_FILE: ssda903.HEADER_COLUMNS,
    ssda903.EPISODES_FILE: ssda903.EPISODE_COLUMNS,
    ssda903.REVIEWS_FILE: ssda903.REVIEW_COLUMNS,
}


def _merge_903(directory: Path, years: list[Path]) -> dict[str, int]:
    """The yearly returns as one set of files: a later year's row replaces an earlier one
    (an episode open on 31 March is written again, ended, the year after)."""
    out: dict[str, int] = {}
    for name, key_columns in _KEYS_903.items():
        header: list[str] = list(_COLUMNS_903[name])
        rows: dict[tuple[str, ...], list[str]] = {}
        for folder in years:
            with (folder / name).open(newline="", encoding="utf-8") as handle:
                lines = list(csv.reader(handle))
            header = lines[0]  # as the exporter writes it
            where = [header.index(column) for column in key_columns]
            for row in lines[1:]:
                rows[tuple(row[i] for i in where)] = row
        out[name] = write_csv_atomically(directory / name, header, rows.values())
    return out


def _export_903(session: Session, ctx: Ctx, directory: Path) -> dict[str, int]:
    """Every reporting year that holds an episode, written by the 903 exporter itself."""
    first = session.scalar(select(func.min(Episode.start_date)))
    allowed = report_years(ctx.today)
    start = max(reporting_year(first), allowed[0]) if first is not None else None
    with tempfile.TemporaryDirectory(dir=directory, prefix=".903-") as tmp:
        folders = []
        if start is not None:
            for year in range(start, reporting_year(ctx.today) + 1):
                folder = Path(tmp) / str(year)
                ssda903.export_903(session, ctx, folder, year_start=year)
                folders.append(folder)
        return _merge_903(directory, folders)


def export_bundle(session: Session, ctx: Ctx, directory: Path) -> ExportedBundle:
    """Write every record of the desk to ``directory`` as the bundle's CSV files."""
    directory = Path(directory)
    # Records about children: a new folder is private, like the data folder.
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    rows = _export_903(session, ctx, directory)
    refs_by_id = generic.child_refs_by_id(session)
    files = [
        (people.IROS, people.IRO_COLS, people.iro_rows(session)),
        (people.CHILDREN, people.CHILD_COLS, people.child_rows(session)),
        (people.ALLOCATIONS, people.ALLOCATION_COLS, people.allocation_rows(session)),
        (casework.CP_PLANS, casework.CP_COLS, casework.cp_rows(session)),
        (meetings.CONFERENCES, meetings.CONFERENCE_COLS, meetings.conference_rows(session)),
        (meetings.MEETINGS, meetings.MEETING_COLS, meetings.meeting_rows(session)),
        (meetings.REPORTS, meetings.REPORT_COLS, meetings.report_rows(session)),
    ]
    for spec in casework.SPECS:
        files.append((spec.file, spec.cols, generic.export_rows(session, spec, refs_by_id)))
    for name, cols, data in files:
        rows[name] = write_csv_atomically(directory / name, _names(cols), data)
    audit(
        session, ctx, "export.bundle", "database", None,
        directory=str(directory.resolve()), **{name: n for name, n in rows.items()},
    )  # fmt: skip
    return ExportedBundle(directory, rows)
