"""Correcting a child's details: names and notes, each change audited old and new."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from iro_desk.db.models import Child
from iro_desk.services.audit import change
from iro_desk.services.children import child_by_ref, name_key
from iro_desk.services.context import Ctx
from iro_desk.services.validate import Checker

EDITABLE = {"first_name": 100, "last_name": 100, "notes": 20_000}


def update_child(session: Session, ctx: Ctx, ref: str, **changes: str | None) -> Child:
    """Change only the fields given (None leaves a field as it is)."""
    check = Checker()
    wanted: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            check.add(name, "cannot be changed here")
        elif value is not None:
            wanted[name] = check.text(name, value, max_len=EDITABLE[name])
    check.done()
    child = child_by_ref(session, ref)
    before = {name: getattr(child, name) for name in wanted}
    moved = {name: value for name, value in wanted.items() if before[name] != value}
    if not moved:
        return child
    for name, value in moved.items():
        setattr(child, name, value)
    child.first_key = name_key(child.first_name)
    child.last_key = name_key(child.last_name)
    change(
        session,
        ctx,
        child,
        "child.update",
        ref=child.ref,
        changed={name: [before[name], value] for name, value in moved.items()},
    )
    session.flush()
    return child
