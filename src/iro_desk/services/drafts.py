"""Half-typed forms, saved as the user types so a killed terminal loses nothing.

A draft belongs to the user who typed it: it is found by (kind, key, user), where
``kind`` names the form ("visit", "enquiry", "compliance"...) and ``key`` says which one
(a child's reference, a form id, "new"). The payload is the form's fields as JSON.

Drafts get no audit events. They are the user's scratch, not a record about a child:
nothing in them counts until the real service call saves it (and audits it), and one
event per keystroke would bury the real trail. Rows are still stamped (who, when,
version) so a stale draft can be recognised.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from iro_desk.db.models import FormDraft
from iro_desk.services.audit import stamp_change, stamp_new
from iro_desk.services.context import Ctx, Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.validate import Checker

__all__ = [
    "PendingDraft",
    "discard_draft",
    "keep_draft",
    "load_draft",
    "pending_drafts",
    "save_draft",
]

# A draft is a form's worth of text; anything bigger is a bug in the caller, not typing.
MAX_PAYLOAD_CHARS = 1_000_000


class PendingDraft(NamedTuple):
    kind: str
    key: str
    payload: dict[str, Any]
    updated_at: datetime


def _names(kind: str, key: str) -> tuple[str, str]:
    check = Checker()
    kind = check.text("kind", kind, required=True, max_len=30)
    key = check.text("key", key, required=True, max_len=100)
    check.done()
    return kind, key


def _find(session: Session, ctx: Ctx, kind: str, key: str) -> FormDraft | None:
    return session.scalars(
        select(FormDraft).where(
            FormDraft.kind == kind, FormDraft.key == key, FormDraft.created_by == ctx.user
        )
    ).first()


def _encode(payload: dict[str, Any]) -> str:
    if not isinstance(payload, dict):
        raise InvalidInput.one("payload", f"must be a dict of fields, not {type(payload).__name__}")
    try:
        # JSON escapes control characters, so a stray NUL typed into a field is stored as
        # the text "\u0000" and PostgreSQL accepts it.
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise InvalidInput.one("payload", f"cannot be saved as JSON: {exc}") from None
    if len(text) > MAX_PAYLOAD_CHARS:
        raise InvalidInput.one("payload", f"is too large ({len(text)} characters)")
    return text


def _json_default(value: object) -> str:
    # Dates typed into a form come back as ISO text; the form re-parses them on load.
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return, attr-defined]
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _decode(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}  # a damaged draft is scratch: start the form afresh rather than fail
    return value if isinstance(value, dict) else {}


def save_draft(
    session: Session, ctx: Ctx, kind: str, key: str, payload: dict[str, Any]
) -> FormDraft:
    """Create or overwrite this user's draft of (kind, key).

    Stamped but deliberately not audited: a draft is the user's scratch, not a record
    about a child, and the real save that follows is audited (see the module docstring).
    """
    kind, key = _names(kind, key)
    text = _encode(payload)
    draft = _find(session, ctx, kind, key)
    if draft is None:
        draft = stamp_new(FormDraft(kind=kind, key=key, payload=text), ctx)  # type: ignore[assignment]
        try:
            # A savepoint: the same user saving the same draft from a second terminal at
            # the same instant (PostgreSQL) loses the insert race; then update theirs.
            with session.begin_nested():
                session.add(draft)
        except IntegrityError:
            draft = _find(session, ctx, kind, key)
            assert draft is not None
        else:
            return draft
    if draft.payload != text:  # unchanged keystrokes (cursor moves) write nothing
        draft.payload = text
        stamp_change(draft, ctx)
        session.flush()
    return draft


def load_draft(session: Session, ctx: Ctx, kind: str, key: str) -> dict[str, Any] | None:
    """This user's draft of (kind, key), or None if there is none."""
    draft = _find(session, ctx, kind.strip(), key.strip())
    return None if draft is None else _decode(draft.payload)


def pending_drafts(session: Session, ctx: Ctx) -> list[PendingDraft]:
    """This user's unfinished drafts, most recently typed first (offered at start-up)."""
    rows = session.scalars(
        select(FormDraft)
        .where(FormDraft.created_by == ctx.user)
        .order_by(FormDraft.updated_at.desc(), FormDraft.kind, FormDraft.key)
    )
    return [PendingDraft(d.kind, d.key, _decode(d.payload), d.updated_at) for d in rows]


def discard_draft(session: Session, ctx: Ctx, kind: str, key: str) -> bool:
    """Delete this user's draft (after the real save, or when abandoned). True if one existed."""
    draft = _find(session, ctx, kind.strip(), key.strip())
    if draft is None:
        return False
    session.delete(draft)
    session.flush()
    return True


def keep_draft(desk: Desk, kind: str, key: str, payload: dict[str, Any] | None) -> None:
    """Write a form's draft in its own transaction; None (a blank or saved form) drops it."""
    with desk.write() as session:
        if payload is None:
            discard_draft(session, desk.ctx, kind, key)
        else:
            save_draft(session, desk.ctx, kind, key, payload)
