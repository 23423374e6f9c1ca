"""The children's screens' reads as one call each: a child's record (its opening audited
in the same transaction), the caseload, the active IROs and a search for a child."""

from __future__ import annotations

from datetime import date

from iro_desk.services.audit_trail import Opening, openings, record_opened
from iro_desk.services.caseload import Caseload, build_caseload
from iro_desk.services.child_record import ChildRecord, child_record
from iro_desk.services.children import ChildHit, search_children
from iro_desk.services.context import Desk
from iro_desk.services.iros import list_iros


def open_child_record(
    desk: Desk, *, ref: str, today: date, audit_opening: bool
) -> tuple[ChildRecord, list[Opening]]:
    """The child's record and who opened it lately; ``audit_opening`` records this
    opening first (reading special-category data is itself audited)."""
    with desk.write() if audit_opening else desk.read() as session:
        record = child_record(session, desk.ctx, ref, as_of=today)
        if audit_opening:
            record_opened(session, desk.ctx, record.id, via="desk")
            session.flush()
        return record, openings(session, record.id)


def load_caseload(
    desk: Desk,
    *,
    today: date,
    iro_name: str | None,
    overdue_only: bool,
    due_within: int | None,
    limit: int,
) -> Caseload:
    with desk.read() as session:
        return build_caseload(
            session,
            desk.ctx,
            as_of=today,
            iro_name=iro_name,
            overdue_only=overdue_only,
            due_within=due_within,
            limit=limit,
        )


def active_iro_names(desk: Desk) -> list[str]:
    with desk.read() as session:
        return [iro.name for iro in list_iros(session, active_only=True)]


def find_children(desk: Desk, *, term: str, limit: int) -> list[ChildHit]:
    with desk.read() as session:
        return search_children(session, term, limit=limit)
