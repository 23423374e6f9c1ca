"""Retention: each child's record's class and destroy-after date, legal holds, the purge.

The rule is rules/retention.py; this module gathers its facts, lists records past their
date, and destroys them: the child and every row that hangs off it, children before
parents, in the caller's one transaction. The purge's audit event carries no name, no
reference and no date that could identify the child: a random id, the class and counts.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from iro_desk.db.models import (
    Allocation,
    CarePeriod,
    Child,
    ComplianceForm,
    ComplianceItem,
    ConferenceReport,
    CpPlan,
    Enquiry,
    EnquiryUpdate,
    Episode,
    FormDraft,
    Meeting,
    MeetingChild,
    ResolutionCase,
    ResolutionStage,
    Visit,
)
from iro_desk.rules.retention import Retention, retention
from iro_desk.services.audit import audit, change
from iro_desk.services.children import child_by_ref, display_name
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput


def retention_of(session: Session, ctx: Ctx, child: Child) -> Retention:
    looked_after = (
        session.execute(
            select(CarePeriod.id).where(CarePeriod.child_id == child.id).limit(1)
        ).first()
        is not None
    )
    ends = list(
        session.execute(select(CpPlan.end_date).where(CpPlan.child_id == child.id)).scalars()
    )
    return retention(
        dob=child.dob,
        looked_after=looked_after,
        cp_plan_ends=ends,
        cp_years=ctx.ts.cp_retention_years,
    )


@dataclass(frozen=True)
class DueRecord:
    child_id: uuid.UUID
    ref: str
    name: str
    retention: Retention
    legal_hold: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "name": self.name,
            "retention_class": self.retention.retention_class,
            "destroy_after": self.retention.destroy_after.isoformat()
            if self.retention.destroy_after
            else None,
            "reason": self.retention.reason,
            "legal_hold": self.legal_hold,
        }


def due_records(session: Session, ctx: Ctx, today: date) -> list[DueRecord]:
    """Every child's record past its destroy-after date on ``today``, held ones included."""
    looked_after = set(session.execute(select(CarePeriod.child_id).distinct()).scalars())
    ends: dict[uuid.UUID, list[date | None]] = {}
    for child_id, end in session.execute(select(CpPlan.child_id, CpPlan.end_date)):
        ends.setdefault(child_id, []).append(end)
    out = []
    for child in session.execute(select(Child).order_by(Child.ref)).scalars():
        rule = retention(
            dob=child.dob,
            looked_after=child.id in looked_after,
            cp_plan_ends=ends.get(child.id, []),
            cp_years=ctx.ts.cp_retention_years,
        )
        if rule.due(today):
            out.append(DueRecord(child.id, child.ref, display_name(child), rule, child.legal_hold))
    return out


def set_legal_hold(session: Session, ctx: Ctx, ref: str, hold: bool) -> Child:
    """Put a record on legal hold (retention never destroys it) or release it."""
    child = child_by_ref(session, ref)
    if child.legal_hold == hold:
        state = "already on legal hold" if hold else "not on legal hold"
        raise InvalidInput.one("legal_hold", f"{child.ref} is {state}")
    child.legal_hold = hold
    change(session, ctx, child, "retention.hold" if hold else "retention.release")
    session.flush()
    return child


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    held: int
    rows: dict[str, int]

    def summary(self) -> str:
        held = f"; {self.held} on legal hold kept" if self.held else ""
        return f"Retention: {self.purged} record{'' if self.purged == 1 else 's'} destroyed{held}."


def purge(session: Session, ctx: Ctx, today: date) -> PurgeResult:
    """Destroy every record past its date and not on legal hold, each with its own event."""
    due = due_records(session, ctx, today)
    rows: Counter[str] = Counter()
    purged = 0
    for record in due:
        if record.legal_hold:
            continue
        removed = _destroy(session, record.child_id, record.ref)
        rows.update(removed)
        purged += 1
        # No name, no reference, no id or date of the child: only that one record went.
        audit(
            session,
            ctx,
            "retention.purge",
            "child",
            None,
            purge_id=str(uuid.uuid4()),
            retention_class=record.retention.retention_class,
            rows=dict(sorted(removed.items())),
        )
    return PurgeResult(purged, sum(1 for r in due if r.legal_hold), dict(rows))


def _destroy(session: Session, child_id: uuid.UUID, ref: str) -> Counter[str]:
    """Delete the child and what hangs off it, rows that point at others first."""
    counts: Counter[str] = Counter()

    def gone(statement: Any, table: str) -> None:
        counts[table] += session.execute(statement).rowcount or 0

    session.flush()
    forms = select(ComplianceForm.id).where(ComplianceForm.child_id == child_id)
    cases = select(ResolutionCase.id).where(ResolutionCase.child_id == child_id)
    enquiries = select(Enquiry.id).where(Enquiry.child_id == child_id)
    meetings = list(
        session.execute(
            select(MeetingChild.meeting_id).where(MeetingChild.child_id == child_id)
        ).scalars()
    )
    gone(delete(ComplianceItem).where(ComplianceItem.form_id.in_(forms)), "compliance_item")
    gone(delete(ResolutionStage).where(ResolutionStage.case_id.in_(cases)), "resolution_stage")
    gone(delete(ResolutionCase).where(ResolutionCase.child_id == child_id), "resolution_case")
    gone(delete(ComplianceForm).where(ComplianceForm.child_id == child_id), "compliance_form")
    gone(delete(EnquiryUpdate).where(EnquiryUpdate.enquiry_id.in_(enquiries)), "enquiry_update")
    gone(delete(Enquiry).where(Enquiry.child_id == child_id), "enquiry")
    # Corrections point at the visit they amend: newest (the amending ones) first.
    gone(delete(Visit).where(Visit.child_id == child_id, Visit.amends_id.is_not(None)), "visit")
    gone(delete(Visit).where(Visit.child_id == child_id), "visit")
    gone(delete(MeetingChild).where(MeetingChild.child_id == child_id), "meeting_child")
    _destroy_lone_meetings(session, meetings, counts)
    gone(delete(Episode).where(Episode.child_id == child_id), "episode")
    gone(delete(Allocation).where(Allocation.child_id == child_id), "allocation")
    gone(delete(CpPlan).where(CpPlan.child_id == child_id), "cp_plan")
    gone(delete(CarePeriod).where(CarePeriod.child_id == child_id), "care_period")
    # Half-typed forms about the child are keyed by its reference.
    gone(delete(FormDraft).where(FormDraft.key == ref), "form_draft")
    gone(delete(Child).where(Child.id == child_id), "child")
    session.expire_all()
    return +counts


def _destroy_lone_meetings(
    session: Session, meetings: list[uuid.UUID], counts: Counter[str]
) -> None:
    """A meeting of this child alone goes too; one shared with siblings stays for them."""
    for meeting_id in meetings:
        others = session.execute(
            select(MeetingChild.id).where(MeetingChild.meeting_id == meeting_id).limit(1)
        ).first()
        forms = session.execute(
            select(ComplianceForm.id).where(ComplianceForm.meeting_id == meeting_id).limit(1)
        ).first()
        if others is not None or forms is not None:
            continue
        counts["conference_report"] += (
            session.execute(
                delete(ConferenceReport).where(ConferenceReport.meeting_id == meeting_id)
            ).rowcount
            or 0
        )
        counts["meeting"] += (
            session.execute(delete(Meeting).where(Meeting.id == meeting_id)).rowcount or 0
        )
