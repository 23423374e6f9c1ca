"""Importing the 903 files: checked whole in a first pass, then read again, checked
and written a batch of children at a time, all in one transaction."""

from __future__ import annotations

import uuid
from array import array
from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext
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
from iro_desk.services.ssda903.parsing import (
    ChildIn,
    EpisodeIn,
    KnownChildren,
    ReviewIn,
    check_header,
    earliest_review,
    parse_episodes,
    parse_header,
    parse_reviews,
)
from iro_desk.services.ssda903.reading import (
    FINDING,
    REFUSED,
    SKIPPED,
    File,
    NotedInOrder,
    Problems,
    read_file,
)
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


def _remove_absorbed(
    session: Session, ctx: Ctx, absorbed: list[tuple[str, uuid.UUID, CarePeriod]]
) -> None:
    """Periods a corrected file joined into an earlier one (the child's reference, the
    period that absorbed it, the period): their rows now point at the period that absorbed
    them (re-filed above; any other row here), then they go."""
    for ref, into, period in absorbed:
        session.execute(
            update(MeetingChild)
            .where(MeetingChild.period_id == period.id)
            .values(period_id=into)
            .execution_options(synchronize_session="fetch")
        )
        audit(
            session, ctx, "care.merge", "care_period", period.id, child=ref,
            start=period.start_date, into=str(into), source=SOURCE,
        )  # fmt: skip
        session.delete(period)
    session.flush()


# --- the two passes -------------------------------------------------------------------

# Children read, checked and written at a time in the second pass: what the import holds
# of the return's rows is this many children's, however large the return.
BATCH = CHUNK


class _Places:
    """Where the rows of each header child are in one file: (byte offset, line) pairs
    grouped by child (in header order), each child's in file order; two integers a row."""

    def __init__(self, file: File, known: KnownChildren | None) -> None:
        group, offsets, lines = array("i"), array("q"), array("i")
        # Rows of no header child (none is stored) are read again on their own.
        self.strays: list[tuple[int, int]] = []
        for row in file.rows:
            i = known.index(row.values.get("CHILD", "")) if known is not None else None
            if i is None:
                self.strays.append((row.offset, row.line))
            else:
                group.append(i)
                offsets.append(row.offset)
                lines.append(row.line)
        n = len(known) if known is not None else 0
        # A counting sort by child: stable, so each child's rows stay in file order.
        self.starts = array("i", bytes(4 * (n + 1)))
        for i in group:
            self.starts[i + 1] += 1
        for i in range(n):
            self.starts[i + 1] += self.starts[i]
        at = self.starts[:-1]
        self.offsets = array("q", bytes(8 * len(group)))
        self.lines = array("i", bytes(4 * len(group)))
        for i, offset, line in zip(group, offsets, lines, strict=True):
            self.offsets[at[i]] = offset
            self.lines[at[i]] = line
            at[i] += 1

    def of(self, first: int, last: int) -> list[tuple[int, int]]:
        """The rows of children ``first`` to ``last - 1``, in file order."""
        a, b = self.starts[first], self.starts[last]
        return sorted(zip(self.offsets[a:b], self.lines[a:b], strict=True))


@dataclass
class _Return:
    """The first pass: every file checked, every header row checked, and each child's
    rows located; nothing parsed is kept but a few integers a row."""

    directory: Path
    header: File
    episodes: File
    reviews: File
    known: KnownChildren | None  # None: header.csv cannot be read
    episode_places: _Places
    review_places: _Places
    earliest_review: date | None

    @classmethod
    def read(cls, directory: Path, problems: Problems, today: date) -> _Return:
        (header_name, header_cols), (episodes_name, episode_cols), (reviews_name, review_cols) = (
            FILES
        )
        header = read_file(directory, header_name, header_cols, problems)
        known = check_header(header, problems, today) if header.usable else None
        episodes = read_file(directory, episodes_name, episode_cols, problems)
        reviews = read_file(directory, reviews_name, review_cols, problems)
        earliest = (
            earliest_review(reviews, today, known) if known is not None and reviews.usable else None
        )
        return cls(
            directory, header, episodes, reviews, known,
            _Places(episodes, known) if episodes.usable else _Places(File("", False), None),
            _Places(reviews, known) if reviews.usable else _Places(File("", False), None),
            earliest,
        )  # fmt: skip

    def check_strays(self, problems: Problems, today: date, warnings: list[Problem]) -> None:
        """Rows of children missing from header.csv: their problems noted (none is stored)."""
        eps = self.episodes
        revs = self.reviews
        episodes_in = (
            parse_episodes(
                eps.name, eps.rows_at(self.episode_places.strays), problems, today,
                self.known, warnings,
            )
            if eps.usable
            else None
        )  # fmt: skip
        reviews_in = (
            parse_reviews(revs.name, revs.rows_at(self.review_places.strays), problems, today,
                          self.known)
            if revs.usable
            else {}
        )  # fmt: skip
        check_strays(self.known or {}, episodes_in, reviews_in, problems)

    def batches(
        self, problems: Problems, today: date, warnings: list[Problem]
    ) -> Iterator[
        tuple[
            dict[str, ChildIn], dict[str, dict[date, EpisodeIn]] | None, dict[str, list[ReviewIn]]
        ]
    ]:
        """The second pass: a batch of header children at a time, their rows read again
        and parsed (episode and review problems are noted now)."""
        if self.known is None:
            return
        for first in range(0, len(self.known), BATCH):
            last = min(first + BATCH, len(self.known))
            children = parse_header(
                self.header.name,
                self.header.rows_at(self.known.place(i) for i in range(first, last)),
                today,
            )
            eps, revs = self.episodes, self.reviews
            episodes_in = (
                parse_episodes(
                    eps.name, eps.rows_at(self.episode_places.of(first, last)), problems,
                    today, self.known, warnings,
                )
                if eps.usable
                else None
            )  # fmt: skip
            reviews_in = (
                parse_reviews(
                    revs.name, revs.rows_at(self.review_places.of(first, last)), problems,
                    today, self.known,
                )
                if revs.usable
                else {}
            )  # fmt: skip
            yield children, episodes_in, reviews_in


