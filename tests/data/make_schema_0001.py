"""Make tests/data/schema_0001.db: a database at the first released schema (0001), with
three rows in every table, for tests/test_schema_0001_upgrade.py.

    uv run python tests/data/make_schema_0001.py

Run once and commit the file; it is what a laptop that installed the first release
holds. The schema comes from the real migration (alembic upgrade to "0001"); the rows
are raw inserts (the services of today write today's schema), filled from each column's
declared type: every foreign key points at a real row, text carries accents, emoji,
right-to-left and new lines, and the values are fixed (no clock, no randomness), so the
file's contents are the same on every run.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "schema_0001.db"
ROWS = 3
NAMESPACE = uuid.UUID("5a2f6c1e-0001-4e1d-9c0a-1d0e5c000001")


def row_id(table: str, n: int) -> str:
    return uuid.uuid5(NAMESPACE, f"{table}/{n}").hex


def tables_in_order(con: sqlite3.Connection) -> list[str]:
    """Tables, each after every table it refers to."""
    names = [
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name != 'alembic_version' ORDER BY name"
        )
    ]
    deps = {t: {r[2] for r in con.execute(f"PRAGMA foreign_key_list('{t}')")} - {t} for t in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        for t in names:
            if t not in ordered and deps[t] <= set(ordered):
                ordered.append(t)
    return ordered


TEXT = [
    "Zoë wants to stay with her carers\nand see her brother 🙂",
    "يريد البقاء في مدرسته",  # right to left
    "Plain text, with a tab\tand 'quotes' and \"double\" quotes",
]
SHORT = ["Ann", "Zoë", "Ōla"]


def value(table: str, column: str, declared: str, n: int, fks: dict[str, str]) -> object:
    declared = declared.upper()
    if column == "id":
        return row_id(table, n)
    if column in fks:
        target = fks[column]
        # A row that refers to its own table (an amendment) points at the first row.
        if target == table:
            return None if n == 0 else row_id(table, 0)
        return row_id(target, n)
    if column in ("created_at", "updated_at", "at", "received_at"):
        return f"2025-0{n + 1}-1{n} 09:3{n}:0{n}.00000{n}"
    if declared == "DATE":
        return f"202{4 + n % 2}-0{n + 2}-2{n}"
    if declared == "BOOLEAN":
        return n % 2
    if declared == "INTEGER":
        return n + 1
    if declared == "FLOAT":
        return (0.5, 0.8, 1.0)[n]
    if declared == "CHAR(32)":  # a uuid that is not a foreign key
        return uuid.uuid5(NAMESPACE, f"{table}.{column}/{n}").hex
    if declared == "TEXT":
        return TEXT[n]
    size = re.fullmatch(r"VARCHAR\((\d+)\)", declared)
    if size:
        width = int(size.group(1))
        text = f"{SHORT[n]} {column} {n}"
        return text[:width] if width >= len(text) else f"{column[: width - 1]}{n}"[-width:]
    raise SystemExit(f"{table}.{column}: no value for type {declared}")


def fill(con: sqlite3.Connection) -> None:
    for table in tables_in_order(con):
        fks = {r[3]: r[2] for r in con.execute(f"PRAGMA foreign_key_list('{table}')")}
        columns = [(r[1], r[2]) for r in con.execute(f"PRAGMA table_info('{table}')")]
        names = ", ".join(f'"{c}"' for c, _ in columns)
        marks = ", ".join("?" for _ in columns)
        for n in range(ROWS):
            row = [value(table, c, t, n, fks) for c, t in columns]
            con.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', row)


def main() -> None:
    sys.path.insert(0, str(HERE.parent.parent / "src"))
    os.environ.setdefault("IRO_DESK_NOW", "2026-11-27T10:30:00+00:00")
    from iro_desk.db.engine import make_engine, sqlite_url
    from iro_desk.db.migrate import upgrade

    TARGET.unlink(missing_ok=True)
    engine = make_engine(sqlite_url(TARGET))
    upgrade(engine, "0001")
    engine.dispose()
    con = sqlite3.connect(TARGET)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        with con:
            fill(con)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
        con.execute("VACUUM")
    finally:
        con.close()
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
