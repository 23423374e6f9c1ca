"""The unit's Independent Reviewing Officers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iro_desk.db.models import Iro
from iro_desk.services.audit import add_new, change
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.unique import unique_or
from iro_desk.services.validate import Checker


def list_iros(session: Session, *, active_only: bool = False) -> list[Iro]:
    query = select(Iro).order_by(Iro.name)
    if active_only:
        query = query.where(Iro.active.is_(True))
    return list(session.scalars(query))


@dataclass(frozen=True)
class IroRef:
    id: uuid.UUID
    name: str
    fte: float
    active: bool


def lookup_iro(session: Session, name: str, field: str = "iro") -> IroRef:
    """By name, ignoring case; or by login name. A plain read (no ORM objects), for the
    quick answers such as one IRO's caseload."""
    wanted = name.strip().lower()
    row = (
        session.connection()
        .execute(
            select(Iro.id, Iro.name, Iro.fte, Iro.active).where(
                (func.lower(Iro.name) == wanted) | (func.lower(Iro.username) == wanted)
            )
        )
        .first()
    )
    if row is None:
        raise NotFound.one(field, f"no IRO called {name!r} (see `iro-desk iro list`)")
    return IroRef(*row)


def find_iro(session: Session, name: str, field: str = "iro") -> Iro:
    """The IRO record itself, for writes."""
    iro = session.get(Iro, lookup_iro(session, name, field).id)
    assert iro is not None
    return iro


def iro_for_user(session: Session, user: str) -> Iro | None:
    try:
        return find_iro(session, user)
    except NotFound:
        return None


def add_iro(
    session: Session, ctx: Ctx, name: str, *, fte: float = 1.0, username: str | None = None
) -> Iro:
    check = Checker()
    name = check.text("name", name, required=True, max_len=100, one_line=True)
    check.require(0 < fte <= 1.0, "fte", f"{fte} must be more than 0 and at most 1.0")
    username = check.text("username", username, max_len=100, one_line=True) or None
    check.done()
    taken = _taken(session, name, username)
    if taken:
        raise taken
    iro = Iro(name=name, fte=fte, username=username)
    # Another desk may add the same name between the check and the insert; asked again
    # after the clash, the check says which of name and login it was.
    with unique_or(session, lambda: _taken(session, name, username) or _name_taken(name)):
        add_new(session, ctx, iro, "iro.add", name=name, fte=fte)
    return iro


def _name_taken(name: str) -> InvalidInput:
    return InvalidInput.one("name", f"an IRO called {name!r} already exists")


def _taken(session: Session, name: str, username: str | None) -> InvalidInput | None:
    """The problem if the name (ignoring case) or the login is already an IRO's."""
    if session.scalars(select(Iro.id).where(func.lower(Iro.name) == name.lower())).first():
        return _name_taken(name)
    if username and iro_for_user(session, username):
        return InvalidInput.one("username", f"{username!r} is already linked to an IRO")
    return None


def set_active(session: Session, ctx: Ctx, name: str, active: bool) -> Iro:
    iro = find_iro(session, name)
    iro.active = active
    change(session, ctx, iro, "iro.active", active=active)
    return iro
