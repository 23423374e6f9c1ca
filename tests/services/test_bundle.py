"""The IRO Desk bundle: a round trip over the demo unit, idempotence, all-or-nothing."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from iro_desk.db.models import AuditEvent, Child, Iro, Visit
from iro_desk.services.bundle import export_bundle, import_bundle
from iro_desk.services.context import Desk
from iro_desk.services.demo import generate_demo
from iro_desk.services.errors import InvalidInput

# Row stamps differ by nature (the import writes new rows now, as the importing user).
STAMPS = {"id", "created_at", "updated_at", "created_by", "updated_by", "version"}
# Not records of the unit: the audit trail (each desk's own hash chain; the import adds
# its own events), half-typed forms, and sync's bookkeeping tables.
SKIPPED = {"audit_event", "form_draft"}
# enquiry_update.created_at is when the update was made: the bundle keeps it (AT).
KEPT_STAMPS = {"enquiry_update": {"created_at"}}


def _tables() -> list[Any]:
    from iro_desk.db.models import TABLES
    from iro_desk.db.sync_models import SQLModel as _  # noqa: F401

    return [t for name, t in TABLES.items() if name not in SKIPPED and not name.startswith("sync_")]


def canonical(session: Any) -> dict[str, list[tuple]]:
    """Every table's rows without surrogate keys or stamps; a foreign key is replaced by
    the referenced row's own canonical form, so rows compare across databases."""
    rows: dict[str, dict[Any, Any]] = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name in SKIPPED or table.name.startswith("sync_"):
            continue
        rows[table.name] = {r.id: r for r in session.execute(select(table))}
    memo: dict[tuple[str, Any], tuple] = {}

    def canon(name: str, key: Any) -> tuple:
        if (name, key) in memo:
            return memo[(name, key)]
        table = SQLModel.metadata.tables[name]
        row = rows[name][key]
        memo[(name, key)] = ("cycle",)
        out = []
        for column in table.columns:
            if column.name in STAMPS and column.name not in KEPT_STAMPS.get(name, set()):
                continue
            value = getattr(row, column.name)
            fks = list(column.foreign_keys)
            if fks and value is not None:
                value = canon(fks[0].column.table.name, value)
            out.append((column.name, value))
        memo[(name, key)] = tuple(out)
        return memo[(name, key)]

    return {
        name: sorted(map(repr, (canon(name, k) for k in table))) for name, table in rows.items()
    }


@pytest.fixture
def demo_desk(sqlite_desk: Desk) -> Desk:
    with sqlite_desk.write() as s:
        generate_demo(s, sqlite_desk.ctx, children=60, seed=3)
    return sqlite_desk


def _other_desk(tmp_path: Path, template: Path) -> Desk:
    import shutil

    from iro_desk.db.engine import sqlite_url
    from iro_desk.services.context import open_desk
    from tests.conftest import make_ctx

    path = tmp_path / "other" / "iro-desk.db"
    path.parent.mkdir()
    shutil.copy(template, path)
    return open_desk(sqlite_url(path), make_ctx("importer"))


def test_demo_round_trip_gives_back_every_row(
    demo_desk: Desk, sqlite_template: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    with demo_desk.write() as s:
        export_bundle(s, demo_desk.ctx, bundle)
    other = _other_desk(tmp_path, sqlite_template)
    try:
        with other.write() as s:
            import_bundle(s, other.ctx, bundle)
        with demo_desk.read() as a, other.read() as b:
            want, got = canonical(a), canonical(b)
        for name in want:
            assert got[name] == want[name], name
        assert sum(len(v) for v in want.values()) > 1000  # the demo unit, not an empty desk
        # A second import changes no record (only the audit trail notes it was made).
        with other.read() as s:
            events = len(s.scalars(select(AuditEvent.id)).all())
        with other.write() as s:
            result = import_bundle(s, other.ctx, bundle)
        assert not any(what in ("added", "updated") for (_, what) in result.counts)
        with other.read() as s:
            assert canonical(s) == got
            assert len(s.scalars(select(AuditEvent.id)).all()) == events + 2  # bundle, 903
    finally:
        other.engine.dispose()
