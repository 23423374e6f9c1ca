"""The caseload: every child's next statutory review, its kind and its deadline.

Built from a handful of set-based queries (no query per child) so that one IRO's
caseload answers at once and the whole country's overdue list in seconds; the
schedules themselves come from ``rules.reviews``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session

from iro_desk.db.models import (
    Allocation,
    CarePeriod,
    Child,
    CpPlan,
    Episode,
    Iro,
    MeetingChild,
    Visit,
)
from iro_desk.rules.codes import CP_PARTICIPATION_METHODS, SECURE_PLACEMENTS
from iro_desk.rules.reviews import ChildFacts, next_review, working_days_left
from iro_desk.rules.timescales import CASELOAD_HIGH, CASELOAD_LOW
from iro_desk.services.context import Ctx
from iro_desk.services.iros import find_iro

CHUNK = 5_000  # ids per IN list: well inside SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class CaseloadRow:
    child_id: uuid.UUID
    ref: str
    name: str
    dob: date | None
    iro: str | None
    status: str  # "CLA", "CP", "CLA+CP", "ICPC pending"
    legal_status: str | None
    placement: str | None
    cp_category: str | None
    last_review: date | None
    next_review_due: date | None
    next_review_kind: str | None
    next_review_basis: str | None
    wd_left: int | None
    overdue: bool
    last_visit: date | None
    last_participation: str | None

    def as_json(self) -> dict[str, object]:
        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "ref": self.ref,
            "name": self.name,
            "dob": iso(self.dob),
            "iro": self.iro,
            "status": self.status,
            "legal_status": self.legal_status,
            "placement": self.placement,
            "cp_category": self.cp_category,
            "last_review": iso(self.last_review),
            "next_review_due": iso(self.next_review_due),
            "next_review_kind": self.next_review_kind,
            "working_days_left": self.wd_left,
            "overdue": self.overdue,
            "last_visit": iso(self.last_visit),
            "last_participation": self.last_participation,
        }


@dataclass(frozen=True)
class CaseloadHeader:
    scope: str  # the IRO's name, or "All children"
    as_of: date
    cla: int
    cp: int
    total: int
    fte: float
    overdue: int

    @property
    def per_fte(self) -> float:
        return self.total / self.fte if self.fte else 0.0

    @property
    def band(self) -> str:
        """Against the IRO Handbook's 50–70 children per full-time IRO."""
        if self.per_fte > CASELOAD_HIGH:
            return f"above the Handbook's {CASELOAD_LOW}-{CASELOAD_HIGH}"
        if self.per_fte < CASELOAD_LOW:
            return f"below the Handbook's {CASELOAD_LOW}-{CASELOAD_HIGH}"
        return f"within the Handbook's {CASELOAD_LOW}-{CASELOAD_HIGH}"


@dataclass(frozen=True)
class Caseload:
    header: CaseloadHeader
    rows: list[CaseloadRow] = field(default_factory=list)


@dataclass
class _Facts:
    period_id: uuid.UUID | None = None
    period_start: date | None = None
    legal_status: str | None = None
    placement: str | None = None
    episode_start: date | None = None
    plan_id: uuid.UUID | None = None
    strategy_date: date | None = None
    icpc_date: date | None = None
    plan_start: date | None = None
    category: str | None = None
    lar_dates: tuple[date, ...] = ()
    rcpc_dates: tuple[date, ...] = ()
    secure_placed: date | None = None
    secure_reviews: tuple[date, ...] = ()


