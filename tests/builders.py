"""What tests build on: the pinned clock, contexts, desks and the records many tests need.

Every test module imports its shared builders from here (never from another test module or
from a conftest); fixtures stay in the conftest files, which use these too.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from iro_desk.config import Settings
from iro_desk.db.engine import sqlite_url
from iro_desk.db.models import (
    TABLES,
    AuditEvent,
    Child,
    ComplianceForm,
    ComplianceItem,
    FormDraft,
    Iro,
    MeetingChild,
    ResolutionCase,
    ResolutionStage,
)
from iro_desk.db.sync_ddl import shared_tables
from iro_desk.rules.codes import COMPLIANCE_ITEMS
from iro_desk.services.child_details import update_child
from iro_desk.services.children import add_child, allocate, child_by_ref, start_care
from iro_desk.services.compliance import answer_items, send_form, start_form
from iro_desk.services.context import Ctx, Desk, open_desk
from iro_desk.services.duty import assign_duty
from iro_desk.services.errors import InvalidInput
from iro_desk.services.iros import add_iro, find_iro
from iro_desk.services.meetings import record_review
from iro_desk.services.sync import sync_now
from iro_desk.services.visits import record_visit

# --- the pinned clock and the test databases -------------------------------------------

PG_URL = os.environ.get("IRO_DESK_TEST_PG_URL")
TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


def make_ctx(user: str = "tester") -> Ctx:
    return Ctx(user=user, settings=Settings(), today=TODAY, clock=lambda: NOW)


def sqlite_desk_from(template: Path, tmp_path: Path) -> Desk:
    path = tmp_path / "iro-desk.db"
    shutil.copy(template, path)
    path.chmod(0o600)
    return open_desk(sqlite_url(path), make_ctx())


def pg_schema_url(schema: str) -> str:
    assert PG_URL is not None
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


# --- compliance forms and resolution cases ----------------------------------------------


COUNTED = (
    ComplianceForm,
    ComplianceItem,
    ResolutionCase,
    ResolutionStage,
    FormDraft,
    AuditEvent,
)


def row_counts(desk: Desk) -> dict[str, int]:
    with desk.read() as s:
        return {
            m.__tablename__: s.scalar(select(func.count()).select_from(m))  # type: ignore[attr-defined]
            for m in COUNTED
        }


def refused(desk: Desk, write: Callable[[Session], Any]) -> set[str]:
    """Run a write that must be refused and return the fields named.

    The transaction is committed after the refusal, so anything the service added
    before refusing would be kept and show up in the row counts.
    """
    with desk.write() as s, pytest.raises(InvalidInput) as err:
        write(s)
    return {p.field for p in err.value.problems}


def in_care_child(
    s: Session, desk: Desk, ref: str, *, start: date = date(2025, 6, 2), name: str = "Ada"
) -> Child:
    child = add_child(
        s, desk.ctx, ref=ref, first_name=name, last_name="Example", dob=date(2015, 3, 1)
    )
    start_care(s, desk.ctx, child, start, legal_status="C2", placement="U1")
    return child


def reviewed_child(desk: Desk, ref: str, review: date, iro: str = "Jo Bloggs") -> MeetingChild:
    """An IRO (made if needed), a child in care and a held LAR for them."""
    with desk.write() as s:
        chair = s.scalars(select(Iro).where(Iro.name == iro)).first() or add_iro(s, desk.ctx, iro)
        child = in_care_child(s, desk, ref)
        return record_review(s, desk.ctx, child, review, participation="PN1", chair=chair)


def start_compliance_form(
    s: Session,
    desk: Desk,
    ref: str = "C1",
    meeting_id: uuid.UUID | None = None,
    kind: str = "LAR",
    iro: str = "Jo Bloggs",
) -> ComplianceForm:
    return start_form(
        s, desk.ctx, child_ref=ref, meeting_id=meeting_id, meeting_kind=kind, iro_name=iro
    )


ALL_YES: dict[str, tuple[str, str]] = {key: ("yes", "") for key in COMPLIANCE_ITEMS}


def sent_form(
    desk: Desk,
    ref: str,
    review: date,
    sent: date,
    *,
    iro: str = "Jo Bloggs",
    answers: dict[str, tuple[str, str]] | None = None,
) -> uuid.UUID:
    mc = reviewed_child(desk, ref, review, iro)
    with desk.write() as s:
        form = start_compliance_form(s, desk, ref, mc.meeting_id, "LAR", iro)
        answer_items(s, desk.ctx, form.id, {**ALL_YES, **(answers or {})})
        send_form(s, desk.ctx, form.id, team_manager="Pat Manager", sent=sent)
        return form.id


# --- visits, edits, 903 files and the CLI -------------------------------------------------


def add_visit(desk, ref: str, views: str, iro: str = "Ann Example") -> None:
    with desk.write() as s:
        record_visit(
            s,
            desk.ctx,
            child_by_ref(s, ref),
            find_iro(s, iro),
            visit_date=date(2026, 11, 20),
            location="placement",
            purpose="between_reviews",
            seen_alone=True,
            views=views,
        )


def edit_child(desk, ref: str, **changes: str) -> None:
    with desk.write() as s:
        update_child(s, desk.ctx, ref, **changes)


def write_903(directory: Path, *, header: str, episodes: str, reviews: str) -> Path:
    """Write the three files exactly as given (``newline=""`` keeps the line breaks)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, body in (("header", header), ("episodes", episodes), ("reviews", reviews)):
        (directory / f"{name}.csv").write_text(body, encoding="utf-8", newline="")
    return directory


