"""The IRO Desk bundle: a round trip over the demo unit, idempotence, all-or-nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from iro_desk.db.models import (
    AuditEvent,
    Child,
    ComplianceForm,
    Enquiry,
    EnquiryUpdate,
    Iro,
    ResolutionCase,
    ResolutionStage,
    Visit,
)
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


KEEP_IDS = (Iro, Visit, Enquiry, EnquiryUpdate, ComplianceForm, ResolutionCase, ResolutionStage)


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


def _sqlite_desk_from(template: Path, path: Path, user: str) -> Desk:
    import shutil

    from iro_desk.db.engine import sqlite_url
    from iro_desk.services.context import open_desk
    from tests.builders import make_ctx

    path.parent.mkdir(parents=True)
    shutil.copy(template, path)
    return open_desk(sqlite_url(path), make_ctx(user))


def test_demo_round_trip_gives_back_every_row(
    desk: Desk, sqlite_template: Path, tmp_path: Path
) -> None:
    """The demo unit, exported and imported into an empty desk (SQLite and PostgreSQL)."""
    demo = _sqlite_desk_from(sqlite_template, tmp_path / "demo" / "iro-desk.db", "tester")
    bundle = tmp_path / "bundle"
    try:
        with demo.write() as s:
            generate_demo(s, demo.ctx, children=60, seed=3)
        with demo.write() as s:
            export_bundle(s, demo.ctx, bundle)
        with desk.write() as s:
            import_bundle(s, desk.ctx, bundle)
        with demo.read() as a, desk.read() as b:
            want, got = canonical(a), canonical(b)
            # Records the bundle keys by their id keep it; the others get new ids.
            for model in KEEP_IDS:
                assert set(b.scalars(select(model.id))) == set(a.scalars(select(model.id)))
    finally:
        demo.engine.dispose()
    for name in want:
        assert got[name] == want[name], name
    assert set(got) == set(want)
    assert sum(len(v) for v in want.values()) > 1000  # the demo unit, not an empty desk
    # A second import changes no record (only the audit trail notes it was made).
    with desk.read() as s:
        events = len(s.scalars(select(AuditEvent.id)).all())
    with desk.write() as s:
        result = import_bundle(s, desk.ctx, bundle)
    assert not any(what in ("added", "updated") for (_, what) in result.counts)
    with desk.read() as s:
        assert canonical(s) == got
        assert len(s.scalars(select(AuditEvent.id)).all()) == events + 2  # bundle, 903


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text.strip() + "\n", encoding="utf-8")


def _other_system_bundle(folder: Path) -> None:
    """Files as another system writes them: exactly the issue's columns, its own keys."""
    _write(folder, "iros.csv", "IRO,NAME,FTE\n7,Ada Lovelace,1\n8,Mary Somerville,0.5")
    _write(
        folder,
        "children.csv",
        "CHILD,GIVEN_NAME,FAMILY_NAME,SEX,DOB,EXPECTED_DOB,ETHNIC,NHS_NUMBER,UPN\n"
        "C1,Sam,Oak,M,2018-04-02,,WBRI,,\nC2,Jo,Oak,F,2020-01-15,,WBRI,,",
    )
    _write(folder, "allocations.csv", "CHILD,IRO,START,END\nC1,7,2026-05-01,\nC2,8,2026-05-01,")
    _write(
        folder,
        "cp_plans.csv",
        "CHILD,STRATEGY_DATE,ICPC_DATE,START,CATEGORY,END,OUTCOME\n"
        "C1,2026-04-20,2026-05-05,2026-05-05,NEG,,\n"
        "C2,2026-04-20,2026-05-05,2026-05-05,NEG,2026-10-01,cin",
    )
    _write(
        folder,
        "conferences.csv",
        "CONFERENCE,CHILD,DATE,TYPE,CHAIR,PARTICIPATED,METHOD\n"
        "K1,C1,2026-05-05,ICPC,7,Y,attended\nK1,C2,2026-05-05,ICPC,7,,",
    )
    _write(
        folder,
        "conference_reports.csv",
        "CONFERENCE,AGENCY,RECEIVED\nK1,Police,2026-05-01\nK1,School,",
    )
    _write(
        folder,
        "visits.csv",
        "CHILD,IRO,DATE,LOCATION,SEEN_ALONE,PURPOSE\nC1,7,2026-06-01,school,Y,between_reviews",
    )


