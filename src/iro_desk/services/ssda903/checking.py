"""Checking a child's file rows against each other and against what the database holds."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk.db.models import Allocation, CarePeriod, Child, Episode, MeetingChild
from iro_desk.rules.dates import reporting_year, reporting_year_bounds
from iro_desk.rules.participation import check_review
from iro_desk.rules.reviews import period_for_review, review_in_period
from iro_desk.services.meetings import REVIEW_KINDS
from iro_desk.services.ssda903.fileformat import CHUNK, EPISODES_FILE, REVIEWS_FILE
from iro_desk.services.ssda903.parsing import ChildIn, EpisodeIn, ReviewIn
from iro_desk.services.ssda903.reading import FINDING, Problems, fmt

# --- what the database already holds --------------------------------------------------


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass
class Existing:
    children: dict[str, Child] = field(default_factory=dict)
    episodes: dict[uuid.UUID, list[Episode]] = field(default_factory=lambda: defaultdict(list))
    periods: dict[uuid.UUID, CarePeriod] = field(default_factory=dict)
    reviews: dict[uuid.UUID, list[MeetingChild]] = field(default_factory=lambda: defaultdict(list))
    allocations: dict[uuid.UUID, list[Allocation]] = field(
        default_factory=lambda: defaultdict(list)
    )


def load_existing(session: Session, refs: Iterable[str]) -> Existing:
    """Everything the import compares against, in a few queries however many children."""
    found = Existing()
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


@dataclass(slots=True)
class _Ep:
    """One episode as it will be after the import: the file's values over the database's."""

    start: date
    end: date | None
    values: dict[str, Any]  # Episode attributes, end_date included
    file: EpisodeIn | None
    db: Episode | None

    def describe(self) -> str:
        span = f"from {fmt(self.start)} to {fmt(self.end) if self.end else 'now (still open)'}"
        if self.file is not None:
            return f"the episode on line {self.file.line} ({span})"
        return f"the episode already recorded {span}"


def _merged(file: EpisodeIn | None, db: Episode | None) -> _Ep:
    if file is None:
        assert db is not None
        values = {name: getattr(db, name) for name in _EPISODE_FIELDS}
        return _Ep(db.start_date, db.end_date, values, None, db)
    # The file's own dict, completed in place (one dict per episode, not two: memory).
    values = file.values
    values["end_date"] = file.end
    if file.end is None and db is not None and db.end_date is not None:
        # An older snapshot: keep the end the database already knows.
        for name in ("end_date", "rec", "reason_place_change"):
            values[name] = getattr(db, name)
    return _Ep(file.start, values["end_date"], values, file, db)


@dataclass(slots=True)  # one per period of care in the return: kept small
class _Run:
    """A chain of episodes, each starting the day the previous one ended: a period of care."""

    episodes: list[_Ep]
    period: CarePeriod | None = None  # the existing period it keeps, if any
    new_period: uuid.UUID | None = None  # the key of the period the import makes
    # Existing periods the run joins into ``period`` (a corrected file closes the gap
    # between episodes once stored apart): removed once their rows are re-filed.
    absorbed: list[CarePeriod] = field(default_factory=list)

    @property
    def start(self) -> date:
        return self.episodes[0].start

    @property
    def end(self) -> date | None:
        return self.episodes[-1].end

    def covers(self, on: date) -> bool:
        return review_in_period(on, self.start, self.end)

    @property
    def period_id(self) -> uuid.UUID:
        found = self.period.id if self.period is not None else self.new_period
        assert found is not None
        return found


@dataclass(slots=True)  # one per child in the return: kept small
class ChildPlan:
    ref: str
    header: ChildIn
    existing: Child | None
    runs: list[_Run]
    reviews: list[ReviewIn]
    lars: dict[date, MeetingChild]  # LARs already recorded, by date: the file's reviews match
    kept: list[MeetingChild]  # reviews already recorded that the file does not mention


def _episode_on(episodes: Sequence[_Ep], on: date) -> _Ep | None:
    """The episode covering ``on``; on a change-over day, the one that starts then (the
    same rule as ``review add``)."""
    index = period_for_review(on, [(ep.start, ep.end) for ep in episodes])
    return None if index is None else episodes[index]


def _check_episode_chain(ref: str, episodes: list[_Ep], problems: Problems) -> None:
    """Episodes (sorted by start) must not overlap; the row at fault is a file row."""
    for prev, cur in zip(episodes, episodes[1:], strict=False):
        if prev.end is not None and prev.end <= cur.start:
            continue
        # Stored as given: which of the two is wrong is for the unit to find out.
        if cur.file is not None:
            problems.add(
                EPISODES_FILE, cur.file.line, "DECOM",
                f"{fmt(cur.start)} is inside {prev.describe()} of {ref}",
                kind=FINDING, rule="OVERLAP", child=ref,
            )  # fmt: skip
        elif prev.file is not None:
            said = "is blank (still open)" if prev.end is None else f"{fmt(prev.end)} is after"
            problems.add(
                EPISODES_FILE, prev.file.line, "DEC",
                f"{said}, but {ref} has {cur.describe()}",
                kind=FINDING, rule="OVERLAP", child=ref,
            )  # fmt: skip


def _make_runs(episodes: list[_Ep]) -> list[_Run]:
    runs: list[_Run] = []
    for ep in episodes:
        if runs and runs[-1].end is not None and runs[-1].end == ep.start:
            runs[-1].episodes.append(ep)
        else:
            runs.append(_Run([ep]))
    return runs


def _assign_periods(runs: list[_Run], periods: dict[uuid.UUID, CarePeriod]) -> None:
    """Each run keeps the existing period its episodes belong to; new runs get new periods."""
    claimed: set[uuid.UUID] = set()
    for run in runs:
        ids = {ep.db.period_id for ep in run.episodes if ep.db is not None}
        owned = sorted((periods[i] for i in ids if i in periods), key=lambda p: p.start_date)
        for period in owned:
            if period.id in claimed:
                continue
            if run.period is None:
                run.period = period
            else:
                run.absorbed.append(period)
            claimed.add(period.id)


def _check_reviews(
    ref: str,
    dob: date | None,
    reviews: list[ReviewIn],
    episodes: list[_Ep] | None,
    problems: Problems,
) -> None:
    """The 903 review rules for each row; ``episodes`` None when they cannot be known."""
    fields = {"review_date": "REVIEW", "participation": "REVIEW_CODE", "legal_status": "REVIEW"}
    for review in reviews:
        legal_status = None
        if episodes is not None:
            ep = _episode_on(episodes, review.review_date)
            if ep is None:
                # Stored as given, under no period of care; the clock is then uncertain.
                problems.add(
                    REVIEWS_FILE, review.line, "REVIEW",
                    f"{ref} was not looked after on {fmt(review.review_date)}",
                    kind=FINDING, rule="OUTSIDE", child=ref,
                )  # fmt: skip
            else:
                legal_status = ep.values["legal_status"]
        for breach in check_review(review.review_date, review.code, dob, legal_status):
            if breach.rule == 167:
                review.code = None  # not a participation code: stored blank
            problems.add(
                REVIEWS_FILE, review.line, fields.get(breach.field, "REVIEW"), breach.message,
                kind=FINDING, rule=str(breach.rule), child=ref,
            )  # fmt: skip


def plan_children(
    children: dict[str, ChildIn],
    episodes_in: dict[str, dict[date, EpisodeIn]] | None,
    reviews_in: dict[str, list[ReviewIn]],
    existing: Existing,
    problems: Problems,
) -> list[ChildPlan]:
    """Check each child's episodes and reviews together with what the database holds."""
    plans: list[ChildPlan] = []
    for ref, header in children.items():
        child = existing.children.get(ref)
        db_eps = {e.start_date: e for e in existing.episodes[child.id]} if child else {}
        file_eps = (episodes_in or {}).get(ref, {})
        merged = [
            _merged(file_eps.get(start), db_eps.get(start))
            for start in sorted(set(file_eps) | set(db_eps))
        ]
        _check_episode_chain(ref, merged, problems)
        runs = _make_runs(merged)
        _assign_periods(runs, existing.periods)
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
                    f"{ref}'s {review.kind} already recorded on {fmt(review.meeting_date)} "
                    "falls outside every period of care",
                    kind=FINDING, rule="OUTSIDE", child=ref,
                )  # fmt: skip
        lars = {r.meeting_date: r for r in held if r.kind == "LAR"}
        plans.append(ChildPlan(ref, header, child, runs, reviews, lars, kept))
    return plans


