"""The tables of IRO Desk.

Every row has a client-made UUID key (offline laptops must never collide when
they reach the shared server), UTC created/updated stamps, the user who wrote
it and a version number. Facts about a child that must never be silently
overwritten (visits, enquiry updates, stage history) are append-only rows.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint, column, func
from sqlmodel import Field, SQLModel

from iro_desk.db.types import UTCDateTime, utcnow


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class Record(SQLModel):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: str = Field(default="", max_length=100)
    updated_by: str = Field(default="", max_length=100)
    version: int = Field(default=1)


class Iro(Record, table=True):
    __tablename__ = "iro"
    # Names differing only in case are one person: the database refuses the second even
    # when two desks add them at the same moment (a check in Python alone would race).
    __table_args__ = (Index("uq_iro_name_lower", func.lower(column("name")), unique=True),)
    name: str = Field(max_length=100, unique=True)
    username: str | None = Field(default=None, max_length=100, unique=True)
    fte: float = Field(default=1.0)
    active: bool = Field(default=True)


class Child(Record, table=True):
    __tablename__ = "child"
    __table_args__ = (
        Index("ix_child_last_key", "last_key"),
        Index("ix_child_first_key", "first_key"),
    )
    ref: str = Field(max_length=40, unique=True)
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)
    # Lower-case copies so a name search is an index range scan on both databases.
    first_key: str = Field(default="", max_length=100)
    last_key: str = Field(default="", max_length=100)
    dob: date | None = None
    expected_dob: date | None = None
    sex: str | None = Field(default=None, max_length=1)
    ethnicity: str | None = Field(default=None, max_length=4)
    nhs_number: str | None = Field(default=None, max_length=10)
    upn: str | None = Field(default=None, max_length=13)
    # 903: why there is no UPN (UN1-UN5, rule 442), whether a young woman is a mother
    # (MOTHER) and her child's date of birth (MC_DOB; rules 393 and 607).
    upn_reason: str | None = Field(default=None, max_length=3)
    mother: bool | None = None
    mc_dob: date | None = None
    notes: str = Field(default="", sa_type=Text)
    # A legal hold (litigation, an inquiry) stops retention from destroying the record.
    legal_hold: bool = Field(default=False)


class CarePeriod(Record, table=True):
    """A period of care: from becoming looked after to leaving care."""

    __tablename__ = "care_period"
    __table_args__ = (Index("ix_care_period_child", "child_id", "start_date"),)
    child_id: uuid.UUID = Field(foreign_key="child.id")
    start_date: date
    end_date: date | None = None


class Episode(Record, table=True):
    """An SSDA903 episode: a stretch of one legal status and one placement."""

    __tablename__ = "episode"
    __table_args__ = (
        Index("ix_episode_child", "child_id", "start_date"),
        Index("ix_episode_end", "end_date"),
        Index("ix_episode_period", "period_id"),
        Index("ix_episode_start", "start_date"),
    )
    child_id: uuid.UUID = Field(foreign_key="child.id")
    period_id: uuid.UUID = Field(foreign_key="care_period.id")
    start_date: date
    end_date: date | None = None
    rne: str | None = Field(default=None, max_length=1)
    legal_status: str = Field(max_length=2)
    cin: str | None = Field(default=None, max_length=3)
    placement: str | None = Field(default=None, max_length=3)
    place_provider: str | None = Field(default=None, max_length=3)
    rec: str | None = Field(default=None, max_length=3)
    reason_place_change: str | None = Field(default=None, max_length=6)
    home_post: str | None = Field(default=None, max_length=8)
    pl_post: str | None = Field(default=None, max_length=8)
    urn: str | None = Field(default=None, max_length=10)


class Allocation(Record, table=True):
    """Which IRO holds a child, with history: a change ends one row and starts another."""

    __tablename__ = "allocation"
    __table_args__ = (
        Index("ix_allocation_iro", "iro_id", "end_date"),
        Index("ix_allocation_child", "child_id", "start_date"),
    )
    child_id: uuid.UUID = Field(foreign_key="child.id")
    iro_id: uuid.UUID = Field(foreign_key="iro.id")
    start_date: date
    end_date: date | None = None


class CpPlan(Record, table=True):
    """A child protection episode, from the strategy discussion to the plan's end."""

    __tablename__ = "cp_plan"
    __table_args__ = (
        Index("ix_cp_plan_child", "child_id", "strategy_date"),
        Index("ix_cp_plan_end", "end_date"),
    )
    child_id: uuid.UUID = Field(foreign_key="child.id")
    strategy_date: date
    icpc_date: date | None = None
    start_date: date | None = None
    category: str | None = Field(default=None, max_length=3)
    end_date: date | None = None
    outcome: str | None = Field(default=None, max_length=40)


