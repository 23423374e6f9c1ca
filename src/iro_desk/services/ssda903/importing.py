"""Importing the 903 files: every row checked first, then written in one go."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from iro_desk.db.models import CarePeriod, Child, Episode, Iro, Meeting, MeetingChild
from iro_desk.services.audit import audit
from iro_desk.services.children import allocate
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.services.iros import find_iro
from iro_desk.services.ssda903.checking import (
    ChildPlan,
    Existing,
    check_strays,
    load_existing,
    note_unknown_history,
    plan_children,
)
from iro_desk.services.ssda903.fileformat import CHUNK, FILES, SOURCE
from iro_desk.services.ssda903.findings import store_findings
from iro_desk.services.ssda903.parsing import ChildIn, parse_episodes, parse_header, parse_reviews
from iro_desk.services.ssda903.reading import FINDING, REFUSED, SKIPPED, Problems, read_file
from iro_desk.services.ssda903.results import ImportResult
from iro_desk.services.ssda903.writing import Writer

# --- writing ----------------------------------------------------------------------------


def _differences(row: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in wanted.items() if getattr(row, name) != value}


def _write_child(plan: ChildPlan, writer: Writer, counts: Counter[str]) -> uuid.UUID:
    """Queue one child's rows: the child, its periods and episodes, then its reviews."""
    child_id = _write_header(plan, writer, counts)
    _write_runs(plan, child_id, writer, counts)
    _write_reviews(plan, child_id, writer, counts)
    return child_id


def _write_header(plan: ChildPlan, writer: Writer, counts: Counter[str]) -> uuid.UUID:
    header = plan.header
    ref = plan.ref
    child = plan.existing
    if child is None:
        counts["children_added"] += 1
        return writer.add(
            Child,
            "child.add",
            {"ref": ref, "source": SOURCE},
            ref=ref,
            dob=header.dob,
            sex=header.sex,
            ethnicity=header.ethnicity,
            upn=header.upn,
            upn_reason=header.upn_reason,
            mother=header.mother,
            mc_dob=header.mc_dob,
        )
    wanted: dict[str, Any] = {"sex": header.sex, "dob": header.dob}
    # A blank ETHNIC or UPN in the return does not erase what the desk knows.
    if header.ethnicity is not None:
        wanted["ethnicity"] = header.ethnicity
    if header.upn is not None:
        wanted.update(upn=header.upn, upn_reason=None)
    elif header.upn_reason is not None:
        wanted.update(upn=None, upn_reason=header.upn_reason)  # the file says there is none
    for name in ("mother", "mc_dob"):
        if getattr(header, name) is not None:
            wanted[name] = getattr(header, name)
    if header.dob is not None and child.expected_dob is not None:
        wanted["expected_dob"] = None  # born since a pre-birth conference
    diff = _differences(child, wanted)
    if diff:
        writer.change(child, diff, "child.update", ref=ref, fields=sorted(diff), source=SOURCE)
        counts["children_updated"] += 1
    else:
        counts["unchanged"] += 1
    return child.id


def _write_runs(plan: ChildPlan, child_id: uuid.UUID, writer: Writer, counts: Counter[str]) -> None:
    """Each run of episodes: its period of care (new or re-dated), then its episodes."""
    ref = plan.ref
    for run in plan.runs:
        if run.period is None:
            run.new_period = writer.add(
                CarePeriod, "care.start", {"child": ref, "start": run.start, "source": SOURCE},
                child_id=child_id, start_date=run.start, end_date=run.end,
            )  # fmt: skip
            counts["periods_added"] += 1
        else:
            diff = _differences(run.period, {"start_date": run.start, "end_date": run.end})
            if diff:
                writer.change(run.period, diff, "care.update", child=ref, **diff)
                counts["periods_updated"] += 1
        for ep in run.episodes:
            wanted = dict(ep.values, period_id=run.period_id)
            if ep.db is None:
                writer.add(
                    Episode, "episode.add", {"child": ref, "start": ep.start, "source": SOURCE},
                    child_id=child_id, start_date=ep.start, **wanted,
                )  # fmt: skip
                counts["episodes_added"] += 1
                continue
            if ep.file is None:
                wanted = {"period_id": run.period_id}  # only re-filed under its new period
            diff = _differences(ep.db, wanted)
            if diff:
                writer.change(
                    ep.db, diff, "episode.update", child=ref, start=ep.start,
                    fields=sorted(diff), source=SOURCE,
                )  # fmt: skip
                counts["episodes_updated"] += 1
            elif ep.file is not None:
                counts["unchanged"] += 1


