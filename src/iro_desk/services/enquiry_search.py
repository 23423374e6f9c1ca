"""Find any enquiry again: one search over the whole duty log, used by the CLI's
``duty enquiries``, the enquiries screen and the child screen's Enquiries tab.

Filters combine (all must hold); none given lists every enquiry, newest first.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from iro_desk.db.models import Child, Enquiry
from iro_desk.db.queries import contains
from iro_desk.rules import codes
from iro_desk.services.children import child_by_ref
from iro_desk.services.context import Ctx, Desk

# The duty module's row building is shared, so a search shows rows exactly as the desk does.
from iro_desk.services.duty import CLOSED, OPEN, EnquiryRow
from iro_desk.services.duty.enquiry_rows import rows_for, rows_query
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.validate import Checker

__all__ = [
    "SEARCH_LIMIT",
    "SHORT_ID",
    "STATUSES",
    "enquiry_id_from",
    "find_enquiries",
    "search_enquiries",
]

STATUSES = (OPEN, CLOSED)
SEARCH_LIMIT = 500  # the newest first: narrow the search to reach older ones
TERM_MAX = 100
SHORT_ID = 8  # the lists and "Logged enquiry 1a2b3c4d" show the id's first 8 characters
HEX = frozenset("0123456789abcdef")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def search_enquiries(
    session: Session,
    ctx: Ctx,
    *,
    child_ref: str | None = None,
    text: str | None = None,
    caller: str | None = None,
    category: str | None = None,
    since: date | None = None,
    until: date | None = None,
    status: str | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[EnquiryRow]:
    """Enquiries matching every filter given, newest first.

    ``child_ref`` is one known child; ``text`` is any part of the child's name or
    reference, the subject, the caller or the summary; ``caller`` any part of the caller's
    name, role or agency; ``since``/``until`` the received (UTC) dates, both included;
    ``status`` "open" or "closed". Problems name the filter at fault, all at once.
    """
    check = Checker()
    term = check.text("text", text, max_len=TERM_MAX, one_line=True)
    who = check.text("caller", caller, max_len=TERM_MAX, one_line=True)
    cat = (category or "").strip().upper()
    if cat:
        check.choice("category", cat, codes.ENQUIRY_CATEGORIES)
    state = (status or "").strip().lower()
    if state:
        check.choice("status", state, STATUSES)
    check.order("since", since, "until", until)
    ref = check.text("child", child_ref, max_len=100, one_line=True)
    check.done()
    query = rows_query()
    if ref:
        query = query.where(Enquiry.child_id == child_by_ref(session, ref, "child").id)
    if term:
        query = query.where(
            or_(
                *(
                    contains(column, term)
                    for column in (
                        Child.ref,
                        Child.first_name,
                        Child.last_name,
                        Enquiry.subject,
                        Enquiry.caller_name,
                        Enquiry.caller_agency,
                        Enquiry.summary,
                    )
                )
            )
        )
    if who:
        query = query.where(
            or_(
                *(
                    contains(column, who)
                    for column in (Enquiry.caller_name, Enquiry.caller_role, Enquiry.caller_agency)
                )
            )
        )
    if cat:
        query = query.where(Enquiry.category == cat)
    if state:
        query = query.where(Enquiry.status == state)
    if since is not None:
        query = query.where(Enquiry.received_at >= _day_start(since))
    if until is not None and until < date.max:  # the last day there is has no day after
        query = query.where(Enquiry.received_at < _day_start(until + timedelta(days=1)))
    query = query.order_by(Enquiry.received_at.desc(), Enquiry.id).limit(limit)
    return rows_for(session, query, ctx, ctx.today)


def find_enquiries(desk: Desk, **filters: object) -> list[EnquiryRow]:
    """``search_enquiries`` in its own read transaction (the screens' call)."""
    with desk.read() as session:
        return search_enquiries(session, desk.ctx, **filters)  # type: ignore[arg-type]


def enquiry_id_from(session: Session, text: str, field: str = "id") -> uuid.UUID:
    """The enquiry a typed id names: the whole id, or its first 8 or more characters as
    the lists show them. An ambiguous or unknown id is refused, naming ``field``."""
    typed = (text or "").strip().lower()
    digits = typed.replace("-", "")
    if len(digits) < SHORT_ID or len(digits) > 32 or not set(digits) <= HEX:
        raise InvalidInput.one(
            field, f"{text!r} is not an enquiry id (give its first 8 characters)"
        )
    # A prefix is a range of ids: this compares ids, so it works on either database.
    low, high = uuid.UUID(digits.ljust(32, "0")), uuid.UUID(digits.ljust(32, "f"))
    found = list(
        session.scalars(select(Enquiry.id).where(Enquiry.id >= low, Enquiry.id <= high).limit(2))
    )
    if not found:
        raise NotFound.one(field, f"no enquiry with id {text.strip()!r}")
    if len(found) > 1:
        raise InvalidInput.one(field, f"{text.strip()!r} matches more than one enquiry: give more")
    return found[0]