class Meeting(Record, table=True):
    """A Looked After Review, CP conference, secure review or other meeting."""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_date", "meeting_date", "kind"),)
    kind: str = Field(max_length=10)
    meeting_date: date
    chair_iro_id: uuid.UUID | None = Field(default=None, foreign_key="iro.id")
    brought_forward: bool = Field(default=False)
    decisions_circulated: date | None = None
    record_circulated: date | None = None
    notes: str = Field(default="", sa_type=Text)


class ImportFinding(Record, table=True):
    """Something an import noticed about a row: a data-quality finding (the row was stored
    as given) or an unstorable row (skipped). Open until a later import of the child's
    rows no longer finds it or the record is corrected (``cleared_at``)."""

    __tablename__ = "import_finding"
    __table_args__ = (
        Index("ix_import_finding_ref", "child_ref", "cleared_at"),
        Index("ix_import_finding_rule", "rule", "cleared_at"),
    )
    source: str = Field(max_length=20)  # which import: SSDA903
    kind: str = Field(max_length=10)  # finding | skipped
    rule: str = Field(max_length=20)  # a DfE rule number, a column, or OVERLAP, OUTSIDE...
    child_ref: str = Field(max_length=40)
    child_id: uuid.UUID | None = Field(default=None, foreign_key="child.id")
    file: str = Field(max_length=40)
    line: int | None = None
    field: str = Field(max_length=40)
    message: str = Field(sa_type=Text)
    # For a history-incomplete finding: the earliest review the files held.
    on_date: date | None = None
    cleared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MeetingChild(Record, table=True):
    """One child at a meeting (a conference often covers a sibling group).

    The meeting's kind and date are copied here so that a child's schedule is
    read from one covering index, even at national scale.
    """

    __tablename__ = "meeting_child"
    __table_args__ = (
        UniqueConstraint("meeting_id", "child_id"),
        Index("ix_meeting_child_child", "child_id", "kind", "meeting_date"),
        Index("ix_meeting_child_period", "period_id", "kind", "meeting_date"),
        Index("ix_meeting_child_plan", "cp_plan_id", "kind", "meeting_date"),
        # The annual report reads a year's reviews and conferences across all children
        # from this index alone.
        Index(
            "ix_meeting_child_kind_date",
            "kind",
            "meeting_date",
            "period_id",
            "participation",
            "child_id",
            "cp_took_part",
        ),
    )
    meeting_id: uuid.UUID = Field(foreign_key="meeting.id")
    child_id: uuid.UUID = Field(foreign_key="child.id")
    kind: str = Field(max_length=10)
    meeting_date: date
    period_id: uuid.UUID | None = Field(default=None, foreign_key="care_period.id")
    cp_plan_id: uuid.UUID | None = Field(default=None, foreign_key="cp_plan.id")
    participation: str | None = Field(default=None, max_length=3)
    cp_took_part: bool | None = None
    cp_method: str | None = Field(default=None, max_length=30)
    views: str = Field(default="", sa_type=Text)


class ConferenceReport(Record, table=True):
    __tablename__ = "conference_report"
    __table_args__ = (
        Index("ix_conference_report_meeting", "meeting_id"),
        # Reports received on time, by agency: read from the index alone.
        Index("ix_conference_report_timing", "meeting_id", "agency", "due_date", "received_date"),
    )
    meeting_id: uuid.UUID = Field(foreign_key="meeting.id")
    agency: str = Field(max_length=60)
    due_date: date
    received_date: date | None = None


class Visit(Record, table=True):
    """An IRO's visit to a child. Append-only: a correction is a new row that amends."""

    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_child", "child_id", "visit_date"),
        Index("ix_visit_iro", "iro_id", "visit_date"),
        Index("ix_visit_date", "visit_date"),
    )
    child_id: uuid.UUID = Field(foreign_key="child.id")
    iro_id: uuid.UUID = Field(foreign_key="iro.id")
    visit_date: date
    location: str = Field(max_length=30)
    purpose: str = Field(max_length=30)
    seen_alone: bool = Field(default=False)
    views: str = Field(default="", sa_type=Text)
    amends_id: uuid.UUID | None = Field(default=None, foreign_key="visit.id")


class RotaDay(Record, table=True):
    __tablename__ = "rota_day"
    day: date = Field(unique=True)
    duty_iro_id: uuid.UUID | None = Field(default=None, foreign_key="iro.id")
    backup_iro_id: uuid.UUID | None = Field(default=None, foreign_key="iro.id")