def _period_on(plan: ChildPlan, on: date) -> uuid.UUID | None:
    return next((run.period_id for run in plan.runs if run.covers(on)), None)


def _write_reviews(
    plan: ChildPlan, child_id: uuid.UUID, writer: Writer, counts: Counter[str]
) -> None:
    """The file's reviews (added or updated), then the desk's own reviews re-filed."""
    ref = plan.ref
    for review in plan.reviews:
        assert review.review_date is not None
        period_id = _period_on(plan, review.review_date)
        found = plan.lars.get(review.review_date)
        if found is None:
            day = review.review_date
            meeting_id = writer.add(
                Meeting, "meeting.add", {"kind": "LAR", "date": day, "source": SOURCE},
                kind="LAR", meeting_date=day,
            )  # fmt: skip
            writer.add(
                MeetingChild, "review.add",
                {"child": ref, "date": review.review_date, "participation": review.code,
                 "source": SOURCE},
                meeting_id=meeting_id, child_id=child_id, kind="LAR",
                meeting_date=review.review_date, period_id=period_id, participation=review.code,
            )  # fmt: skip
            counts["reviews_added"] += 1
            continue
        diff = _differences(found, {"participation": review.code, "period_id": period_id})
        if diff:
            writer.change(
                found, diff, "review.update", child=ref, date=review.review_date,
                fields=sorted(diff), source=SOURCE,
            )  # fmt: skip
            counts["reviews_updated"] += 1
        else:
            counts["unchanged"] += 1

    # Reviews recorded on the desk (not in the file) follow their period if it was re-made.
    for found in plan.kept:
        period_id = _period_on(plan, found.meeting_date)
        if period_id is not None and period_id != found.period_id:
            writer.change(
                found, {"period_id": period_id}, "review.update", child=ref,
                date=found.meeting_date, fields=["period_id"], source=SOURCE,
            )  # fmt: skip
            counts["reviews_updated"] += 1


def _remove_absorbed(session: Session, ctx: Ctx, plans: list[ChildPlan]) -> None:
    """Periods a corrected file joined into an earlier one: their rows now point at the
    period that absorbed them (re-filed above; any other row here), then they go."""
    for plan in plans:
        for run in plan.runs:
            for period in run.absorbed:
                session.execute(
                    update(MeetingChild)
                    .where(MeetingChild.period_id == period.id)
                    .values(period_id=run.period_id)
                    .execution_options(synchronize_session="fetch")
                )
                audit(
                    session, ctx, "care.merge", "care_period", period.id, child=plan.ref,
                    start=period.start_date, into=str(run.period_id), source=SOURCE,
                )  # fmt: skip
                session.delete(period)
    session.flush()


@dataclass
class _Read:
    """The files read, parsed and checked against the database: nothing written yet."""

    children: dict[str, ChildIn]
    plans: list[ChildPlan]
    existing: Existing
    problems: Problems
    warnings: list[Problem]


def _read_and_check(session: Session, ctx: Ctx, directory: Path) -> _Read:
    problems = Problems()
    warnings: list[Problem] = []
    # One file at a time, its rows streamed into the parser: no file is held whole.
    # A file without all its columns is reported once, not on every row.
    (header_name, header_cols), (episodes_name, episode_cols), (reviews_name, review_cols) = FILES
    header_file = read_file(directory, header_name, header_cols, problems)
    children, dobs = (
        parse_header(header_file, problems, ctx.today) if header_file.usable else ({}, {})
    )
    known = dobs if header_file.usable else None
    episodes_file = read_file(directory, episodes_name, episode_cols, problems)
    episodes_in = (
        parse_episodes(episodes_file, problems, ctx.today, known, warnings)
        if episodes_file.usable
        else None
    )
    reviews_file = read_file(directory, reviews_name, review_cols, problems)
    reviews_in = (
        parse_reviews(reviews_file, problems, ctx.today, known) if reviews_file.usable else {}
    )
    plans: list[ChildPlan] = []
    existing = Existing()
    if header_file.usable:
        existing = load_existing(session, children)
        plans = plan_children(children, episodes_in, reviews_in, existing, problems)
        check_strays(children, episodes_in, reviews_in, problems)
    else:
        check_strays({}, episodes_in, reviews_in, problems)
    return _Read(children, plans, existing, problems, warnings)