def note_unknown_history(
    plans: Sequence[ChildPlan], earliest: date | None, problems: Problems
) -> int:
    """A period of care that began before the files' first year has a review history the
    files cannot show: noted as such, not taken for a missing first review.

    The files cover whole reporting years (a return is 1 April to 31 March), so the
    history starts on 1 April of the year of their earliest review (``earliest``, of
    every child in the files, not only these ``plans``).
    """
    if earliest is None:
        return 0
    first = reporting_year_bounds(reporting_year(earliest))[0]
    count = 0
    for plan in plans:
        held = [r.review_date for r in plan.reviews]
        held += [r.meeting_date for r in plan.kept] + list(plan.lars)
        for run in plan.runs:
            if run.start >= first or (run.end is not None and run.end < first):
                continue
            if any(run.start <= day < first for day in held):
                continue
            problems.add(
                REVIEWS_FILE, None, "REVIEW",
                f"history incomplete: {plan.ref}'s period of care began on {fmt(run.start)}, "
                f"before the earliest review in these files ({fmt(first)}); enter the last "
                "review held before then",
                kind=FINDING, rule="HISTORY", child=plan.ref, on_date=first,
            )  # fmt: skip
            count += 1
    return count


def check_strays(
    children: Container[str],
    episodes_in: dict[str, dict[date, EpisodeIn]] | None,
    reviews_in: dict[str, list[ReviewIn]],
    problems: Problems,
) -> None:
    """Rows of children missing from header.csv are still checked, so every problem shows."""
    for ref, by_start in (episodes_in or {}).items():
        if ref not in children:
            merged = [_merged(ep, None) for _, ep in sorted(by_start.items())]
            _check_episode_chain(ref, merged, problems)
    for ref, reviews in reviews_in.items():
        if ref not in children:
            _check_reviews(ref, None, reviews, None, problems)
