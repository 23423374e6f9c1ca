"""Each user action on an Issues Resolution case as one call: it opens the transaction,
validates, writes and commits (the screens hand over what was typed)."""

from __future__ import annotations

import uuid
from datetime import date

from iro_desk.rules.codes import RESOLUTION_STAGES
from iro_desk.services.caseload import build_caseload_for_child
from iro_desk.services.children import child_by_ref, display_name
from iro_desk.services.context import Desk
from iro_desk.services.resolution import (
    CaseDetail,
    CaseSummary,
    case_detail,
    escalate,
    open_cases,
    raise_case,
    refer_to_cafcass,
    resolve,
)


def load_case(desk: Desk, *, case_id: uuid.UUID) -> CaseDetail:
    with desk.read() as session:
        return case_detail(session, desk.ctx, case_id)


def raising_for(
    desk: Desk, *, child_ref: str, me: str | None, today: date
) -> tuple[str, str | None]:
    """The child's name and the IRO a new case is raised by (``me``, else the allocated IRO)."""
    with desk.read() as session:
        child = child_by_ref(session, child_ref, field="child_ref")
        iro = me
        if iro is None:
            row = build_caseload_for_child(session, desk.ctx, child.id, today)
            iro = row.iro if row else None
        return display_name(child), iro


def raise_new_case(
    desk: Desk,
    *,
    child_ref: str,
    iro_name: str,
    issue: str,
    raised: date,
    stage: int,
    holder: str,
) -> uuid.UUID:
    with desk.write() as session:
        case = raise_case(
            session,
            desk.ctx,
            child_ref=child_ref,
            iro_name=iro_name,
            issue=issue,
            raised=raised,
            stage=stage,
            holder=holder,
        )
        return case.id


def take_step(
    desk: Desk, *, case_id: uuid.UUID, step: str, on: date, holder: str = "", text: str = ""
) -> str:
    """Escalate, resolve or refer to Cafcass (``step``); ``text`` is the note or the outcome.
    Returns what was done, in words."""
    ctx = desk.ctx
    with desk.write() as session:
        if step == "escalate":
            row = escalate(session, ctx, case_id, on=on, holder=holder, note=text)
            return f"Escalated to {RESOLUTION_STAGES[row.stage]}; due {row.due:%a %d %b %Y}."
        if step == "resolve":
            resolve(session, ctx, case_id, on=on, outcome=text)
            return "Case resolved."
        refer_to_cafcass(session, ctx, case_id, on=on, note=text)
        return "Case referred to Cafcass."


def open_case_list(desk: Desk, *, today: date, iro_name: str | None) -> list[CaseSummary]:
    """Open cases (one IRO's, or all), overdue as of ``today``."""
    with desk.read() as session:
        return open_cases(session, desk.ctx, today, iro_name=iro_name)