def _chunks(ids: Sequence[uuid.UUID]) -> Iterator[Sequence[uuid.UUID]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _covering(start_col, end_col, as_of: date):
    # [start, end): an end date (DEC) is the first day the state no longer holds.
    return (start_col <= as_of) & or_(end_col.is_(None), end_col > as_of)


def _two_dates(n: int, first: date | None, last: date | None) -> tuple[date, ...]:
    """The schedules depend only on how many reviews there were (0, 1, 2+) and the latest."""
    if n == 0 or last is None:
        return ()
    if n == 1 or first is None:
        return (last,)
    return (first, last)


def _load_cla(session: Session, as_of: date, ids: Sequence[uuid.UUID] | None, facts) -> None:
    query = select(
        Episode.child_id,
        Episode.period_id,
        CarePeriod.start_date,
        Episode.legal_status,
        Episode.placement,
        Episode.start_date,
    ).join(CarePeriod, CarePeriod.id == Episode.period_id)
    query = query.where(_covering(Episode.start_date, Episode.end_date, as_of))
    for rows in _batched(session, query, Episode.child_id, ids):
        for child_id, period_id, p_start, ls, place, e_start in rows:
            f = facts.setdefault(child_id, _Facts())
            f.period_id, f.period_start = period_id, p_start
            f.legal_status, f.placement, f.episode_start = ls, place, e_start


def _load_cp(session: Session, as_of: date, ids: Sequence[uuid.UUID] | None, facts) -> None:
    query = select(
        CpPlan.child_id,
        CpPlan.id,
        CpPlan.strategy_date,
        CpPlan.icpc_date,
        CpPlan.start_date,
        CpPlan.category,
    ).where(_covering(CpPlan.strategy_date, CpPlan.end_date, as_of))
    for rows in _batched(session, query, CpPlan.child_id, ids):
        for child_id, plan_id, strategy, icpc, start, category in rows:
            f = facts.setdefault(child_id, _Facts())
            f.plan_id, f.strategy_date, f.category = plan_id, strategy, category
            # An ICPC held after as_of has not happened yet as far as as_of is concerned.
            f.icpc_date = icpc if icpc is not None and icpc <= as_of else None
            f.plan_start = start if start is not None and start <= as_of else None


def _batched(session: Session, query, id_col, ids: Sequence[uuid.UUID] | None):
    if ids is None:
        yield session.execute(query)
        return
    for chunk in _chunks(ids):
        yield session.execute(query.where(id_col.in_(chunk)))


def _review_counts(
    session: Session, key_col, kinds: tuple[str, ...], keys: list[uuid.UUID], as_of: date
) -> dict[uuid.UUID, tuple[date, ...]]:
    out: dict[uuid.UUID, tuple[date, ...]] = {}
    for chunk in _chunks(keys):
        query = (
            select(
                key_col,
                func.count(distinct(MeetingChild.meeting_date)),
                func.min(MeetingChild.meeting_date),
                func.max(MeetingChild.meeting_date),
            )
            .where(
                key_col.in_(chunk), MeetingChild.kind.in_(kinds), MeetingChild.meeting_date <= as_of
            )
            .group_by(key_col)
        )
        for key, n, first, last in session.execute(query):
            out[key] = _two_dates(n, first, last)
    return out


def _load_secure(session: Session, as_of: date, facts: dict[uuid.UUID, _Facts]) -> None:
    """Children in a secure placement: the clock runs from the start of the secure stay."""
    secure = [cid for cid, f in facts.items() if f.placement in SECURE_PLACEMENTS]
    if not secure:
        return
    episodes = session.execute(
        select(Episode.child_id, Episode.start_date, Episode.end_date, Episode.placement)
        .where(Episode.child_id.in_(secure), Episode.start_date <= as_of)
        .order_by(Episode.child_id, Episode.start_date.desc())
    ).all()
    by_child: dict[uuid.UUID, list] = {}
    for row in episodes:
        by_child.setdefault(row.child_id, []).append(row)
    for cid, rows in by_child.items():
        placed = None
        for row in rows:  # newest first: walk back through unbroken secure episodes
            if row.placement not in SECURE_PLACEMENTS or (placed and row.end_date != placed):
                break
            placed = row.start_date
        facts[cid].secure_placed = placed
    reviews = session.execute(
        select(MeetingChild.child_id, MeetingChild.meeting_date).where(
            MeetingChild.child_id.in_(secure),
            MeetingChild.kind == "SECURE",
            MeetingChild.meeting_date <= as_of,
        )
    ).all()
    for cid, day in reviews:
        f = facts[cid]
        if f.secure_placed and day >= f.secure_placed:
            f.secure_reviews = (*f.secure_reviews, day)


def _latest(
    session: Session, ids: list[uuid.UUID], as_of: date
) -> tuple[dict[uuid.UUID, date], dict[uuid.UUID, tuple[date, str | None]]]:
    """Last visit, and the last meeting's date and participation, for each child."""
    visits: dict[uuid.UUID, date] = {}
    meetings: dict[uuid.UUID, tuple[date, str | None]] = {}
    for chunk in _chunks(ids):
        for cid, last in session.execute(
            select(Visit.child_id, func.max(Visit.visit_date))
            .where(Visit.child_id.in_(chunk), Visit.visit_date <= as_of)
            .group_by(Visit.child_id)
        ):
            visits[cid] = last
        rows = session.execute(
            select(
                MeetingChild.child_id,
                MeetingChild.meeting_date,
                MeetingChild.participation,
                MeetingChild.cp_took_part,
                MeetingChild.cp_method,
            ).where(
                MeetingChild.child_id.in_(chunk),
                MeetingChild.meeting_date <= as_of,
                MeetingChild.kind.in_(("LAR", "SHORTBREAK", "ICPC", "RCPC", "SECURE")),
            )
        )
        for cid, day, pn, took_part, method in rows:
            if cid in meetings and meetings[cid][0] >= day:
                continue
            if pn:
                text = pn
            elif took_part is None:
                text = None
            elif took_part:
                label = CP_PARTICIPATION_METHODS.get(method or "", "")
                text = f"took part: {label.lower()}" if label else "took part"
            else:
                text = "did not take part"
            meetings[cid] = (day, text)
    return visits, meetings


def _people(
    session: Session, ids: list[uuid.UUID], as_of: date
) -> tuple[dict[uuid.UUID, tuple[str, str, date | None]], dict[uuid.UUID, str]]:
    children: dict[uuid.UUID, tuple[str, str, date | None]] = {}
    iros: dict[uuid.UUID, str] = {}
    for chunk in _chunks(ids):
        for cid, ref, first, last, dob in session.execute(
            select(Child.id, Child.ref, Child.first_name, Child.last_name, Child.dob).where(
                Child.id.in_(chunk)
            )
        ):
            children[cid] = (ref, f"{first} {last}".strip(), dob)
        for cid, name in session.execute(
            select(Allocation.child_id, Iro.name)
            .join(Iro, Iro.id == Allocation.iro_id)
            .where(
                Allocation.child_id.in_(chunk),
                _covering(Allocation.start_date, Allocation.end_date, as_of),
            )
        ):
            iros[cid] = name
    return children, iros


def _status(f: _Facts) -> str:
    cla = f.period_start is not None
    if f.plan_id is not None and f.plan_start is None and f.icpc_date is None:
        return "CLA+ICPC pending" if cla else "ICPC pending"
    if cla and f.plan_id is not None:
        return "CLA+CP"
    return "CLA" if cla else "CP"


def build_caseload(
    session: Session,
    ctx: Ctx,
    *,
    as_of: date,
    iro_name: str | None = None,
    overdue_only: bool = False,
    due_within: int | None = None,
    limit: int | None = None,
    child_ids: list[uuid.UUID] | None = None,
) -> Caseload:
    """One IRO's caseload (``iro_name``) or every child looked after or on a CP plan.

    ``due_within`` keeps children whose next review is at most that many working
    days away (overdue ones included). Rows come soonest-due first.
    """
    ids: list[uuid.UUID] | None = None
    fte = 0.0
    if child_ids is not None:
        scope, ids = "Selected children", list(child_ids)
    elif iro_name is not None:
        iro = find_iro(session, iro_name)
        scope, fte = iro.name, iro.fte
        ids = list(
            session.scalars(
                select(Allocation.child_id).where(
                    Allocation.iro_id == iro.id,
                    _covering(Allocation.start_date, Allocation.end_date, as_of),
                )
            )
        )
    else:
        scope = "All children"
        fte = float(
            session.scalar(select(func.coalesce(func.sum(Iro.fte), 0.0)).where(Iro.active)) or 0
        )
    facts: dict[uuid.UUID, _Facts] = {}
    if ids is None or ids:
        _load_cla(session, as_of, ids, facts)
        _load_cp(session, as_of, ids, facts)
    periods = [f.period_id for f in facts.values() if f.period_id is not None]
    plans = [f.plan_id for f in facts.values() if f.plan_id is not None and f.icpc_date]
    # A period's reviews are reg 33 LARs or, for short breaks, reg 48 reviews.
    lars = _review_counts(session, MeetingChild.period_id, ("LAR", "SHORTBREAK"), periods, as_of)
    rcpcs = _review_counts(session, MeetingChild.cp_plan_id, ("RCPC",), plans, as_of)
    _load_secure(session, as_of, facts)

    cal, ts = ctx.calendar, ctx.settings.timescales
    picked: list[tuple[uuid.UUID, _Facts, object]] = []
    cla = cp = overdue_count = 0
    for cid, f in facts.items():
        f.lar_dates = lars.get(f.period_id, ()) if f.period_id else ()
        f.rcpc_dates = rcpcs.get(f.plan_id, ()) if f.plan_id else ()
        due = next_review(
            ChildFacts(
                period_start=f.period_start,
                legal_status=f.legal_status,
                lar_dates=f.lar_dates,
                strategy_date=f.strategy_date,
                icpc_date=f.icpc_date,
                rcpc_dates=f.rcpc_dates,
                secure_placed=f.secure_placed,
                secure_review_dates=f.secure_reviews,
            ),
            cal,
            ts,
        )
        cla += f.period_start is not None
        cp += f.plan_id is not None
        is_overdue = due is not None and as_of > due.date
        overdue_count += is_overdue
        if overdue_only and not is_overdue:
            continue
        if due_within is not None and (
            due is None or (not is_overdue and working_days_left(as_of, due, cal) > due_within)
        ):
            continue
        picked.append((cid, f, due))
    header = CaseloadHeader(scope, as_of, cla, cp, len(facts), fte, overdue_count)

    picked.sort(key=lambda item: item[2].date if item[2] else date.max)  # type: ignore[union-attr]
    if limit is not None:
        picked = picked[:limit]
    out_ids = [cid for cid, _, _ in picked]
    children, iros = _people(session, out_ids, as_of)
    visits, meetings = _latest(session, out_ids, as_of)
    rows = []
    for cid, f, due in picked:
        ref, name, dob = children[cid]
        last_review = max(
            (d for d in (*f.lar_dates, *f.rcpc_dates, f.icpc_date) if d is not None), default=None
        )
        rows.append(
            CaseloadRow(
                child_id=cid,
                ref=ref,
                name=name,
                dob=dob,
                iro=iros.get(cid),
                status=_status(f),
                legal_status=f.legal_status,
                placement=f.placement,
                cp_category=f.category if f.plan_start else None,
                last_review=last_review,
                next_review_due=due.date if due else None,  # type: ignore[attr-defined]
                next_review_kind=due.kind.value if due else None,  # type: ignore[attr-defined]
                next_review_basis=due.basis if due else None,  # type: ignore[attr-defined]
                wd_left=working_days_left(as_of, due, cal) if due else None,  # type: ignore[arg-type]
                overdue=bool(due and as_of > due.date),  # type: ignore[attr-defined]
                last_visit=visits.get(cid),
                last_participation=meetings.get(cid, (None, None))[1],
            )
        )
    return Caseload(header, rows)


def build_caseload_for_child(
    session: Session, ctx: Ctx, child_id: uuid.UUID, as_of: date
) -> CaseloadRow | None:
    rows = build_caseload(session, ctx, as_of=as_of, child_ids=[child_id]).rows
    return rows[0] if rows else None


def caseload_counts(session: Session, ctx: Ctx, as_of: date, names: Iterable[str]) -> list:
    """Header figures for several IROs (the unit's caseload table)."""
    return [build_caseload(session, ctx, as_of=as_of, iro_name=n, limit=0).header for n in names]
