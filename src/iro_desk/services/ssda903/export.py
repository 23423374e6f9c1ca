"""Exporting the 903 files for a reporting year."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from iro_desk.db.models import Child, Episode, MeetingChild
from iro_desk.rules.dates import reporting_year_bounds, reporting_year_label
from iro_desk.rules.plausible import report_year_problem
from iro_desk.services.audit import audit
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput
from iro_desk.services.private_files import write_csv_atomically
from iro_desk.services.ssda903.fileformat import FILES, LAST_NUMERIC_SEX_YEAR, SEX_TO_OLD
from iro_desk.services.ssda903.reading import fmt
from iro_desk.services.ssda903.results import ExportResult

# --- export -----------------------------------------------------------------------------


def _d(value: date | None) -> str:
    return fmt(value) if value is not None else ""


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
    warnings: list[str] = []

    open_in_year = and_(
        Episode.start_date <= last, or_(Episode.end_date.is_(None), Episode.end_date >= first)
    )
    in_year = select(Episode.child_id).where(open_in_year)
    header_rows = _header_rows(session, in_year, year_start, warnings)
    episode_rows = _episode_rows(session, open_in_year, last)
    review_rows = _review_rows(session, in_year, first, last)

    paths = []
    for (name, columns), rows in zip(FILES, (header_rows, episode_rows, review_rows), strict=True):
        path = directory / name
        write_csv_atomically(path, columns, rows)
        paths.append(path)
    # Special-category data left the desk: say who took how much, where (no child's details).
    audit(
        session,
        ctx,
        "export.903",
        "database",
        None,
        year=year_start,
        directory=str(directory.resolve()),
        children=len(header_rows),
        episodes=len(episode_rows),
        reviews=len(review_rows),
    )
    return ExportResult(
        year_start=year_start,
        children=len(header_rows),
        episodes=len(episode_rows),
        reviews=len(review_rows),
        files=tuple(paths),
        warnings=tuple(warnings),
    )


def _header_rows(
    session: Session, in_year: Any, year_start: int, warnings: list[str]
) -> list[list[str]]:
    """header.csv: the children looked after in the year, noting what is not recorded."""
    numeric_sex = year_start <= LAST_NUMERIC_SEX_YEAR
    label = reporting_year_label(year_start)
    header_rows: list[list[str]] = []
    for child in session.scalars(select(Child).where(Child.id.in_(in_year)).order_by(Child.ref)):
        sex = child.sex or ""
        if numeric_sex and sex:
            if sex not in SEX_TO_OLD:
                warnings.append(f"{child.ref}: SEX {sex} has no code in the {label} return")
            sex = SEX_TO_OLD.get(sex, "")
        for name, value in (("SEX", sex), ("DOB", child.dob), ("ETHNIC", child.ethnicity)):
            if not value:
                warnings.append(f"{child.ref}: {name} is not recorded")
        # No UPN: the reason code (UN1-UN5) stands in its place (rule 442).
        upn = child.upn or child.upn_reason or ""
        mother = "" if child.mother is None else str(int(child.mother))
        header_rows.append(
            [child.ref, sex, _d(child.dob), child.ethnicity or "", upn, mother, _d(child.mc_dob)]
        )
    return header_rows


def _episode_rows(session: Session, open_in_year: Any, last: date) -> list[list[str]]:
    """episodes.csv: the episodes open in the year, as known at its end."""
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
    return episode_rows


def _review_rows(session: Session, in_year: Any, first: date, last: date) -> list[list[str]]:
    """reviews.csv: the year's Looked After Reviews of the children in header.csv."""
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
    return review_rows