def _allocate(
    session: Session,
    ctx: Ctx,
    read: _Read,
    written: dict[str, uuid.UUID],
    iro: Iro,
    as_of: date,
) -> int:
    """Allocate to ``iro`` each imported child looked after on ``as_of`` who has no IRO."""
    count = 0
    for plan in read.plans:
        if not any(run.covers(as_of) for run in plan.runs):
            continue
        child_id = written[plan.ref]
        held = read.existing.allocations[child_id] if plan.existing is not None else []
        # A current or already planned allocation stays as it is.
        if any(a.end_date is None or a.end_date > as_of for a in held):
            continue
        child = session.get(Child, child_id)
        assert child is not None
        allocate(session, ctx, child, iro, as_of)
        count += 1
    return count


def import_903(
    session: Session,
    ctx: Ctx,
    directory: Path,
    *,
    iro_name: str | None = None,
    as_of: date | None = None,
    strict: bool = False,
    bulk: bool = True,
) -> ImportResult:
    """Import header.csv, episodes.csv and reviews.csv from ``directory``.

    Raises ``InvalidInput`` (``file:line: field: reason``), before anything is written,
    when the files cannot be read as a return; with ``strict``, on any problem at all.
    Otherwise a row that cannot be stored is skipped and a row with a data-quality
    finding is stored as given; both are kept as findings (``findings.py``). With
    ``iro_name``, each imported child looked after on ``as_of`` (default: today) who
    has no IRO is allocated to that IRO from then. ``bulk=False`` writes row by row
    (``writing.Writer``).
    """
    iro: Iro | None = None
    if iro_name is not None:
        iro = find_iro(session, iro_name)
        if not iro.active:
            raise InvalidInput.one("iro", f"{iro.name} is not active")
    directory = Path(directory)
    read = _read_and_check(session, ctx, directory)
    problems = read.problems
    if problems.noted(REFUSED) or (strict and problems):
        # Everything is listed: what refuses it, and what else will need looking at.
        raise InvalidInput(problems.sorted())
    # Not a fault in the files (a one-year return starts mid-story): never refused.
    history_incomplete = note_unknown_history(read.plans, problems)

    # Every row is good: write, parents before children, then allocate.
    # Tallies by ImportResult's field names (a misspelt one fails at ImportResult).
    counts: Counter[str] = Counter()
    written: dict[str, uuid.UUID] = {}
    # A batch of children at a time (all their rows, parents first): the queue of rows
    # to write stays small however large the return.
    for i in range(0, len(read.plans), CHUNK):
        writer = Writer(session, ctx, bulk=bulk)
        for plan in read.plans[i : i + CHUNK]:
            written[plan.ref] = _write_child(plan, writer, counts)
        writer.run()
    _remove_absorbed(session, ctx, read.plans)
    if iro is not None:
        counts["allocated"] = _allocate(session, ctx, read, written, iro, as_of or ctx.today)
    noted = problems.noted(SKIPPED, FINDING)
    stored = store_findings(session, ctx, noted, read.children, written)
    # The rows above have their events; this one says an import happened, from where.
    audit(
        session, ctx, "import.903", "database", None, directory=str(directory),
        findings=len(noted), findings_cleared=stored.cleared, **counts,
    )  # fmt: skip
    session.flush()
    return ImportResult(
        **counts,
        warnings=tuple(read.warnings),
        findings=tuple(noted),
        findings_cleared=stored.cleared,
        history_incomplete=history_incomplete,
    )