class Enquiry(Record, table=True):
    """A safeguarding enquiry to the duty IRO.

    What was said is never rewritten; status changes are appended as
    ``EnquiryUpdate`` rows and the current status is kept here for lists.
    """

    __tablename__ = "enquiry"
    __table_args__ = (
        Index("ix_enquiry_received", "received_at"),
        Index("ix_enquiry_status", "status", "follow_up_due"),
        Index("ix_enquiry_child", "child_id"),
    )
    received_at: datetime = Field(sa_type=UTCDateTime)
    taken_by_iro_id: uuid.UUID | None = Field(default=None, foreign_key="iro.id")
    caller_name: str = Field(default="", max_length=100)
    caller_role: str = Field(default="", max_length=100)
    caller_agency: str = Field(default="", max_length=100)
    category: str = Field(max_length=12)
    child_id: uuid.UUID | None = Field(default=None, foreign_key="child.id")
    subject: str = Field(default="", max_length=200)
    summary: str = Field(default="", sa_type=Text)
    action: str = Field(default="", sa_type=Text)
    follow_up_due: date | None = None
    status: str = Field(default="open", max_length=10)
    lado_referred: date | None = None
    lado_meeting: date | None = None


class EnquiryUpdate(Record, table=True):
    __tablename__ = "enquiry_update"
    __table_args__ = (Index("ix_enquiry_update_enquiry", "enquiry_id", "created_at"),)
    enquiry_id: uuid.UUID = Field(foreign_key="enquiry.id")
    note: str = Field(default="", sa_type=Text)
    status: str = Field(max_length=10)
    follow_up_due: date | None = None
    lado_referred: date | None = None
    lado_meeting: date | None = None


class ComplianceForm(Record, table=True):
    """The IRO's quality-assurance form after a review, sent to the Team Manager."""

    __tablename__ = "compliance_form"
    __table_args__ = (
        Index("ix_compliance_form_child", "child_id"),
        Index("ix_compliance_form_status", "status", "response_due"),
    )
    meeting_id: uuid.UUID | None = Field(default=None, foreign_key="meeting.id")
    child_id: uuid.UUID = Field(foreign_key="child.id")
    iro_id: uuid.UUID = Field(foreign_key="iro.id")
    meeting_kind: str = Field(max_length=10)
    team_manager: str = Field(default="", max_length=100)
    status: str = Field(default="draft", max_length=10)
    sent_date: date | None = None
    response_due: date | None = None
    response_date: date | None = None
    response: str = Field(default="", sa_type=Text)


class ComplianceItem(Record, table=True):
    __tablename__ = "compliance_item"
    __table_args__ = (UniqueConstraint("form_id", "item_key"),)
    form_id: uuid.UUID = Field(foreign_key="compliance_form.id")
    item_key: str = Field(max_length=30)
    answer: str = Field(max_length=3)
    comment: str = Field(default="", sa_type=Text)


class ResolutionCase(Record, table=True):
    """An Issues Resolution case about a child's plan."""

    __tablename__ = "resolution_case"
    __table_args__ = (
        Index("ix_resolution_case_child", "child_id"),
        Index("ix_resolution_case_status", "status"),
    )
    child_id: uuid.UUID = Field(foreign_key="child.id")
    raised_by_iro_id: uuid.UUID = Field(foreign_key="iro.id")
    compliance_form_id: uuid.UUID | None = Field(default=None, foreign_key="compliance_form.id")
    issue: str = Field(sa_type=Text)
    raised_date: date
    status: str = Field(default="open", max_length=10)
    outcome: str = Field(default="", sa_type=Text)
    resolved_date: date | None = None
    cafcass_referred: date | None = None


class ResolutionStage(Record, table=True):
    """One stage of a resolution case; a new stage is a new row, never an edit."""

    __tablename__ = "resolution_stage"
    __table_args__ = (Index("ix_resolution_stage_case", "case_id", "stage"),)
    case_id: uuid.UUID = Field(foreign_key="resolution_case.id")
    stage: int
    holder: str = Field(default="", max_length=100)
    started: date
    due: date
    ended: date | None = None
    note: str = Field(default="", sa_type=Text)


class AuditEvent(SQLModel, table=True):
    """One row per write or opening of a child's record: who did what to which, and when.

    Append-only (database triggers refuse UPDATE and DELETE, migration 0005) and hash
    chained per device (rules/audit_chain.py), so an edit made behind IRO Desk's back
    is found by ``iro-desk audit verify``.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_entity", "entity", "entity_id"),
        Index("ix_audit_device_seq", "device", "seq"),
        Index("ix_audit_at", "at"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    user: str = Field(max_length=100)
    # Which laptop (or server session) made the change: replicas sync into one trail.
    device: str = Field(default="", max_length=100)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: uuid.UUID | None = None
    detail: str = Field(default="", sa_type=Text)
    # The device's own numbering and hash chain; 0 and "" on events older than the chain.
    seq: int = Field(default=0)
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(default="", max_length=64)


class FormDraft(Record, table=True):
    """A half-typed form, saved as it is typed so a killed terminal loses nothing."""

    __tablename__ = "form_draft"
    __table_args__ = (UniqueConstraint("kind", "key", "created_by"),)
    kind: str = Field(max_length=30)
    key: str = Field(max_length=100)
    payload: str = Field(default="{}", sa_type=Text)


# Registered here so that everything that reads the models (Alembic too) has them.
from iro_desk.db import sync_models  # noqa: E402, F401

TABLES = SQLModel.metadata.tables
