"""The caseload: every child's next statutory review, its kind and its deadline.

Built from a handful of set-based queries (no query per child) so that one IRO's
caseload answers at once and the whole country's overdue list in seconds; the
schedules themselves come from ``rules.reviews``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import func, select
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
from iro_desk.db.queries import covering, raw_key
from iro_desk.rules.clocks import (
    Deadline,
)
from iro_desk.rules.codes import CP_PARTICIPATION_METHODS, SECURE_PLACEMENTS, SHORT_BREAK_STATUSES
from iro_desk.rules.dates import add_months
from iro_desk.rules.reviews import (
    ChildFacts,
    Due,
    ScheduleCache,
    is_short_break,
    reviews_from_span,
    short_break_series_start,
    working_days_left,
)
from iro_desk.rules.timescales import CASELOAD_HIGH, CASELOAD_LOW
from iro_desk.rules.working_days import WorkingCalendar
from iro_desk.services.caseload_clocks import (
    DEADLINE_KEYS,
    Key,
    TookPart,
    deadlines,
    latest_meetings,
    rows_for,
)
from iro_desk.services.context import Ctx
from iro_desk.services.iros import lookup_iro
from iro_desk.services.record_checks import RecordCheck, record_checks

# A period's reviews are reg 33 LARs or, for short breaks, reg 48 reviews.
PERIOD_REVIEWS = ("LAR", "SHORTBREAK")


@dataclass(frozen=True)
class CaseloadRow:
    child_id: uuid.UUID
    ref: str
    name: str
    dob: date | None
    iro: str | None
    status: str  # "CLA", "Short breaks", "CP", "CLA+CP", "ICPC pending"
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
    # From a 903 import's findings (services/record_checks.py): the review history before
    # the files is unknown (not overdue), or the review clock is uncertain.
    history_incomplete: bool = False
    check_record: bool = False
    # IRO allocation (this period of care) and circulation of the latest review.
    deadlines: tuple[Deadline, ...] = ()

    @property
    def late(self) -> tuple[str, ...]:
        """The names of the other clocks that are late (or overdue) on this row."""
        return tuple(d.name for d in self.deadlines if d.late)

    def as_json(self) -> dict[str, object]:
        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        # Every row has every key; a clock that does not apply is null and not late.
        clocks: dict[str, object] = {}
        for due_key, done_key, late_key in DEADLINE_KEYS.values():
            clocks |= {due_key: None, done_key: None, late_key: False}
        for d in self.deadlines:
            due_key, done_key, late_key = DEADLINE_KEYS[d.name]
            clocks |= {due_key: iso(d.due), done_key: iso(d.done), late_key: d.late}
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
            "history_incomplete": self.history_incomplete,
            "check_record": self.check_record,
        } | clocks


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
    period_id: Key | None = None
    period_start: date | None = None
    legal_status: str | None = None
    placement: str | None = None
    plan_id: Key | None = None
    strategy_date: date | None = None
    icpc_date: date | None = None
    plan_start: date | None = None
    category: str | None = None
    lar_dates: tuple[date, ...] = ()
    rcpc_dates: tuple[date, ...] = ()
    secure_placed: date | None = None
    secure_reviews: tuple[date, ...] = ()
    short_breaks: bool = False  # looked after under a series of short breaks (reg 48)


def _review_span(link, key_col, kinds: tuple[str, ...], as_of: date):
    """The first and latest review held by ``as_of`` on a period's (or plan's) clock, as
    two correlated look-ups on the covering index: a due date depends on nothing else
    (none, one, or two or more reviews, and the latest)."""
    held = (link == key_col, MeetingChild.kind.in_(kinds), MeetingChild.meeting_date <= as_of)
    return (
        select(func.min(MeetingChild.meeting_date)).where(*held).scalar_subquery(),
        select(func.max(MeetingChild.meeting_date)).where(*held).scalar_subquery(),
    )


def _cla_rows(session: Session, as_of: date, ids: Sequence[Key] | None) -> list:
    first, last = _review_span(MeetingChild.period_id, Episode.period_id, PERIOD_REVIEWS, as_of)
    query = (
        select(
            raw_key(Episode.child_id),
            raw_key(Episode.period_id),
            CarePeriod.start_date,
            Episode.legal_status,
            Episode.placement,
            first,
            last,
        )
        .join(CarePeriod, CarePeriod.id == Episode.period_id)
        .where(covering(Episode.start_date, Episode.end_date, as_of))
    )
    return list(rows_for(session, query, Episode.child_id, ids))


def _merge_cla(rows: list, facts: dict[Key, _Facts]) -> None:
    for child_id, period_id, p_start, ls, place, first, last in rows:
        f = facts.setdefault(child_id, _Facts())
        f.period_id, f.period_start, f.legal_status, f.placement = period_id, p_start, ls, place
        f.lar_dates = reviews_from_span(first, last)


def _cp_rows(session: Session, as_of: date, ids: Sequence[Key] | None) -> list:
    first, last = _review_span(MeetingChild.cp_plan_id, CpPlan.id, ("RCPC",), as_of)
    query = select(
        raw_key(CpPlan.child_id),
        raw_key(CpPlan.id),
        CpPlan.strategy_date,
        CpPlan.icpc_date,
        CpPlan.start_date,
        CpPlan.category,
        first,
        last,
    ).where(covering(CpPlan.strategy_date, CpPlan.end_date, as_of))
    return list(rows_for(session, query, CpPlan.child_id, ids))


def _merge_cp(rows: list, as_of: date, facts: dict[Key, _Facts]) -> None:
    for child_id, plan_id, strategy, icpc, start, category, first, last in rows:
        f = facts.setdefault(child_id, _Facts())
        f.plan_id, f.strategy_date, f.category = plan_id, strategy, category
        # An ICPC held after as_of has not happened yet as far as as_of is concerned.
        f.icpc_date = icpc if icpc is not None and icpc <= as_of else None
        f.plan_start = start if start is not None and start <= as_of else None
        f.rcpc_dates = reviews_from_span(first, last) if f.icpc_date else ()


def _load_secure(session: Session, as_of: date, facts: dict[Key, _Facts]) -> None:
    """Children in a secure placement: the clock runs from the start of the secure stay."""
    secure = [cid for cid, f in facts.items() if f.placement in SECURE_PLACEMENTS]
    if not secure:
        return
    by_child: dict[Key, list] = {}
    query = (
        select(raw_key(Episode.child_id), Episode.start_date, Episode.end_date, Episode.placement)
        .where(Episode.start_date <= as_of)
        .order_by(Episode.start_date.desc())
    )
    for row in rows_for(session, query, Episode.child_id, secure):
        by_child.setdefault(row[0], []).append(row)
    for cid, rows in by_child.items():
        placed = None
        for _cid, start, end, placement in rows:  # newest first: back through secure stays
            if placement not in SECURE_PLACEMENTS or (placed and end != placed):
                break
            placed = start
        facts[cid].secure_placed = placed
    query = select(raw_key(MeetingChild.child_id), MeetingChild.meeting_date).where(
        MeetingChild.kind == "SECURE", MeetingChild.meeting_date <= as_of
    )
    for cid, day in rows_for(session, query, MeetingChild.child_id, secure):
        f = facts[cid]
        if f.secure_placed and day >= f.secure_placed:
            f.secure_reviews = (*f.secure_reviews, day)


def _load_short_breaks(
    session: Session, ctx: Ctx, as_of: date, ids: Sequence[Key] | None, facts: dict[Key, _Facts]
) -> None:
    """Children in a series of short breaks on ``as_of``, between breaks included: the
    reg 48 clock runs from the series' first break (``rules.reviews``), not each break."""
    gap = ctx.settings.timescales.short_break_series_months
    breaks = Episode.legal_status.in_(sorted(SHORT_BREAK_STATUSES))
    # A series runs only while a break is open (those children are in ``facts`` already)
    # or one started within the gap: find those children on the start-date index first
    # (a few days' margin for months of different lengths), then read all their breaks.
    recent = select(raw_key(Episode.child_id)).where(
        breaks,
        Episode.start_date >= add_months(as_of, -gap) - timedelta(days=4),
        Episode.start_date <= as_of,
    )
    candidates = {cid for (cid,) in rows_for(session, recent, Episode.child_id, ids)}
    candidates |= {cid for cid, f in facts.items() if is_short_break(f.legal_status)}
    by_child: dict[Key, list] = {}
    query = select(
        raw_key(Episode.child_id), Episode.start_date, Episode.end_date, Episode.legal_status
    ).where(breaks, Episode.start_date <= as_of)
    for row in rows_for(session, query, Episode.child_id, list(candidates)):
        by_child.setdefault(row[0], []).append(row)
    firsts: dict[Key, date] = {}
    for cid, rows in by_child.items():
        f = facts.get(cid)
        if f is not None and f.period_start is not None and not is_short_break(f.legal_status):
            continue  # looked after in full today: the reg 33 clock applies
        in_break = any(end is None or end > as_of for _c, _s, end, _ls in rows)
        first = short_break_series_start([r[1] for r in rows], as_of, gap, in_break=in_break)
        if first is None:
            continue
        f = facts.setdefault(cid, _Facts())
        latest = max(rows, key=lambda r: r[1])
        f.period_start, f.legal_status, f.short_breaks = first, latest[3], True
        if not in_break:
            f.period_id, f.placement = None, None
        firsts[cid] = first
    if not firsts:
        return
    held: dict[Key, list[date]] = {}
    query = select(raw_key(MeetingChild.child_id), MeetingChild.meeting_date).where(
        MeetingChild.kind.in_(PERIOD_REVIEWS), MeetingChild.meeting_date <= as_of
    )
    for cid, day in rows_for(session, query, MeetingChild.child_id, list(firsts)):
        if day >= firsts[cid]:
            held.setdefault(cid, []).append(day)
    for cid in firsts:
        days = held.get(cid, [])
        facts[cid].lar_dates = reviews_from_span(min(days), max(days)) if days else ()


