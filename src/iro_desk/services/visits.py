"""IRO visits to children: append-only, so what a child said is never silently rewritten."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk.db.models import Child, Iro, Visit
from iro_desk.rules import codes
from iro_desk.rules.plausible import RECORD
from iro_desk.services.audit import add_new
from iro_desk.services.children import child_by_ref
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.iros import find_iro, iro_for_user
from iro_desk.services.validate import Checker

if TYPE_CHECKING:
    from iro_desk.services.context import Desk


@dataclass(frozen=True)
class VisitRow:
    id: uuid.UUID
    visit_date: date
    iro: str
    location: str
    purpose: str
    seen_alone: bool
    views: str
    amends_id: uuid.UUID | None
    superseded: bool  # a later row amends this one


def _check(
    check: Checker,
    ctx: Ctx,
    visit_date: date | None,
    location: str,
    purpose: str,
    views: str,
) -> str:
    if visit_date is None:
        check.add("date", "is required")
    check.not_future("date", visit_date, ctx.today)
    check.plausible("date", visit_date, RECORD, ctx.today)
    check.choice("location", location, codes.VISIT_LOCATIONS)
    check.choice("purpose", purpose, codes.VISIT_PURPOSES)
    return check.text("views", views, max_len=20_000)


def record_visit(
    session: Session,
    ctx: Ctx,
    child: Child,
    iro: Iro,
    *,
    visit_date: date | None,
    location: str,
    purpose: str,
    seen_alone: bool,
    views: str = "",
) -> Visit:
    check = Checker()
    views = _check(check, ctx, visit_date, location, purpose, views)
    check.done()
    assert visit_date is not None
    if child.dob and visit_date < child.dob:
        raise InvalidInput.one("date", f"{visit_date} is before the child's birth {child.dob}")
    visit = Visit(
        child_id=child.id,
        iro_id=iro.id,
        visit_date=visit_date,
        location=location,
        purpose=purpose,
        seen_alone=seen_alone,
        views=views,
    )
    add_new(session, ctx, visit, "visit.add", child=child.ref, date=visit_date)
    session.flush()
    return visit


def log_visit(
    desk: Desk,
    *,
    ref: str,
    visit_date: date | None,
    location: str,
    purpose: str,
    seen_alone: bool,
    views: str = "",
    iro_name: str | None = None,
    iro_field: str = "iro",
) -> tuple[Visit, Iro]:
    """Log a visit to the child ``ref`` in one transaction: find the child and the IRO,
    check, write, commit.

    The visiting IRO is ``iro_name``, else the IRO who is ``ctx.user``; when there is
    none the problem is reported on ``iro_field`` (the CLI calls it ``--iro``).
    """
    with desk.write() as session:
        child = child_by_ref(session, ref)
        who = find_iro(session, iro_name) if iro_name else iro_for_user(session, desk.ctx.user)
        if who is None:
            raise InvalidInput.one(
                iro_field, f"{desk.ctx.user!r} is not an IRO; give {iro_field} NAME"
            )
        visit = record_visit(
            session,
            desk.ctx,
            child,
            who,
            visit_date=visit_date,
            location=location,
            purpose=purpose,
            seen_alone=seen_alone,
            views=views,
        )
    return visit, who


def amend_visit(
    session: Session,
    ctx: Ctx,
    visit_id: uuid.UUID,
    *,
    visit_date: date | None,
    location: str,
    purpose: str,
    seen_alone: bool,
    views: str,
) -> Visit:
    """A correction is a new row pointing at the one it amends; the original stays."""
    original = session.get(Visit, visit_id)
    if original is None:
        raise NotFound.one("visit", "no such visit")
    check = Checker()
    views = _check(check, ctx, visit_date, location, purpose, views)
    check.done()
    row = Visit(
        child_id=original.child_id,
        iro_id=original.iro_id,
        visit_date=visit_date,  # type: ignore[arg-type]
        location=location,
        purpose=purpose,
        seen_alone=seen_alone,
        views=views,
        amends_id=original.id,
    )
    add_new(session, ctx, row, "visit.amend", amends=str(original.id))
    session.flush()
    return row


def visits_of(session: Session, child_id: uuid.UUID) -> list[VisitRow]:
    rows = session.execute(
        select(Visit, Iro.name)
        .join(Iro, Iro.id == Visit.iro_id)
        .where(Visit.child_id == child_id)
        .order_by(Visit.visit_date.desc(), Visit.created_at.desc())
    ).all()
    amended = {v.amends_id for v, _ in rows if v.amends_id}
    return [
        VisitRow(
            v.id,
            v.visit_date,
            name,
            v.location,
            v.purpose,
            v.seen_alone,
            v.views,
            v.amends_id,
            v.id in amended,
        )
        for v, name in rows
    ]
