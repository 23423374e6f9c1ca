"""Writing an import's rows: new rows in bulk, changed rows one by one, all audited.

A return of 24,000 children is some 100,000 new rows. Building an ORM object and an
audit event for each costs most of an import's time, so new rows are inserted a chunk
at a time, with one audit event per chunk that names every row it wrote (its id, what
was done and to which child). Changed rows are few (a later return changes little) and
keep their own event, with what moved old -> new.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from iro_desk.db.models import CarePeriod, Child, Episode, Meeting, MeetingChild, Record
from iro_desk.db.types import utcnow
from iro_desk.services.audit import add_new, audit, change
from iro_desk.services.context import Ctx
from iro_desk.services.ssda903.fileformat import CHUNK

BATCH_ACTION = "import.903.rows"


class Writer:
    """Queues rows in table order (a row's parents are written before it), then writes.

    ``bulk=False`` writes each new row through the ORM with its own event, as imports
    did before: kept so that a test can show both ways write the same rows.
    """

    STAGES: tuple[type[Record], ...] = (Child, CarePeriod, Episode, Meeting, MeetingChild)

    def __init__(self, session: Session, ctx: Ctx, *, bulk: bool = True) -> None:
        self.session = session
        self.ctx = ctx
        self.bulk = bulk
        self.now = utcnow()  # one timestamp for the whole import
        names = [model.__tablename__ for model in self.STAGES]  # type: ignore[attr-defined]
        self._new: dict[str, list[tuple[dict[str, Any], str, dict[str, Any]]]] = {
            name: [] for name in names
        }
        self._changed: dict[str, list[tuple[Record, dict[str, Any], str, dict[str, Any]]]] = {
            name: [] for name in names
        }

    def add(self, model: type[Record], action: str, detail: dict[str, Any], **values: Any):
        """Queue a new row; its key, made now, is returned for the rows that point at it."""
        user = self.ctx.user
        row = {"id": uuid.uuid4(), "created_at": self.now, "updated_at": self.now}
        row.update(created_by=user, updated_by=user, **values)
        self._new[model.__tablename__].append((row, action, detail))  # type: ignore[attr-defined]
        return row["id"]

    def change(self, row: Record, values: dict[str, Any], action: str, **detail: Any) -> None:
        self._changed[row.__tablename__].append((row, values, action, detail))  # type: ignore[attr-defined]

    def run(self) -> None:
        for model in self.STAGES:
            name = model.__tablename__  # type: ignore[attr-defined]
            new = self._new[name]
            self._new[name] = []  # written: let the queued rows go (memory)
            if self.bulk:
                while new:
                    self._insert_chunk(model, new[:CHUNK])
                    del new[:CHUNK]
            else:
                for row, action, detail in new:
                    add_new(self.session, self.ctx, model(**row), action, **detail)
            for record, values, action, detail in self._changed[name]:
                for field, value in values.items():
                    setattr(record, field, value)
                change(self.session, self.ctx, record, action, **detail)
            self.session.flush()

    def _insert_chunk(
        self, model: type[Record], chunk: list[tuple[dict[str, Any], str, dict[str, Any]]]
    ) -> None:
        # A Core insert of the table: every row has the same keys, so each chunk is one
        # executemany, without the ORM's per-row bookkeeping (an ORM bulk insert left out
        # a row's None values, and each run of rows with the same blanks was a statement
        # of its own: 30,000 statements at 50x). Keys are the column names; a column left
        # out gets its default, as before.
        statement = insert(model.__table__)  # type: ignore[attr-defined]
        self.session.execute(statement, [row for row, _, _ in chunk])
        named = [
            {"id": str(row["id"]), "action": action, **detail} for row, action, detail in chunk
        ]
        table = model.__tablename__  # type: ignore[attr-defined]
        audit(self.session, self.ctx, BATCH_ACTION, table, None, rows=named)