def test_a_bundle_from_another_system_imports_once(sqlite_desk: Desk, tmp_path: Path) -> None:
    from iro_desk.db.models import ConferenceReport, CpPlan, Meeting, MeetingChild

    folder = tmp_path / "bundle"
    _other_system_bundle(folder)
    for _ in range(2):
        with sqlite_desk.write() as s:
            import_bundle(s, sqlite_desk.ctx, folder)
    with sqlite_desk.read() as s:
        assert sorted(s.scalars(select(Iro.name))) == ["Ada Lovelace", "Mary Somerville"]
        assert sorted(s.scalars(select(Child.ref))) == ["C1", "C2"]
        meeting = s.scalars(select(Meeting)).one()  # one meeting of the sibling group
        chair = s.get(Iro, meeting.chair_iro_id)
        assert chair is not None and chair.name == "Ada Lovelace"
        took_part = dict(
            s.execute(
                select(Child.ref, MeetingChild.cp_took_part).join(
                    Child, Child.id == MeetingChild.child_id
                )
            ).all()
        )
        assert took_part == {"C1": True, "C2": None}
        plans = {p.end_date: p.outcome for p in s.scalars(select(CpPlan))}
        assert plans == {None: None, date(2026, 10, 1): "CIN plan"}
        reports = {r.agency: r.received_date for r in s.scalars(select(ConferenceReport))}
        assert reports == {"Police": date(2026, 5, 1), "School": None}
        assert len(s.scalars(select(Visit.id)).all()) == 1


def test_a_bad_bundle_writes_nothing_and_names_file_line_and_column(
    sqlite_desk: Desk, tmp_path: Path
) -> None:
    folder = tmp_path / "bundle"
    _other_system_bundle(folder)
    _write(folder, "allocations.csv", "CHILD,IRO,START,END\nC1,7,2026-05-01,\nC9,99,01/05/2026,")
    _write(folder, "visits.csv", "CHILD,IRO,DATE,LOCATION,PURPOSE\nC1,7,2026-06-01,school,other")
    with pytest.raises(InvalidInput) as caught, sqlite_desk.write() as s:
        import_bundle(s, sqlite_desk.ctx, folder)
    said = [str(p) for p in caught.value.problems]
    assert (
        "allocations.csv:3: CHILD: 'C9' is not a child in children.csv, header.csv or on the desk"
        in said
    )
    assert "allocations.csv:3: IRO: '99' is not an IRO in iros.csv or on the desk" in said
    assert "allocations.csv:3: START: '01/05/2026' is not a date (use YYYY-MM-DD)" in said
    assert "visits.csv:1: SEEN_ALONE: column is missing" in said
    with sqlite_desk.read() as s:
        assert s.scalars(select(Child.id)).first() is None
        assert s.scalars(select(Iro.id)).first() is None


def test_the_903_files_problems_come_with_the_others(sqlite_desk: Desk, tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    _other_system_bundle(folder)
    _write(folder, "iros.csv", "IRO,NAME,FTE\n7,Ada Lovelace,2\n8,Mary Somerville,0.5")
    _write(folder, "header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC3,X,01/02/2015,WBRI,,,")
    _write(folder, "episodes.csv", "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,"
           "REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN")  # fmt: skip
    _write(folder, "reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE")
    with pytest.raises(InvalidInput) as caught, sqlite_desk.write() as s:
        import_bundle(s, sqlite_desk.ctx, folder)
    wheres = {p.where for p in caught.value.problems}
    assert "iros.csv:2" in wheres  # FTE 2
    assert "header.csv:2" in wheres  # SEX X, found by the 903 import
    with sqlite_desk.read() as s:
        assert s.scalars(select(Child.id)).first() is None
        assert s.scalars(select(AuditEvent.id)).first() is None


def test_a_visit_already_held_is_never_rewritten(sqlite_desk: Desk, tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    _other_system_bundle(folder)
    _write(
        folder, "visits.csv", "CHILD,IRO,DATE,LOCATION,SEEN_ALONE,PURPOSE,VISIT\n"
        "C1,7,2026-06-01,school,Y,between_reviews,V1",
    )  # fmt: skip
    with sqlite_desk.write() as s:
        import_bundle(s, sqlite_desk.ctx, folder)
    _write(
        folder, "visits.csv", "CHILD,IRO,DATE,LOCATION,SEEN_ALONE,PURPOSE,VISIT\n"
        "C1,7,2026-06-01,home,Y,between_reviews,V1",
    )  # fmt: skip
    with pytest.raises(InvalidInput) as caught, sqlite_desk.write() as s:
        import_bundle(s, sqlite_desk.ctx, folder)
    assert [str(p) for p in caught.value.problems] == [
        "visits.csv:2: VISIT: is already held with other details and cannot be changed "
        "(add a new row that corrects it)"
    ]
    with sqlite_desk.read() as s:
        assert s.scalars(select(Visit.location)).all() == ["school"]
