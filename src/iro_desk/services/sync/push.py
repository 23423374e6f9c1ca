"""Push: send the laptop's own changes to the server, merging field by field.

Every outbox entry has its own change id. The server records the ids it has applied
in the same transaction as the changes, and the laptop forgets an entry only after
that transaction has committed, so a push cut short anywhere and run again sends
nothing twice and loses nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Connection, Engine

from iro_desk.db.engine import write_connection
from iro_desk.db.models import TABLES, new_id
from iro_desk.db.sync_ddl import shared_tables
from iro_desk.rules.merge import Clash, merge_record
from iro_desk.services.sync.apply import begin_apply, chunks, end_apply
from iro_desk.services.sync.faults import checkpoint
from iro_desk.services.sync.server_log import SYNC_APPLIED
from iro_desk.services.sync.state import CONFLICTS, OUTBOX
from iro_desk.services.sync.values import data_fields, from_stored, hex_id, to_json


@dataclass
class Change:
    """All of one record's pending entries, folded into one change."""

    table: str
    row_id: str
    op: str  # I (new here), U or D
    base: dict[str, Any] | None  # the record before the first pending entry
    change_ids: list[str] = field(default_factory=list)


@dataclass
class PushReport:
    sent: int = 0
    conflicts: int = 0
    pushed: dict[str, list[uuid.UUID]] = field(default_factory=dict)


def fold(entries: Sequence[Mapping[str, Any]], dialect: Any) -> list[Change]:
    changes: dict[tuple[str, str], Change] = {}
    for entry in entries:
        key = (entry["table_name"], entry["row_id"])
        change = changes.get(key)
        if change is None:
            old = entry["old"]
            base = (
                from_stored(TABLES[entry["table_name"]], json.loads(old), dialect)
                if old is not None
                else None
            )
            change = changes[key] = Change(key[0], key[1], entry["op"], base)
        elif entry["op"] == "D":
            change.op = "D" if change.op != "I" else "gone"  # made and removed before a push
        change.change_ids.append(entry["change_id"])
    return list(changes.values())


def _outbox(local: Engine) -> list[Mapping[str, Any]]:
    with local.connect() as lc:
        return list(lc.execute(select(OUTBOX).order_by(OUTBOX.c.n)).mappings().all())


def _forget(local: Engine, change_ids: Sequence[str]) -> None:
    with write_connection(local) as lc:
        for part in chunks(list(change_ids)):
            lc.execute(OUTBOX.delete().where(OUTBOX.c.change_id.in_(list(part))))


