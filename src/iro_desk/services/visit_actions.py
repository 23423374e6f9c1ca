"""The visit form's actions as one call each: what the form opens with, keeping its draft,
and saving the visit (the visit and the end of its draft in one transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from iro_desk.services.caseload import build_caseload_for_child
from iro_desk.services.children import child_by_ref, display_name
from iro_desk.services.context import Desk
from iro_desk.services.drafts import discard_draft, load_draft, save_draft
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.services.iros import find_iro, list_iros
from iro_desk.services.validate import parse_date
from iro_desk.services.visits import record_visit

DRAFT_KIND = "visit"


@dataclass(frozen=True)
class VisitStart:
    name: str  # the child's
    iros: list[str]  # who may have visited (only asked of someone who is not an IRO)
    allocated: str | None  # the child's own IRO, offered first
    draft: dict[str, Any] | None
    resumed: bool  # the draft was found in the database (not handed over to restore)


def start_visit(
    desk: Desk, *, ref: str, me: str | None, today: date, restore: dict[str, Any] | None
) -> VisitStart:
    with desk.read() as session:
        child = child_by_ref(session, ref)
        names: list[str] = []
        allocated = None
        if me is None:
            # Someone visiting for another IRO: offer the child's own IRO first.
            names = [i.name for i in list_iros(session, active_only=True)]
            row = build_caseload_for_child(session, desk.ctx, child.id, today)
            allocated = row.iro if row else None
        draft = restore
        if draft is None:
            draft = load_draft(session, desk.ctx, DRAFT_KIND, ref)
        resumed = restore is None and draft is not None
        return VisitStart(display_name(child), names, allocated, draft, resumed)


def keep_visit_draft(desk: Desk, *, ref: str, payload: dict[str, Any] | None) -> None:
    """Write what is typed as the child's visit draft; None (a blank form) drops it."""
    with desk.write() as session:
        if payload is None:
            discard_draft(session, desk.ctx, DRAFT_KIND, ref)
        else:
            save_draft(session, desk.ctx, DRAFT_KIND, ref, payload)


def save_visit(
    desk: Desk,
    *,
    ref: str,
    iro_name: str | None,
    visit_date: str,
    location: str,
    purpose: str,
    seen_alone: bool,
    views: str,
) -> tuple[str, date]:
    """Record the visit and drop its draft in one transaction (both or neither).

    Returns the child's name and the visit's date.
    """
    problems: list[Problem] = []
    when: date | None = None
    try:
        when = parse_date("date", visit_date)
    except InvalidInput as exc:
        problems += exc.problems
    if not iro_name:
        problems.append(Problem("iro", "choose the IRO who visited"))
    ctx = desk.ctx
    with desk.write() as session:
        child = child_by_ref(session, ref)
        iro = find_iro(session, iro_name) if iro_name else None
        if iro is not None:
            try:
                record_visit(
                    session,
                    ctx,
                    child,
                    iro,
                    visit_date=when,
                    location=location,
                    purpose=purpose,
                    seen_alone=seen_alone,
                    views=views,
                )
            except InvalidInput as exc:
                # The date's own reason ("not a date") beats the service's "is required".
                known = {p.field for p in problems}
                problems = problems + [p for p in exc.problems if p.field not in known]
        if problems:
            raise InvalidInput(problems)  # rolls the transaction back
        discard_draft(session, ctx, DRAFT_KIND, ref)
        assert when is not None
        return display_name(child), when