def _latest(
    session: Session, ids: list[Key], as_of: date, meetings: dict[Key, TookPart]
) -> tuple[dict[Key, date], dict[Key, str | None]]:
    """Last visit, and how the child took part in their latest meeting (``meetings``, from
    ``latest_meetings``), for each child."""
    visits: dict[Key, date] = {}
    query = (
        select(raw_key(Visit.child_id), func.max(Visit.visit_date))
        .where(Visit.visit_date <= as_of)
        .group_by(Visit.child_id)
    )
    for cid, last in rows_for(session, query, Visit.child_id, ids):
        visits[cid] = last
    took_part: dict[Key, str | None] = {}
    for cid, (pn, took, method) in meetings.items():
        if pn:
            text = pn
        elif took is None:
            text = None
        elif took:
            label = CP_PARTICIPATION_METHODS.get(method or "", "")
            text = f"took part: {label.lower()}" if label else "took part"
        else:
            text = "did not take part"
        took_part[cid] = text
    return visits, took_part


def _people(
    session: Session, ids: list[Key], as_of: date
) -> tuple[dict[Key, tuple[str, str, date | None]], dict[Key, str]]:
    children: dict[Key, tuple[str, str, date | None]] = {}
    query = select(raw_key(Child.id), Child.ref, Child.first_name, Child.last_name, Child.dob)
    for cid, ref, first, last, dob in rows_for(session, query, Child.id, ids):
        children[cid] = (ref, f"{first} {last}".strip(), dob)
    iros: dict[Key, str] = {}
    query = (
        select(raw_key(Allocation.child_id), Iro.name)
        .join(Iro, Iro.id == Allocation.iro_id)
        .where(covering(Allocation.start_date, Allocation.end_date, as_of))
    )
    for cid, name in rows_for(session, query, Allocation.child_id, ids):
        iros[cid] = name
    return children, iros


