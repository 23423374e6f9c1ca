"""What a replica limited to one IRO holds (``sync --scope mine``).

The unit's IROs and rota; the duty log of the last 90 days; the children allocated to
the IRO or touched by the IRO's own records (visits, reviews and conferences chaired,
compliance forms, resolution cases, enquiries taken), with everything that hangs off
them; and the bare record of any child a recent enquiry is about, so the log reads
whole. Each table gets one SQL condition, evaluated on the server.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, Table, or_, select, true, union

from iro_desk.db.models import TABLES

DUTY_LOG_DAYS = 90


def _t(name: str) -> Table:
    return TABLES[name]


def _my_children(iro_id: uuid.UUID) -> Select:
    allocation, visit, meeting, meeting_child = (
        _t("allocation"),
        _t("visit"),
        _t("meeting"),
        _t("meeting_child"),
    )
    form, case, enquiry = _t("compliance_form"), _t("resolution_case"), _t("enquiry")
    return union(
        select(allocation.c.child_id).where(
            allocation.c.iro_id == iro_id, allocation.c.end_date.is_(None)
        ),
        select(visit.c.child_id).where(visit.c.iro_id == iro_id),
        select(meeting_child.c.child_id)
        .join(meeting, meeting.c.id == meeting_child.c.meeting_id)
        .where(meeting.c.chair_iro_id == iro_id),
        select(form.c.child_id).where(form.c.iro_id == iro_id),
        select(case.c.child_id).where(case.c.raised_by_iro_id == iro_id),
        select(enquiry.c.child_id).where(
            enquiry.c.taken_by_iro_id == iro_id, enquiry.c.child_id.is_not(None)
        ),
    )


def scope_conditions(iro_id: uuid.UUID, now: datetime) -> dict[str, ColumnElement[bool]]:
    """For each shared table, the condition a row meets to be on this IRO's laptop."""
    since = now - timedelta(days=DUTY_LOG_DAYS)
    kids = _my_children(iro_id).scalar_subquery()
    enquiry, meeting_child, form, case = (
        _t("enquiry"),
        _t("meeting_child"),
        _t("compliance_form"),
        _t("resolution_case"),
    )
    my_enquiries = or_(enquiry.c.received_at >= since, enquiry.c.child_id.in_(kids))
    enquiry_ids = select(enquiry.c.id).where(my_enquiries).scalar_subquery()
    meeting_ids = union(
        select(meeting_child.c.meeting_id).where(meeting_child.c.child_id.in_(kids)),
        select(form.c.meeting_id).where(form.c.child_id.in_(kids), form.c.meeting_id.is_not(None)),
    ).scalar_subquery()
    form_ids = select(form.c.id).where(form.c.child_id.in_(kids)).scalar_subquery()
    case_ids = select(case.c.id).where(case.c.child_id.in_(kids)).scalar_subquery()
    children = union(
        _my_children(iro_id), select(enquiry.c.child_id).where(my_enquiries)
    ).scalar_subquery()
    conditions: dict[str, ColumnElement[bool]] = {
        "iro": true(),
        "rota_day": true(),
        "sync_conflict": true(),
        "child": _t("child").c.id.in_(children),
        "enquiry": my_enquiries,
        "enquiry_update": _t("enquiry_update").c.enquiry_id.in_(enquiry_ids),
        "meeting": _t("meeting").c.id.in_(meeting_ids),
        "conference_report": _t("conference_report").c.meeting_id.in_(meeting_ids),
        "compliance_item": _t("compliance_item").c.form_id.in_(form_ids),
        "resolution_stage": _t("resolution_stage").c.case_id.in_(case_ids),
    }
    for name in (
        "care_period",
        "episode",
        "allocation",
        "cp_plan",
        "meeting_child",
        "visit",
        "compliance_form",
        "resolution_case",
        "import_finding",  # a 903 import's findings about the child (none about no child)
    ):
        conditions[name] = _t(name).c.child_id.in_(kids)
    audit = _t("audit_event")
    conditions["audit_event"] = or_(
        audit.c.entity_id.in_(children),
        audit.c.entity_id.in_(select(_t("visit").c.id).where(_t("visit").c.child_id.in_(kids))),
        audit.c.entity_id.in_(enquiry_ids),
        audit.c.entity_id.in_(form_ids),
        audit.c.entity_id.in_(case_ids),
        audit.c.entity_id.in_(meeting_ids),
        audit.c.entity.in_(("iro", "rota_day")),
    )
    return conditions
