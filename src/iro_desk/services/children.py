"""Children, their periods of care and episodes, IRO allocation and CP plans."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from iro_desk.db.models import Allocation, CarePeriod, Child, CpPlan, Episode, Iro
from iro_desk.db.queries import contains
from iro_desk.rules import codes
from iro_desk.rules.identity import nhs_number_problem, normalise_nhs_number, upn_problem
from iro_desk.rules.plausible import BIRTH, EXPECTED_BIRTH
from iro_desk.services.audit import add_new, change
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.unique import unique_or
from iro_desk.services.validate import Checker


def name_key(value: str) -> str:
    return " ".join(value.lower().split())


def child_by_ref(session: Session, ref: str, field: str = "ref") -> Child:
    row = session.scalars(select(Child).where(Child.ref == ref.strip())).first()
    if row is None:
        raise NotFound.one(field, f"no child with reference {ref!r}")
    return row


def display_name(child: Child) -> str:
    name = f"{child.first_name} {child.last_name}".strip()
    return name or "(no name)"


@dataclass(frozen=True)
class ChildHit:
    id: uuid.UUID
    ref: str
    name: str
    dob: date | None
    iro: str | None = None  # the IRO allocated now, if any


def _prefix(column, term: str):
    # A range instead of LIKE: uses the index on both SQLite and PostgreSQL.
    return and_(column >= term, column < term + "\uffff")


def search_children(session: Session, term: str, *, limit: int = 20) -> list[ChildHit]:
    """By any part of the reference, or by the start of a first or last name ("ali smi"
    matches Alice Smith), each with the IRO allocated now."""
    words = name_key(term).split()
    if not words:
        return []
    query = (
        select(Child.id, Child.ref, Child.first_name, Child.last_name, Child.dob, Iro.name)
        .outerjoin(Allocation, and_(Allocation.child_id == Child.id, Allocation.end_date.is_(None)))
        .outerjoin(Iro, Iro.id == Allocation.iro_id)
    )
    if len(words) == 1:
        word = words[0]
        # Names hold no digits: a term with one is a piece of a reference, searched
        # anywhere in it; otherwise a prefix, which the indexes answer quickly.
        by_ref = (
            contains(Child.ref, term.strip())
            if any(c.isdigit() for c in term)
            else or_(_prefix(Child.ref, term.strip()), _prefix(Child.ref, term.strip().upper()))
        )
        query = query.where(
            or_(by_ref, _prefix(Child.last_key, word), _prefix(Child.first_key, word))
        )
    else:
        first, last = words[0], words[-1]
        query = query.where(
            or_(
                and_(_prefix(Child.first_key, first), _prefix(Child.last_key, last)),
                and_(_prefix(Child.last_key, first), _prefix(Child.first_key, last)),
            )
        )
    query = query.order_by(Child.last_key, Child.first_key, Child.ref).limit(limit)
    return [
        ChildHit(r.id, r.ref, f"{r.first_name} {r.last_name}".strip(), r.dob, r.name)
        for r in session.execute(query)
    ]


def check_identity(
    check: Checker,
    *,
    dob: date | None,
    expected_dob: date | None,
    sex: str | None,
    ethnicity: str | None,
    nhs_number: str | None,
    upn: str | None,
    today: date,
) -> tuple[str | None, str | None, str | None]:
    """Validate identity fields; returns normalised (sex, nhs_number, upn)."""
    if dob is not None and expected_dob is not None:
        check.add("expected_dob", "give a date of birth or an expected date, not both")
    check.not_future("dob", dob, today)
    check.plausible("dob", dob, BIRTH, today)
    check.plausible("expected_dob", expected_dob, EXPECTED_BIRTH, today)
    if sex:
        try:
            sex = codes.normalise_sex(sex)
        except ValueError:
            check.add("sex", f"{sex!r} is not 1, 2, M, F or U")
    if ethnicity:
        check.choice("ethnicity", ethnicity, codes.ETHNIC_CODES)
    nhs = None
    if nhs_number and nhs_number.strip() and check.one_line("nhs_number", nhs_number):
        problem = nhs_number_problem(nhs_number)
        if problem:
            check.add("nhs_number", problem)
        else:
            nhs = normalise_nhs_number(nhs_number)
    clean_upn = None
    if upn and upn.strip() and check.one_line("upn", upn):
        problem = upn_problem(upn.strip().upper())
        if problem:
            check.add("upn", problem)
        else:
            clean_upn = upn.strip().upper()
    return sex or None, nhs, clean_upn


def add_child(
    session: Session,
    ctx: Ctx,
    *,
    ref: str,
    first_name: str = "",
    last_name: str = "",
    dob: date | None = None,
    expected_dob: date | None = None,
    sex: str | None = None,
    ethnicity: str | None = None,
    nhs_number: str | None = None,
    upn: str | None = None,
) -> Child:
    check = Checker()
    ref = check.text("ref", ref, required=True, max_len=40, one_line=True)
    first_name = check.text("first_name", first_name, max_len=100, one_line=True)
    last_name = check.text("last_name", last_name, max_len=100, one_line=True)
    sex, nhs, clean_upn = check_identity(
        check,
        dob=dob,
        expected_dob=expected_dob,
        sex=sex,
        ethnicity=ethnicity,
        nhs_number=nhs_number,
        upn=upn,
        today=ctx.today,
    )
    check.done()

    def taken() -> InvalidInput:
        return InvalidInput.one("ref", f"a child with reference {ref!r} already exists")

    if session.scalars(select(Child.id).where(Child.ref == ref)).first():
        raise taken()
    child = Child(
        ref=ref,
        first_name=first_name,
        last_name=last_name,
        first_key=name_key(first_name),
        last_key=name_key(last_name),
        dob=dob,
        expected_dob=expected_dob,
        sex=sex,
        ethnicity=ethnicity or None,
        nhs_number=nhs,
        upn=clean_upn,
    )
    # Another desk may add the same reference between the check and the insert.
    with unique_or(session, taken):
        add_new(session, ctx, child, "child.add", ref=ref)
    return child


# --- periods of care and episodes -------------------------------------------------


def periods_of(session: Session, child_id: uuid.UUID) -> list[CarePeriod]:
    return list(
        session.scalars(
            select(CarePeriod)
            .where(CarePeriod.child_id == child_id)
            .order_by(CarePeriod.start_date)
        )
    )


def episodes_of(session: Session, child_id: uuid.UUID) -> list[Episode]:
    return list(
        session.scalars(
            select(Episode).where(Episode.child_id == child_id).order_by(Episode.start_date)
        )
    )


def period_on(session: Session, child_id: uuid.UUID, on: date) -> CarePeriod | None:
    """The period of care covering ``on``.

    As in the 903, an end date (DEC) is the day the child stopped being looked
    after, so a period covers [start, end).
    """
    return session.scalars(
        select(CarePeriod).where(
            CarePeriod.child_id == child_id,
            CarePeriod.start_date <= on,
            or_(CarePeriod.end_date.is_(None), CarePeriod.end_date > on),
        )
    ).first()


def episode_on(session: Session, child_id: uuid.UUID, on: date) -> Episode | None:
    return session.scalars(
        select(Episode)
        .where(
            Episode.child_id == child_id,
            Episode.start_date <= on,
            or_(Episode.end_date.is_(None), Episode.end_date > on),
        )
        .order_by(Episode.start_date.desc())
    ).first()


def _check_episode(check: Checker, legal_status: str, placement: str | None) -> None:
    check.choice("legal_status", legal_status, codes.LEGAL_STATUSES)
    if placement:
        check.choice("placement", placement, codes.PLACEMENT_GROUPS)


def start_care(
    session: Session,
    ctx: Ctx,
    child: Child,
    start: date,
    *,
    legal_status: str,
    placement: str | None = None,
    rne: str | None = "S",
    cin: str | None = None,
    place_provider: str | None = None,
    pl_post: str | None = None,
    home_post: str | None = None,
    urn: str | None = None,
) -> tuple[CarePeriod, Episode]:
    """The child becomes looked after: a new period of care with its first episode."""
    check = Checker()
    _check_episode(check, legal_status, placement)
    check.not_future("start_date", start, ctx.today + timedelta(days=366))
    check.done()
    for period in periods_of(session, child.id):
        if period.end_date is None or period.end_date > start:
            raise InvalidInput.one(
                "start_date",
                f"the child is already looked after from {period.start_date} "
                + ("(period still open)" if period.end_date is None else f"to {period.end_date}"),
            )
    period = CarePeriod(child_id=child.id, start_date=start)
    add_new(session, ctx, period, "care.start", child=child.ref, start=start)
    session.flush()
    episode = Episode(
        child_id=child.id,
        period_id=period.id,
        start_date=start,
        rne=rne,
        legal_status=legal_status,
        cin=cin,
        placement=placement,
        place_provider=place_provider,
        pl_post=pl_post,
        home_post=home_post,
        urn=urn,
    )
    add_new(session, ctx, episode, "episode.add", child=child.ref, start=start)
    session.flush()
    return period, episode


def change_episode(
    session: Session,
    ctx: Ctx,
    child: Child,
    start: date,
    *,
    legal_status: str | None = None,
    placement: str | None = None,
    rne: str = "P",
    reason_place_change: str | None = None,
) -> Episode:
    """A change of legal status or placement within the open period: a new episode."""
    current = episode_on(session, child.id, start)
    if current is None or current.end_date is not None:
        raise InvalidInput.one("start_date", f"the child is not looked after on {start}")
    if start <= current.start_date:
        raise InvalidInput.one(
            "start_date", f"must be after the current episode's start {current.start_date}"
        )
    check = Checker()
    new_ls = legal_status or current.legal_status
    new_place = placement or current.placement
    _check_episode(check, new_ls, new_place)
    if reason_place_change:
        check.choice("reason_place_change", reason_place_change, codes.REASON_PLACE_CHANGE)
    check.done()
    current.end_date = start
    current.rec = "X1"
    if new_place != current.placement:
        current.reason_place_change = reason_place_change
    change(session, ctx, current, "episode.end", rec="X1", end=start)
    episode = Episode(
        child_id=child.id,
        period_id=current.period_id,
        start_date=start,
        rne=rne,
        legal_status=new_ls,
        placement=new_place,
        place_provider=current.place_provider,
        pl_post=current.pl_post,
        home_post=current.home_post,
    )
    add_new(session, ctx, episode, "episode.add", child=child.ref, start=start)
    session.flush()
    return episode


def end_care(session: Session, ctx: Ctx, child: Child, end: date, *, rec: str = "E4A") -> None:
    period = session.scalars(
        select(CarePeriod).where(CarePeriod.child_id == child.id, CarePeriod.end_date.is_(None))
    ).first()
    if period is None:
        raise InvalidInput.one("end_date", "the child has no open period of care")
    if end < period.start_date:
        raise InvalidInput.one(
            "end_date", f"{end} is before the period's start {period.start_date}"
        )
    episode = session.scalars(
        select(Episode).where(Episode.period_id == period.id, Episode.end_date.is_(None))
    ).first()
    if episode is not None:
        episode.end_date = end
        episode.rec = rec
        change(session, ctx, episode, "episode.end", rec=rec, end=end)
    period.end_date = end
    change(session, ctx, period, "care.end", end=end)
    session.flush()


# --- allocation ---------------------------------------------------------------------


def current_allocation(session: Session, child_id: uuid.UUID, on: date) -> Allocation | None:
    return session.scalars(
        select(Allocation)
        .where(
            Allocation.child_id == child_id,
            Allocation.start_date <= on,
            or_(Allocation.end_date.is_(None), Allocation.end_date > on),
        )
        .order_by(Allocation.start_date.desc())
    ).first()


def allocate(session: Session, ctx: Ctx, child: Child, iro: Iro, start: date) -> Allocation:
    """Give the child to an IRO from ``start``; the previous allocation ends that day."""
    if not iro.active:
        raise InvalidInput.one("iro", f"{iro.name} is not active")
    current = current_allocation(session, child.id, start)
    if current is not None:
        if current.iro_id == iro.id:
            return current
        if current.start_date == start:
            raise InvalidInput.one("start_date", f"already allocated to another IRO from {start}")
        current.end_date = start
        change(session, ctx, current, "allocation.end", end=start)
    later = session.scalars(
        select(Allocation).where(Allocation.child_id == child.id, Allocation.start_date > start)
    ).first()
    if later is not None:
        raise InvalidInput.one("start_date", f"a later allocation from {later.start_date} exists")
    row = Allocation(child_id=child.id, iro_id=iro.id, start_date=start)
    add_new(session, ctx, row, "allocation.add", child=child.ref, iro=iro.name, start=start)
    session.flush()
    return row


# --- child protection ---------------------------------------------------------------


def open_cp_plan(session: Session, child_id: uuid.UUID, on: date) -> CpPlan | None:
    """The CP episode open on ``on`` (from strategy discussion to plan end)."""
    return session.scalars(
        select(CpPlan)
        .where(
            CpPlan.child_id == child_id,
            CpPlan.strategy_date <= on,
            or_(CpPlan.end_date.is_(None), CpPlan.end_date > on),
        )
        .order_by(CpPlan.strategy_date.desc())
    ).first()


def start_cp_enquiry(session: Session, ctx: Ctx, child: Child, strategy_date: date) -> CpPlan:
    """A strategy discussion decided on a s47 enquiry: the ICPC clock starts."""
    check = Checker()
    check.not_future("strategy_date", strategy_date, ctx.today)
    check.done()
    if open_cp_plan(session, child.id, strategy_date) is not None:
        raise InvalidInput.one("strategy_date", "the child already has an open CP episode")
    plan = CpPlan(child_id=child.id, strategy_date=strategy_date)
    add_new(session, ctx, plan, "cp.strategy", child=child.ref, strategy=strategy_date)
    session.flush()
    return plan


def end_cp_plan(
    session: Session, ctx: Ctx, plan: CpPlan, end: date, *, outcome: str = "plan ended"
) -> CpPlan:
    check = Checker()
    outcome = check.text("outcome", outcome, required=True, max_len=40)
    check.order("start_date", plan.start_date or plan.strategy_date, "end_date", end)
    check.done()
    plan.end_date = end
    plan.outcome = outcome
    change(session, ctx, plan, "cp.end", end=end, outcome=outcome)
    session.flush()
    return plan


def cp_plans_of(session: Session, child_id: uuid.UUID) -> list[CpPlan]:
    return list(
        session.scalars(
            select(CpPlan).where(CpPlan.child_id == child_id).order_by(CpPlan.strategy_date)
        )
    )


def age_text(dob: date | None, expected: date | None, on: date) -> str:
    if dob is None:
        return f"unborn (due {expected})" if expected else "unknown"
    from iro_desk.rules.dates import age_on

    return str(age_on(dob, on))
