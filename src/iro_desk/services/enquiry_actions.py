"""The duty desk's enquiry forms as one call per action: logging an enquiry, and adding an
update to, closing or reopening one (with the dates typed beside the note), each in one
transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from iro_desk.services.context import Desk
from iro_desk.services.duty import (
    DutyDay,
    EnquiryRow,
    UpdateRow,
    close_enquiry,
    duty_on,
    enquiries_on,
    enquiry_history,
    get_enquiry,
    lado_referrals,
    log_enquiry,
    open_enquiries,
    reopen_enquiry,
    update_enquiry,
)


def log_new_enquiry(
    desk: Desk,
    *,
    received_at: datetime | None,
    category: str,
    child_ref: str | None,
    summary: str,
    action: str,
    follow_up_due: date | None,
    **caller: str,
) -> str:
    """Log the enquiry; ``caller`` holds the caller's and the subject's text fields.
    Returns what was logged, in words."""
    with desk.write() as session:
        enquiry = log_enquiry(
            session,
            desk.ctx,
            received_at=received_at,
            category=category,
            child_ref=child_ref,
            summary=summary,
            action=action,
            follow_up_due=follow_up_due,
            **caller,
        )
        return f"{enquiry.category} enquiry"


def act_on_enquiry(
    desk: Desk, *, enquiry_id: uuid.UUID | str, what: str, note: str, dates: dict[str, Any]
) -> str:
    """Add an update (``what`` "update"), close or reopen the enquiry. ``dates`` holds only
    the dates that changed; they are recorded in the same save. Returns what was done."""
    ctx = desk.ctx
    lado_dates = {k: v for k, v in dates.items() if k != "follow_up_due"}
    with desk.write() as session:
        if what == "update":
            update_enquiry(session, ctx, enquiry_id, note=note, **dates)
            return "Update added."
        if what == "close":
            # Dates typed with the closing note are recorded first, in the same save.
            if dates:
                update_enquiry(session, ctx, enquiry_id, note="Dates recorded on closing.", **dates)
            close_enquiry(session, ctx, enquiry_id, note)
            return "Enquiry closed."
        follow_up = dates.get("follow_up_due", ...)
        reopen_enquiry(session, ctx, enquiry_id, note, follow_up_due=follow_up)
        if lado_dates:
            update_enquiry(
                session, ctx, enquiry_id, note="Dates recorded on reopening.", **lado_dates
            )
        return "Enquiry reopened."


def load_enquiry(
    desk: Desk, *, enquiry_id: uuid.UUID | str, today: date
) -> tuple[EnquiryRow, list[UpdateRow]]:
    """The enquiry as the duty desk shows it, and its updates, oldest first."""
    with desk.read() as session:
        return get_enquiry(session, desk.ctx, enquiry_id, today), enquiry_history(
            session, enquiry_id
        )


@dataclass(frozen=True)
class DutyDeskView:
    """What the duty desk shows on one day."""

    duty: DutyDay
    today: list[EnquiryRow]
    still_open: list[EnquiryRow]
    lado: list[EnquiryRow]


def duty_desk_on(desk: Desk, *, today: date, limit: int) -> DutyDeskView:
    """Who is on duty, today's enquiries, and (up to ``limit`` each) the open enquiries and
    the LADO referrals, read together."""
    ctx = desk.ctx
    with desk.read() as session:
        return DutyDeskView(
            duty=duty_on(session, today),
            today=enquiries_on(session, today, ctx),
            still_open=open_enquiries(session, ctx, today, limit=limit),
            lado=lado_referrals(session, ctx, today, limit=limit),
        )
