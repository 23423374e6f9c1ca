"""The review form's actions as one call each: what it opens with, and recording a review
or conference (or correcting how the child took part) in one transaction."""

from __future__ import annotations

import uuid
from datetime import date

from iro_desk.services.child_record import ChildRecord, child_record
from iro_desk.services.children import child_by_ref
from iro_desk.services.context import Desk
from iro_desk.services.iros import find_iro, list_iros
from iro_desk.services.meetings import (
    ConferenceChild,
    record_conference,
    record_review,
    set_conference_participation,
    set_review_participation,
)
from iro_desk.services.validate import parse_date

CONFERENCE_KINDS = ("ICPC", "RCPC")
TOOK_PART = {"yes": True, "no": False}  # the form's answer -> the record's


def start_review(
    desk: Desk, *, ref: str, need_chairs: bool, today: date
) -> tuple[ChildRecord, list[str]]:
    """The child's record and, for someone who is not an IRO, the IROs who may chair."""
    with desk.read() as session:
        record = child_record(session, desk.ctx, ref, as_of=today)
        chairs = [i.name for i in list_iros(session, active_only=True)] if need_chairs else []
        return record, chairs


def save_review(
    desk: Desk,
    *,
    ref: str,
    meeting_child_id: uuid.UUID | None,
    kind: str,
    held: str,
    participation: str | None,
    brought_forward: bool,
    chair_name: str | None,
    views: str,
    took_part: str | None,
    method: str | None,
    plan: bool,
    category: str | None,
) -> str:
    """Record the review or conference held on ``held`` (YYYY-MM-DD), or, given
    ``meeting_child_id``, correct how the child took part in it. Returns what was done."""
    ctx = desk.ctx
    took = TOOK_PART.get(took_part or "")
    if meeting_child_id is not None and kind in CONFERENCE_KINDS:
        with desk.write() as session:
            set_conference_participation(session, ctx, meeting_child_id, took, method)
        return f"How the child took part in the {kind} is recorded."
    if meeting_child_id is not None:
        code = participation or ""
        with desk.write() as session:
            set_review_participation(session, ctx, meeting_child_id, code)
        return f"Participation {code} recorded."
    when = parse_date("review_date", held)
    assert when is not None
    with desk.write() as session:
        child = child_by_ref(session, ref)
        chair = find_iro(session, chair_name, field="chair") if chair_name else None
        if kind not in CONFERENCE_KINDS:
            record_review(
                session,
                ctx,
                child,
                when,
                kind=kind,
                participation=participation,
                brought_forward=brought_forward,
                chair=chair,
                views=views,
            )
            return f"{kind} on {when:%d %b %Y} recorded ({participation})."
        record_conference(
            session,
            ctx,
            kind,
            when,
            [ConferenceChild(child, took, method, views)],
            chair=chair,
            outcome_plan=plan,
            category=category,
        )
        return f"{kind} on {when:%d %b %Y} recorded."