def _to_allocate(
    plans: list[ChildPlan], written: list[uuid.UUID], existing: Existing, as_of: date
) -> Iterator[uuid.UUID]:
    """Each child of ``plans`` looked after on ``as_of`` who has no IRO."""
    for plan, child_id in zip(plans, written, strict=True):
        if not any(run.covers(as_of) for run in plan.runs):
            continue
        held = existing.allocations[child_id] if plan.existing is not None else []
        # A current or already planned allocation stays as it is.
        if any(a.end_date is None or a.end_date > as_of for a in held):
            continue
        yield child_id


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

    Raises ``InvalidInput`` (``file:line: field: reason``), with nothing written, when
    the files cannot be read as a return; with ``strict``, on any problem at all.
    Otherwise a row that cannot be stored is skipped and a row with a data-quality
    finding is stored as given; both are kept as findings (``findings.py``). With
    ``iro_name``, each imported child looked after on ``as_of`` (default: today) who
    has no IRO is allocated to that IRO from then. ``bulk=False`` writes row by row
    (``writing.Writer``).

    Two passes over the files, so that memory does not grow with the return: the first
    checks what only the whole return shows (the files' shape, the header's children,
    the earliest review); the second reads, checks and writes a batch of children at a
    time. With ``strict`` a problem found in the second pass stops the writing and the
    rows already written are rolled back (a savepoint), so a refused return writes
    nothing either way.
    """
    iro: Iro | None = None
    if iro_name is not None:
        iro = find_iro(session, iro_name)
        if not iro.active:
            raise InvalidInput.one("iro", f"{iro.name} is not active")
    directory = Path(directory)
    problems = Problems()
    warnings: list[Problem] = []
    ret = _Return.read(directory, problems, ctx.today)
    ret.check_strays(problems, ctx.today, warnings)
    with session.begin_nested() if strict else nullcontext():
        result = _check_and_write(
            session, ctx, ret, problems, warnings, strict, bulk, iro, as_of or ctx.today
        )
    return result


def _refused(problems: Problems, strict: bool) -> bool:
    return problems.has(REFUSED) or (strict and bool(problems))


def _check_and_write(
    session: Session,
    ctx: Ctx,
    ret: _Return,
    problems: Problems,
    warnings: list[Problem],
    strict: bool,
    bulk: bool,
    iro: Iro | None,
    as_of: date,
) -> ImportResult:
    # Not a fault in the files (a one-year return starts mid-story): never refused, so
    # noted apart and left out of a refusal's list.
    history = Problems(first=1 << 40)  # after every other problem on the same line
    history_incomplete = 0
    # Tallies by ImportResult's field names (a misspelt one fails at ImportResult).
    counts: Counter[str] = Counter()
    absorbed: list[tuple[str, uuid.UUID, CarePeriod]] = []
    allocating: list[uuid.UUID] = []
    for children, episodes_in, reviews_in in ret.batches(problems, ctx.today, warnings):
        existing = load_existing(session, children)
        plans = plan_children(children, episodes_in, reviews_in, existing, problems)
        if _refused(problems, strict):
            continue  # still checked to the end, so the refusal lists every problem
        history_incomplete += note_unknown_history(plans, ret.earliest_review, history)
        # All the batch's rows, parents first: the queue of rows to write stays small.
        writer = Writer(session, ctx, bulk=bulk)
        written = [_write_child(plan, writer, counts) for plan in plans]
        writer.run()
        absorbed += [
            (plan.ref, run.period_id, period)
            for plan in plans
            for run in plan.runs
            for period in run.absorbed
        ]
        if iro is not None:
            allocating += _to_allocate(plans, written, existing, as_of)
    if _refused(problems, strict):
        # Everything is listed: what refuses it, and what else will need looking at.
        raise InvalidInput(problems.sorted())

    _remove_absorbed(session, ctx, absorbed)
    if iro is not None:
        for child_id in allocating:
            child = session.get(Child, child_id)
            assert child is not None
            allocate(session, ctx, child, iro, as_of)
        counts["allocated"] = len(allocating)
    # Read from where they are kept each time they are gone through: not held whole.
    noted = NotedInOrder((problems, history), (SKIPPED, FINDING))
    stored = store_findings(session, ctx, noted, ret.known or {})
    # The rows above have their events; this one says an import happened, from where.
    audit(
        session, ctx, "import.903", "database", None, directory=str(ret.directory),
        findings=len(noted), findings_cleared=stored.cleared, **counts,
    )  # fmt: skip
    session.flush()
    # Postcode warnings in file order, as the rows are (they were noted a batch at a time).
    warnings.sort(key=lambda p: int((p.where or ":0").rpartition(":")[2]))
    return ImportResult(
        **counts,
        warnings=tuple(warnings),
        findings=noted,
        findings_cleared=stored.cleared,
        history_incomplete=history_incomplete,
    )
