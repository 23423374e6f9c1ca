"""Setting up the unit's PostgreSQL server: its schema, sync's objects, the IROs' logins."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from iro_desk.db.sync_ddl import USERS_ROLE, install_server_capture
from iro_desk.services.audit import change
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.iros import find_iro

# PostgreSQL would accept more, but a login name that needs quoting is a mistake waiting.
LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,62}$")


@dataclass(frozen=True)
class ServerReport:
    schema: str
    logged: int

    def summary(self) -> str:
        first = f"; {self.logged} existing records queued for laptops" if self.logged else ""
        return f"server ready for sync at schema {self.schema}{first}"


def require_postgresql(desk: Desk) -> None:
    if desk.engine.dialect.name != "postgresql":
        raise InvalidInput.one("--database-url", "server commands need a postgresql:// URL")


def init_server(desk: Desk) -> ServerReport:
    """The desk was opened (so migrated) on the server; add sync's change log and role."""
    require_postgresql(desk)
    with desk.engine.begin() as conn:
        logged = install_server_capture(conn)
        schema = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return ServerReport(str(schema), logged)


def add_user(desk: Desk, username: str, password: str, iro_name: str) -> str:
    """A login for one IRO that may read and write the unit's records; links it to the IRO."""
    require_postgresql(desk)
    if not LOGIN.match(username or ""):
        raise InvalidInput.one(
            "username", "use lower-case letters, digits, _ . or -, starting with a letter"
        )
    if len(password) < 12:
        raise InvalidInput.one("password", "must be at least 12 characters")
    with desk.engine.begin() as conn:
        if conn.execute(
            select(func.count()).select_from(text("pg_roles")).where(text("rolname = :n")),
            {"n": username},
        ).scalar():
            raise InvalidInput.one("username", f"a login called {username!r} already exists")
        with Session(bind=conn) as session:
            iro = find_iro(session, iro_name)
            iro.username = username
            change(session, desk.ctx, iro, "iro.login_added", username=username)
            session.flush()
        from psycopg import sql

        # DDL takes no parameters: psycopg quotes the name and the password itself,
        # on the same connection and so in the same transaction.
        statement = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
            sql.Identifier(username), sql.Literal(password), sql.Identifier(USERS_ROLE)
        )
        conn.connection.driver_connection.execute(statement)
        return iro.name