def cli_unit(run) -> None:
    """Through the CLI: two IROs (Ada is the user "ada") and the child C1, Amy Stone."""
    assert run("iro", "add", "Ada Example", "--fte", "0.6", "--username", "ada")[0] == 0
    assert run("iro", "add", "Bea Example")[0] == 0
    assert (
        run(
            "child",
            "add",
            "C1",
            "--first-name",
            "Amy",
            "--last-name",
            "Stone",
            "--dob",
            "2015-03-01",
            "--sex",
            "F",
            "--nhs-number",
            "943 476 5919",
        )[0]
        == 0
    )


# --- the unit's server and laptops (sync) ------------------------------------------------


def admin_engine() -> Engine:
    assert PG_URL is not None
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    return create_engine(url, isolation_level="AUTOCOMMIT")


def database_url(name: str) -> str:
    assert PG_URL is not None
    base, _, _db = PG_URL.rpartition("/")
    return f"{base}/{name}"


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def ctx_for(user: str, device: str) -> Ctx:
    return Ctx(user=user, today=TODAY, clock=lambda: NOW, device=device)


def seed_unit(desk: Desk) -> None:
    """Two IROs, three children allocated between them, one rota day."""
    with desk.write() as s:
        ann = add_iro(s, desk.ctx, "Ann Example", username="ann")
        ben = add_iro(s, desk.ctx, "Ben Example", username="ben")
        for n, iro in ((1, ann), (2, ann), (3, ben)):
            kid = add_child(
                s,
                desk.ctx,
                ref=f"C{n}",
                first_name=f"Kid{n}",
                last_name="Stone",
                dob=date(2014, 1, n),
            )
            allocate(s, desk.ctx, kid, iro, date(2026, 1, 5))
        assign_duty(s, desk.ctx, date(2026, 12, 1), "Ann Example")


def snapshot(engine: Engine, conditions: dict[str, Any] | None = None) -> dict[str, list]:
    """Every shared record, comparable across SQLite and PostgreSQL."""
    out: dict[str, list] = {}
    with engine.connect() as conn:
        for table in shared_tables():
            query = select(table)
            if conditions is not None:
                query = query.where(conditions[table.name])
            rows = [tuple(sorted(dict(r).items())) for r in conn.execute(query).mappings()]
            out[table.name] = sorted(rows, key=repr)
    return out


def server_desk(url: str, user: str = "Admin") -> Desk:
    return open_desk(url, ctx_for(user, "server"))


def sync(desk: Desk, url: str | None = None, **kw: Any):
    return sync_now(desk, url, **kw)


def child_row(engine: Engine, ref: str) -> dict:
    child = TABLES["child"]
    with engine.connect() as conn:
        return dict(conn.execute(select(child).where(child.c.ref == ref)).mappings().one())