def _already_applied(server: Engine, change_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    with server.connect() as sc:
        for part in chunks(list(change_ids)):
            found.update(
                sc.execute(
                    select(SYNC_APPLIED.c.change_id).where(SYNC_APPLIED.c.change_id.in_(list(part)))
                ).scalars()
            )
    return found


def push(local: Engine, server: Engine, *, user: str, device: str) -> PushReport:
    report = PushReport()
    entries = _outbox(local)
    if not entries:
        return report
    done = _already_applied(server, [e["change_id"] for e in entries])
    if done:  # a push that committed on the server but was cut off before the laptop heard
        _forget(local, sorted(done))
    if rekey_duplicates(local, server) or done:
        entries = _outbox(local)
    with local.connect() as lc:
        dialect = lc.dialect
        changes = fold(entries, dialect)
        mine = _current_rows(lc, changes)
    checkpoint("push:prepared")
    with server.begin() as sc:
        sc.execute(text("SELECT set_config('iro_desk.device', :d, true)"), {"d": device})
        for table in shared_tables():
            todo = [c for c in changes if c.table == table.name and c.op in ("I", "U")]
            if todo:
                _send(sc, table, todo, mine, report, user=user, device=device)
        for table in reversed(shared_tables()):
            todo = [c for c in changes if c.table == table.name and c.op == "D"]
            if todo:
                _send_deletes(sc, table, todo, report, user=user, device=device)
        ids = [cid for c in changes for cid in c.change_ids]
        for part in chunks(ids):
            sc.execute(insert(SYNC_APPLIED), [{"change_id": cid} for cid in part])
        checkpoint("push:sent-before-commit")
    checkpoint("push:committed")
    _forget(local, ids)
    report.sent = sum(1 for c in changes if c.op != "gone")
    for c in changes:
        if c.op != "gone":
            report.pushed.setdefault(c.table, []).append(uuid.UUID(c.row_id))
    return report


def _current_rows(lc: Connection, changes: Sequence[Change]) -> dict[tuple[str, str], dict]:
    rows: dict[tuple[str, str], dict] = {}
    by_table: dict[str, list[uuid.UUID]] = {}
    for c in changes:
        by_table.setdefault(c.table, []).append(uuid.UUID(c.row_id))
    for name, ids in by_table.items():
        table = TABLES[name]
        for part in chunks(ids):
            for row in lc.execute(select(table).where(table.c.id.in_(list(part)))).mappings():
                rows[(name, row["id"].hex)] = dict(row)
    return rows


def _send(
    sc: Connection,
    table: Table,
    changes: Sequence[Change],
    mine: Mapping[tuple[str, str], dict],
    report: PushReport,
    *,
    user: str,
    device: str,
) -> None:
    ids = [uuid.UUID(c.row_id) for c in changes]
    theirs: dict[str, Mapping[str, Any]] = {}
    for part in chunks(ids):
        query = select(table).where(table.c.id.in_(list(part))).with_for_update()
        theirs.update({r["id"].hex: r for r in sc.execute(query).mappings()})
    new_rows = []
    for change in changes:
        row = mine.get((table.name, change.row_id))
        if row is None:
            continue  # changed, then removed here: the delete entry carries it
        there = theirs.get(change.row_id)
        if there is None:
            if change.op == "I":
                new_rows.append(row)
            else:  # changed here, removed on the server
                _conflict(sc, table, row, Clash("*", "changed", None), None, user, device, report)
            continue
        merged = merge_record(change.base, row, there, data_fields(table))
        if merged.apply:
            values = dict(merged.apply)
            if "version" in table.c:
                values.update(
                    version=there["version"] + 1,
                    updated_at=row["updated_at"],
                    updated_by=row["updated_by"],
                )
            sc.execute(table.update().where(table.c.id == there["id"]).values(**values))
        for clash in merged.clashes:
            _conflict(sc, table, row, clash, there, user, device, report)
    for part in chunks(new_rows):
        sc.execute(insert(table), list(part))


def _send_deletes(
    sc: Connection,
    table: Table,
    changes: Sequence[Change],
    report: PushReport,
    *,
    user: str,
    device: str,
) -> None:
    for change in changes:
        rid = uuid.UUID(change.row_id)
        there = (
            sc.execute(select(table).where(table.c.id == rid).with_for_update()).mappings().first()
        )
        if there is None:
            continue
        fields = data_fields(table)
        if change.base is not None and all(there[f] == change.base[f] for f in fields):
            sc.execute(table.delete().where(table.c.id == rid))
        else:
            row = dict(change.base or there)
            _conflict(sc, table, row, Clash("*", "removed", "changed"), there, user, device, report)


def _conflict(
    sc: Connection,
    table: Table,
    row: Mapping[str, Any],
    clash: Clash,
    there: Mapping[str, Any] | None,
    user: str,
    device: str,
    report: PushReport,
) -> None:
    now: datetime = sc.execute(select(func.now())).scalar()
    sc.execute(
        insert(CONFLICTS).values(
            id=new_id(),
            created_at=now,
            updated_at=now,
            created_by=user,
            updated_by=user,
            version=1,
            table_name=table.name,
            row_id=str(row["id"]),
            field=clash.field,
            mine=to_json(clash.mine),
            theirs=to_json(clash.theirs),
            mine_by=str(row.get("updated_by") or user),
            mine_device=device,
            theirs_by=str((there or {}).get("updated_by") or ""),
            theirs_at=(there or {}).get("updated_at"),
            status="open",
            resolved_by="",
            resolved_at=None,
        )
    )
    report.conflicts += 1


# --- the same record made on two laptops -------------------------------------------------


def _natural_keys(table: Table) -> list[list[str]]:
    """Column sets that identify a record apart from its id (a child's reference, a day)."""
    keys = [[c.name] for c in table.columns if c.unique and not c.primary_key]
    keys += [
        [c.name for c in constraint.columns]
        for constraint in table.constraints
        if constraint.__class__.__name__ == "UniqueConstraint"
    ]
    keys += [
        [c.name for c in index.columns] for index in table.indexes if index.unique and index.columns
    ]
    if table.name == "iro":
        keys.append(["name"])  # unique whatever the case, by an index on lower(name)
    unique: list[list[str]] = []
    for key in keys:
        if key and key not in unique:
            unique.append(key)
    return unique


def rekey_duplicates(local: Engine, server: Engine) -> bool:
    """Give a record made here the server's id when the server already has it.

    Two IROs offline can both add the same child (same reference), the same IRO or the
    same rota day. They are one record: the laptop's copy takes the server's id (and
    everything pointing at it follows), then merges with no base, so any difference
    becomes a conflict rather than a second record or a refused push.
    """
    with local.connect() as lc:
        new = lc.execute(
            select(OUTBOX.c.table_name, OUTBOX.c.row_id).where(OUTBOX.c.op == "I")
        ).all()
    moves: list[tuple[Table, uuid.UUID, uuid.UUID]] = []
    with local.connect() as lc, server.connect() as sc:
        for name, row_hex in new:
            table = TABLES[name]
            keys = _natural_keys(table)
            if not keys:
                continue
            row = (
                lc.execute(select(table).where(table.c.id == uuid.UUID(row_hex))).mappings().first()
            )
            if row is None:
                continue
            for key in keys:
                match = [
                    func.lower(table.c[k]) == str(row[k]).lower()
                    if isinstance(row[k], str)
                    else table.c[k] == row[k]
                    for k in key
                    if row[k] is not None
                ]
                if len(match) != len(key):
                    continue
                other = sc.execute(
                    select(table.c.id).where(*match, table.c.id != row["id"])
                ).scalar()
                if other is not None:
                    moves.append((table, row["id"], other))
                    break
    if not moves:
        return False
    with write_connection(local) as lc:
        begin_apply(lc)
        for table, old, new_key in moves:
            _move(lc, table, old, new_key)
        end_apply(lc)
    return True


def _move(lc: Connection, table: Table, old: uuid.UUID, new: uuid.UUID) -> None:
    lc.execute(table.update().where(table.c.id == old).values(id=new))
    for other in shared_tables():
        for fk in other.foreign_keys:
            if fk.column.table is table and fk.column.name == "id":
                column = fk.parent
                lc.execute(other.update().where(column == old).values({column.name: new}))
    lc.execute(
        OUTBOX.update()
        .where(OUTBOX.c.table_name == table.name, OUTBOX.c.row_id == hex_id(old))
        .values(row_id=hex_id(new))
    )