def _status(f: _Facts) -> str:
    cla = f.period_start is not None
    looked_after = "Short breaks" if f.short_breaks else "CLA"
    if f.plan_id is not None and f.plan_start is None and f.icpc_date is None:
        return f"{looked_after}+ICPC pending" if cla else "ICPC pending"
    if cla and f.plan_id is not None:
        return f"{looked_after}+CP"
    return looked_after if cla else "CP"


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
    scope, fte, ids = _scope(session, as_of, iro_name, child_ids)
    facts: dict[Key, _Facts] = {}
    if ids is None or ids:
        _merge_cla(_cla_rows(session, as_of, ids), facts)
        _merge_cp(_cp_rows(session, as_of, ids), as_of, facts)
        _load_short_breaks(session, ctx, as_of, ids, facts)
    _load_secure(session, as_of, facts)

    picked, (cla, cp, overdue_count) = _pick(ctx, facts, as_of, overdue_only, due_within)
    header = CaseloadHeader(scope, as_of, cla, cp, len(facts), fte, overdue_count)
    picked, header, checks = _record_checks(session, picked, header, as_of, overdue_only)

    picked.sort(key=lambda item: item[2].date if item[2] else date.max)
    if limit is not None:
        picked = picked[:limit]
    out_ids = [cid for cid, _, _ in picked]
    children, iros = _people(session, out_ids, as_of)
    circulation, meetings = latest_meetings(session, out_ids, as_of)
    visits, took_part = _latest(session, out_ids, as_of, meetings)
    care_starts = {c: facts[c].period_start for c in out_ids}
    clocks = deadlines(session, ctx, out_ids, care_starts, as_of, circulation)
    rows = [
        _checked(
            _row(
                cid, f, due, as_of, ctx.calendar, children[cid], iros, visits, took_part,
                clocks[cid],
            ),
            checks,
        )
        for cid, f, due in picked
    ]  # fmt: skip
    return Caseload(header, rows)


