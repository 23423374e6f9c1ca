"""Writing a bundle's rows through the audit trail, and finding what its keys name."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk.db.models import Child, Iro, Record
from iro_desk.db.types import utcnow
from iro_desk.services.audit import add_new, change
from iro_desk.services.bundle.table import Problems, key_id
from iro_desk.services.context import Ctx

SOURCE = "bundle"
# Keep IN lists well inside every driver's parameter limit.
CHUNK = 500


def load(session: Session, model: Any, column: Any, keys: Any) -> list[Any]:
    """The rows whose ``column`` is one of ``keys``: one query per chunk, not one per row."""
    wanted = list({k for k in keys if k is not None})
    rows: list[Any] = []
    for start in range(0, len(wanted), CHUNK):
        rows.extend(session.scalars(select(model).where(column.in_(wanted[start : start + CHUNK]))))
    return rows


class Store:
    """Adds or updates one row at a time, each with its audit event, and counts per file."""

    def __init__(self, session: Session, ctx: Ctx) -> None:
        self.session = session
        self.ctx = ctx
        self.counts: Counter[tuple[str, str]] = Counter()
        self.now = utcnow()  # one stamp for the whole import

    def put(
        self,
        file: str,
        model: type[Record],
        row: Record | None,
        values: dict[str, Any],
        *,
        new_id: uuid.UUID | None = None,
    ) -> Record:
        """Insert ``values`` as a new row (with ``new_id``), or bring ``row`` up to them."""
        table = model.__tablename__  # type: ignore[attr-defined]
        columns = model.__table__.columns  # type: ignore[attr-defined]
        # A blank cell is "not recorded": NULL where the column allows it, as the desk stores it.
        values = {k: None if v == "" and columns[k].nullable else v for k, v in values.items()}
        if row is None:
            # Key and stamps given up front: the models' default factories are slow in bulk.
            fresh = {"id": new_id or uuid.uuid4(), "created_at": self.now, "updated_at": self.now}
            row = model(**{**fresh, **values})
            add_new(self.session, self.ctx, row, f"{table}.add", source=SOURCE, file=file)
            self.counts[(file, "added")] += 1
            return row
        moved = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not moved:
            self.counts[(file, "unchanged")] += 1
            return row
        for name, value in moved.items():
            setattr(row, name, value)
        change(self.session, self.ctx, row, f"{table}.update", source=SOURCE, file=file)
        self.counts[(file, "updated")] += 1
        return row


class Refs:
    """What the keys in a bundle stand for: IRO keys, child references, other files' keys.

    Filled while the files are read (so a missing reference is a problem before anything
    is written) and again as rows are written (so a later file finds the new ids).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.iro_keys: dict[str, uuid.UUID | None] = {}
        self.iro_names: dict[str, uuid.UUID] = {}
        self.iro_ids: set[str] = set()
        self.child_refs: set[str] = set()
        self.keys: dict[str, set[str]] = {}
        # (file, key) -> the meeting written for it (which may be one already on the desk).
        self.meeting_ids: dict[tuple[str, str], uuid.UUID] = {}
        for iro_id, name in session.execute(select(Iro.id, Iro.name)):
            self.iro_names[name.lower()] = iro_id
            self.iro_ids.add(str(iro_id))
        self.child_refs.update(session.scalars(select(Child.ref)))
        self._child_ids: dict[str, uuid.UUID] | None = None

    def has_iro(self, key: str) -> bool:
        return key in self.iro_keys or key in self.iro_ids or key.lower() in self.iro_names

    def iro(self, key: str) -> uuid.UUID:
        """The IRO a key names: one of the bundle's IROs, or an IRO on the desk (id or name)."""
        found = self.iro_keys.get(key)
        if found is not None:
            return found
        if key in self.iro_ids:
            return uuid.UUID(key)
        return self.iro_names[key.lower()]

    def child(self, ref: str) -> uuid.UUID:
        if self._child_ids is None or ref not in self._child_ids:
            self._child_ids = dict(
                (r, i) for r, i in self.session.execute(select(Child.ref, Child.id))
            )
        return self._child_ids[ref]

    def check_iro(self, key: str | None, problems: Problems, where: str, column: str) -> None:
        if key and not self.has_iro(key):
            problems.add(where, column, f"{key!r} is not an IRO in iros.csv or on the desk")

    def check_child(self, ref: str | None, problems: Problems, where: str, column: str) -> None:
        if ref and ref not in self.child_refs:
            problems.add(
                where, column, f"{ref!r} is not a child in children.csv, header.csv or on the desk"
            )

    def check_key(
        self,
        file: str,
        model: type[Record],
        key: str | None,
        problems: Problems,
        where: str,
        column: str,
    ) -> None:
        """A key of another file: a row of that file, or a record on the desk with that id."""
        if not key or key in self.keys.get(file, set()):
            return
        if self.session.get(model, key_id(file, key)) is None:
            problems.add(where, column, f"{key!r} is not in {file} or on the desk")
