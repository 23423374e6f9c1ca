"""Importing the 903 files: every row checked first, then written in one go."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from iro_desk.db.models import CarePeriod, Child, Episode, Iro, Meeting, MeetingChild, Record
from iro_desk.db.types import utcnow
from iro_desk.services.audit import add_new, audit, change
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
from iro_desk.services.ssda903.fileformat import FILES, SOURCE
from iro_desk.services.ssda903.findings import store_findings
from iro_desk.services.ssda903.parsing import parse_episodes, parse_header, parse_reviews
from iro_desk.services.ssda903.reading import FINDING, REFUSED, SKIPPED, Problems, read_file
from iro_desk.services.ssda903.results import ImportResult

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


def _write_child(plan: ChildPlan, writer: _Writer, counts: Counter[str]) -> Child:
    """Queue one child's rows: the child, its periods and episodes, then its reviews."""
    child = _write_header(plan, writer, counts)
    _write_runs(plan, child, writer, counts)
    _write_reviews(plan, child, writer, counts)
    return child


def _write_header(plan: ChildPlan, writer: _Writer, counts: Counter[str]) -> Child:
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
            upn_reason=header.upn_reason,
            mother=header.mother,
            mc_dob=header.mc_dob,
        )
        writer.add(child, "child.add", ref=ref, source=SOURCE)
        counts["children_added"] += 1
        return child
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
    return child


def _write_runs(plan: ChildPlan, child: Child, writer: _Writer, counts: Counter[str]) -> None:
    """Each run of episodes: its period of care (new or re-dated), then its episodes."""
    ref = plan.ref
    for run in plan.runs:
        if run.period is None:
            run.new_period = CarePeriod(
                **writer.fresh(), child_id=child.id, start_date=run.start, end_date=run.end
            )
            writer.add(run.new_period, "care.start", child=ref, start=run.start, source=SOURCE)
            counts["periods_added"] += 1
        else:
            diff = _differences(run.period, {"start_date": run.start, "end_date": run.end})
            if diff:
                writer.change(run.period, diff, "care.update", child=ref, **diff)
                counts["periods_updated"] += 1
        for ep in run.episodes:
            wanted = dict(ep.values, period_id=run.period_id)
            if ep.db is None:
                row = Episode(**writer.fresh(), child_id=child.id, start_date=ep.start, **wanted)
                writer.add(row, "episode.add", child=ref, start=ep.start, source=SOURCE)
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


def _write_reviews(plan: ChildPlan, child: Child, writer: _Writer, counts: Counter[str]) -> None:
    """The file's reviews (added or updated), then the desk's own reviews re-filed."""
    ref = plan.ref
    for review in plan.reviews:
        assert review.review_date is not None
        period_id = _period_on(plan, review.review_date)
        found = plan.lars.get(review.review_date)
        if found is None:
            meeting = Meeting(**writer.fresh(), kind="LAR", meeting_date=review.review_date)
            writer.add(meeting, "meeting.add", kind="LAR", date=review.review_date, source=SOURCE)
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
                participation=review.code, source=SOURCE,
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


def import_903(
    session: Session,
    ctx: Ctx,
    directory: Path,
    *,
    iro_name: str | None = None,
    as_of: date | None = None,
    strict: bool = False,
) -> ImportResult:
    """Import header.csv, episodes.csv and reviews.csv from ``directory``.

    Raises ``InvalidInput`` (``file:line: field: reason``), before anything is written,
    when the files cannot be read as a return; with ``strict``, on any problem at all.
    Otherwise a row that cannot be stored is skipped and a row with a data-quality
    finding is stored as given; both are kept as findings (``findings.py``). With
    ``iro_name``, each imported child looked after on ``as_of`` (default: today) who
    has no IRO is allocated to that IRO from then.
    """
    iro: Iro | None = None
    if iro_name is not None:
        iro = find_iro(session, iro_name)
        if not iro.active:
            raise InvalidInput.one("iro", f"{iro.name} is not active")
    as_of = as_of or ctx.today
    directory = Path(directory)
    problems = Problems()
    warnings: list[Problem] = []

    files = {name: read_file(directory, name, cols, problems) for name, cols in FILES}
    header_file, episodes_file, reviews_file = (files[name] for name, _ in FILES)
    # A file without all its columns is reported once, not on every row.
    children, dobs = (
        parse_header(header_file, problems, ctx.today) if header_file.usable else ({}, {})
    )
    known = dobs if header_file.usable else None
    episodes_in = (
        parse_episodes(episodes_file, problems, ctx.today, known, warnings)
        if episodes_file.usable
        else None
    )
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
    if problems.noted(REFUSED) or (strict and problems):
        # Everything is listed: what refuses it, and what else will need looking at.
        raise InvalidInput(problems.sorted())
    # Not a fault in the files (a one-year return starts mid-story): never refused.
    history_incomplete = note_unknown_history(plans, problems)

    # Every row is good: write, parents before children, then allocate.
    # Tallies by ImportResult's field names (a misspelt one fails at ImportResult).
    counts: Counter[str] = Counter()
    writer = _Writer(session, ctx)
    written = [(plan, _write_child(plan, writer, counts)) for plan in plans]
    writer.run()
    _remove_absorbed(session, ctx, plans)
    if iro is not None:
        for plan, child in written:
            if not any(run.covers(as_of) for run in plan.runs):
                continue
            held = existing.allocations[child.id] if plan.existing is not None else []
            # A current or already planned allocation stays as it is.
            if any(a.end_date is None or a.end_date > as_of for a in held):
                continue
            allocate(session, ctx, child, iro, as_of)
            counts["allocated"] += 1
    noted = problems.noted(SKIPPED, FINDING)
    stored = store_findings(
        session, ctx, noted, children, {plan.ref: child.id for plan, child in written}
    )
    # Each row above has its own event; this one says an import happened, from where.
    audit(
        session, ctx, "import.903", "database", None, directory=str(directory),
        findings=len(noted), findings_cleared=stored.cleared, **counts,
    )  # fmt: skip
    session.flush()
    return ImportResult(
        **counts,
        warnings=tuple(warnings),
        findings=tuple(noted),
        findings_cleared=stored.cleared,
        history_incomplete=history_incomplete,
    )
