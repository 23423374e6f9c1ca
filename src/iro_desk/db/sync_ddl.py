"""The database objects sync relies on: change capture on the laptop and on the server.

On the laptop, triggers put every insert, update and delete of a shared table into
``sync_outbox`` together with the row as it was before (the base of a three-way
merge), unless the change is itself being pulled from the server.

On the server, one trigger function appends each change to ``sync_change``. It first
takes a transaction-level advisory lock, so writers append one at a time and the
change log's sequence is the order in which changes were committed: a laptop that has
read up to number N has seen everything before N. The function runs as its owner
(SECURITY DEFINER) and records ``session_user``, so the log names the PostgreSQL login
that made each change and an IRO's login cannot write the log directly.
"""

from __future__ import annotations

from sqlalchemy import Table, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from iro_desk.db import models  # noqa: F401  (registers every table on the metadata)

# Tables that never leave the laptop: half-typed drafts and sync's own bookkeeping.
LOCAL_ONLY = frozenset({"form_draft", "sync_outbox", "sync_state", "sync_applying"})
# Who may use the unit's server: every IRO login is a member of this role.
USERS_ROLE = "iro_desk_user"


def shared_tables() -> list[Table]:
    """Every synced table, parents before the rows that point at them."""
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in LOCAL_ONLY]


# --- the laptop (SQLite) -------------------------------------------------------------


def _json_of(table: Table, alias: str) -> str:
    pairs = ", ".join(f"'{c.name}', {alias}.\"{c.name}\"" for c in table.columns)
    return f"json_object({pairs})"


def sqlite_trigger_ddl(table: Table) -> list[str]:
    name = table.name
    quiet = "WHEN NOT EXISTS (SELECT 1 FROM sync_applying)"
    insert = (
        "INSERT INTO sync_outbox (change_id, table_name, row_id, op, old) "
        "VALUES (lower(hex(randomblob(16))), '{t}', {row}.id, '{op}', {old});"
    )
    return [
        f'CREATE TRIGGER sync_{name}_i AFTER INSERT ON "{name}" {quiet} BEGIN '
        + insert.format(t=name, row="NEW", op="I", old="NULL")
        + " END",
        f'CREATE TRIGGER sync_{name}_u AFTER UPDATE ON "{name}" {quiet} BEGIN '
        + insert.format(t=name, row="NEW", op="U", old=_json_of(table, "OLD"))
        + " END",
        f'CREATE TRIGGER sync_{name}_d AFTER DELETE ON "{name}" {quiet} BEGIN '
        + insert.format(t=name, row="OLD", op="D", old=_json_of(table, "OLD"))
        + " END",
    ]


def install_laptop_capture(conn: Connection) -> None:
    """(Re)make the triggers; run after every schema change, as columns may have moved."""
    for table in shared_tables():
        for suffix in ("i", "u", "d"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS sync_{table.name}_{suffix}")
        for ddl in sqlite_trigger_ddl(table):
            conn.exec_driver_sql(ddl)


def laptop_capture_installed(conn: Connection) -> bool:
    found = conn.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%'"
    ).scalar()
    return bool(found)


# --- the server (PostgreSQL) ---------------------------------------------------------

SERVER_TABLES = """
CREATE TABLE IF NOT EXISTS sync_change (
    seq bigserial PRIMARY KEY,
    table_name text NOT NULL,
    row_id uuid NOT NULL,
    op char(1) NOT NULL,
    pushed_by text NOT NULL DEFAULT session_user,
    device text NOT NULL DEFAULT coalesce(current_setting('iro_desk.device', true), ''),
    at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS sync_applied (
    change_id char(32) PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
"""

SERVER_FUNCTION = """
CREATE OR REPLACE FUNCTION iro_desk_log_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    -- One writer at a time appends, so the log's order is the order of commits.
    PERFORM pg_advisory_xact_lock(hashtext('iro_desk_sync:' || TG_TABLE_SCHEMA));
    IF TG_OP = 'DELETE' THEN
        EXECUTE format('INSERT INTO %I.sync_change (table_name, row_id, op) VALUES ($1, $2, $3)',
                       TG_TABLE_SCHEMA) USING TG_TABLE_NAME, OLD.id, 'D';
        RETURN OLD;
    END IF;
    EXECUTE format('INSERT INTO %I.sync_change (table_name, row_id, op) VALUES ($1, $2, $3)',
                   TG_TABLE_SCHEMA) USING TG_TABLE_NAME, NEW.id, left(TG_OP, 1);
    RETURN NEW;
END $$;
"""


def _ddl(conn: Connection, sql: str) -> None:
    """Run DDL as written: straight to psycopg, which then leaves '%' in PL/pgSQL alone."""
    conn.connection.driver_connection.execute(sql)


def install_server_capture(conn: Connection) -> int:
    """Make the change log, the trigger on every shared table and the users' role.

    Safe to run again. Rows that were there before sync was set up are logged once, in
    the order of their tables, so the first laptop to sync copies them too. Returns how
    many rows were so logged.
    """
    _ddl(conn, SERVER_TABLES)
    _ddl(conn, SERVER_FUNCTION)
    for table in shared_tables():
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS iro_desk_sync ON "{table.name}"')
        conn.exec_driver_sql(
            f'CREATE TRIGGER iro_desk_sync AFTER INSERT OR UPDATE OR DELETE ON "{table.name}" '
            "FOR EACH ROW EXECUTE FUNCTION iro_desk_log_change()"
        )
    logged = 0
    if conn.execute(text("SELECT count(*) FROM sync_change")).scalar() == 0:
        for table in shared_tables():
            logged += conn.execute(
                text(
                    "INSERT INTO sync_change (table_name, row_id, op) "
                    f"SELECT '{table.name}', id, 'I' FROM \"{table.name}\" ORDER BY created_at"
                    if "created_at" in table.columns
                    else "INSERT INTO sync_change (table_name, row_id, op) "
                    f"SELECT '{table.name}', id, 'I' FROM \"{table.name}\""
                )
            ).rowcount
    _grant_users(conn)
    return logged


def _grant_users(conn: Connection) -> None:
    conn.exec_driver_sql(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{USERS_ROLE}') "
        f"THEN CREATE ROLE {USERS_ROLE} NOLOGIN; END IF; END $$"
    )
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO {USERS_ROLE}')
    for table in shared_tables():
        if table.name == "audit_event":
            # Append-only for IROs' logins too (the triggers of migration 0005 also refuse).
            conn.exec_driver_sql(
                f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table.name}" FROM {USERS_ROLE}'
            )
            conn.exec_driver_sql(f'GRANT SELECT, INSERT ON "{table.name}" TO {USERS_ROLE}')
            continue
        conn.exec_driver_sql(
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON "{table.name}" TO {USERS_ROLE}'
        )
    for table in ("alembic_version", "sync_change"):
        conn.exec_driver_sql(f'GRANT SELECT ON "{table}" TO {USERS_ROLE}')
    conn.exec_driver_sql(f"GRANT SELECT, INSERT ON sync_applied TO {USERS_ROLE}")


def server_capture_installed(conn: Connection) -> bool:
    return bool(conn.execute(text("SELECT to_regclass('sync_change') IS NOT NULL")).scalar())