def _record_checks(
    session: Session,
    picked: list[tuple[Key, _Facts, Due | None]],
    header: CaseloadHeader,
    as_of: date,
    overdue_only: bool,
) -> tuple[list[tuple[Key, _Facts, Due | None]], CaseloadHeader, dict[uuid.UUID, RecordCheck]]:
    """A child whose review history before an imported return is unknown is not counted
    (or listed) as overdue: the IRO is asked to enter the last review instead."""
    checks = record_checks(session, [_uuid(cid) for cid, _, _ in picked], as_of)
    unknown = {cid for cid, check in checks.items() if check.history_incomplete}
    if not unknown:
        return picked, header, checks
    late = {
        _uuid(cid) for cid, _, due in picked
        if _uuid(cid) in unknown and due is not None and as_of > due.date
    }  # fmt: skip
    header = replace(header, overdue=header.overdue - len(late))
    if overdue_only:
        picked = [p for p in picked if _uuid(p[0]) not in late]
    return picked, header, checks


def _uuid(cid: Key) -> uuid.UUID:
    return cid if isinstance(cid, uuid.UUID) else uuid.UUID(str(cid))


def _checked(row: CaseloadRow, checks: dict[uuid.UUID, RecordCheck]) -> CaseloadRow:
    check = checks.get(row.child_id)
    if check is None:
        return row
    return replace(
        row,
        history_incomplete=check.history_incomplete,
        check_record=check.check_record,
        overdue=row.overdue and not check.history_incomplete,
    )


def _scope(
    session: Session, as_of: date, iro_name: str | None, child_ids: list[uuid.UUID] | None
) -> tuple[str, float, list[Key] | None]:
    """The caseload's title, its FTE, and its children's keys (None: every child)."""
    ids: list[Key] | None = None
    fte = 0.0
    conn = session.connection()
    if child_ids is not None:
        scope = "Selected children"
        ids = list(conn.scalars(select(raw_key(Child.id)).where(Child.id.in_(child_ids))))
    elif iro_name is not None:
        iro = lookup_iro(session, iro_name)
        scope, fte = iro.name, iro.fte
        ids = list(
            conn.scalars(
                select(raw_key(Allocation.child_id)).where(
                    Allocation.iro_id == iro.id,
                    covering(Allocation.start_date, Allocation.end_date, as_of),
                )
            )
        )
    else:
        scope = "All children"
        fte = float(conn.scalar(select(func.coalesce(func.sum(Iro.fte), 0.0)).where(Iro.active)))
    return scope, fte, ids


def _pick(
    ctx: Ctx,
    facts: dict[Key, _Facts],
    as_of: date,
    overdue_only: bool,
    due_within: int | None,
) -> tuple[list[tuple[Key, _Facts, Due | None]], tuple[int, int, int]]:
    """Each child's next review, and the children the filters keep; with the counts of
    looked-after, CP and overdue children over all of them."""
    cal = ctx.calendar
    schedules = ScheduleCache(cal, ctx.settings.timescales)
    picked: list[tuple[Key, _Facts, Due | None]] = []
    cla = cp = overdue_count = 0
    for cid, f in facts.items():
        due = schedules.next_review(
            ChildFacts(
                period_start=f.period_start,
                legal_status=f.legal_status,
                lar_dates=f.lar_dates,
                strategy_date=f.strategy_date,
                icpc_date=f.icpc_date,
                rcpc_dates=f.rcpc_dates,
                secure_placed=f.secure_placed,
                secure_review_dates=f.secure_reviews,
            )
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
    return picked, (cla, cp, overdue_count)


def _row(
    cid: Key,
    f: _Facts,
    due: Due | None,
    as_of: date,
    cal: WorkingCalendar,
    person: tuple[str, str, date | None],
    iros: dict[Key, str],
    visits: dict[Key, date],
    took_part: dict[Key, str | None],
    clocks: tuple[Deadline, ...],
) -> CaseloadRow:
    ref, name, dob = person
    last_review = max(
        (d for d in (*f.lar_dates, *f.rcpc_dates, f.icpc_date) if d is not None), default=None
    )
    return CaseloadRow(
        child_id=cid if isinstance(cid, uuid.UUID) else uuid.UUID(str(cid)),
        ref=ref,
        name=name,
        dob=dob,
        iro=iros.get(cid),
        status=_status(f),
        legal_status=f.legal_status,
        placement=f.placement,
        cp_category=f.category if f.plan_start else None,
        last_review=last_review,
        next_review_due=due.date if due else None,
        next_review_kind=due.kind.value if due else None,
        next_review_basis=due.basis if due else None,
        wd_left=working_days_left(as_of, due, cal) if due else None,
        overdue=bool(due and as_of > due.date),
        last_visit=visits.get(cid),
        last_participation=took_part.get(cid),
        deadlines=clocks,
    )


def build_caseload_for_child(
    session: Session, ctx: Ctx, child_id: uuid.UUID, as_of: date
) -> CaseloadRow | None:
    rows = build_caseload(session, ctx, as_of=as_of, child_ids=[child_id]).rows
    return rows[0] if rows else None
