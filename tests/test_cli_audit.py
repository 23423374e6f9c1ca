"""`iro-desk audit`, `audit verify` and `retention` as a user types them."""

from __future__ import annotations

import json
import sqlite3
import uuid

from click.testing import CliRunner

from iro_desk.cli import main
from tests.builders import cli_unit


def _sql(run, statement: str, *params) -> None:  # noqa: F811
    con = sqlite3.connect(run.db)
    try:
        con.execute(statement, params)
        con.commit()
    finally:
        con.close()


def test_the_trail_shows_who_opened_and_changed_what(run) -> None:  # noqa: F811
    cli_unit(run)
    assert run("child", "edit", "C1", "--notes", "Likes trains")[0] == 0
    assert run("child", "show", "C1", user="bea")[0] == 0
    code, out, _ = run("audit", "--child", "C1", "--json")
    assert code == 0
    events = json.loads(out)
    assert events[0]["action"] == "child.open" and events[0]["user"] == "bea"
    update = next(e for e in events if e["action"] == "child.update")
    assert update["detail"]["changed"]["notes"] == ["", "Likes trains"]
    assert {"at", "user", "device", "table", "record_id"} <= set(events[0])
    code, out, _ = run("audit", "--user", "bea")
    assert code == 0 and len(out.splitlines()) == 1 and "child.open" in out
    code, _, err = run("audit", "--child", "NOPE")
    assert code == 2 and err.startswith("error: --child:")


def test_verify_passes_then_names_a_deleted_event(run) -> None:  # noqa: F811
    cli_unit(run)
    code, out, _ = run("audit", "verify")
    assert code == 0 and out.startswith("audit trail intact: ")
    con = sqlite3.connect(run.db)
    try:
        # The guard: the database itself refuses.
        try:
            con.execute("DELETE FROM audit_event WHERE seq = 2")
            raise AssertionError("the delete was allowed")
        except sqlite3.IntegrityError as exc:
            assert "append-only" in str(exc)
        # Someone with the file drops the guard first.
        con.execute("DROP TRIGGER audit_event_no_delete")
        after = con.execute("SELECT id FROM audit_event WHERE seq = 3").fetchone()[0]
        con.execute("DELETE FROM audit_event WHERE seq = 2")
        con.commit()
    finally:
        con.close()
    code, _, err = run("audit", "verify")
    assert code == 1
    assert str(uuid.UUID(after)) in err and "missing" in err


def _old_child_in_care(run) -> None:  # noqa: F811
    _sql(run, "UPDATE child SET dob = '1950-03-01' WHERE ref = 'C1'")
    _sql(
        run,
        "INSERT INTO care_period (id, created_at, updated_at, created_by, updated_by, version, "
        "child_id, start_date) SELECT ?, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 't', 't', "
        "1, id, '2001-01-01' FROM child WHERE ref = 'C1'",
        uuid.uuid4().hex,
    )


def test_retention_lists_holds_and_purges_after_confirmation(run) -> None:  # noqa: F811
    cli_unit(run)
    _old_child_in_care(run)
    code, out, _ = run("retention", "--json")
    assert code == 0
    [due] = json.loads(out)
    assert due["ref"] == "C1" and due["destroy_after"] == "2025-03-01"
    assert due["retention_class"] == "looked_after" and due["legal_hold"] is False

    assert run("retention", "hold", "C1")[0] == 0
    code, out, _ = run("retention", "purge", "--yes")
    assert code == 0 and "No record" in out
    assert run("retention", "release", "C1")[0] == 0
    code, _, err = run("retention", "release", "C1")
    assert code == 2 and err.startswith("error: legal hold:")

    runner = CliRunner()
    base = ["--db", str(run.db), "--user", "ada", "retention", "purge"]
    refused = runner.invoke(main, base, input="n\n")
    assert refused.exit_code == 1
    assert run("child", "show", "C1")[0] == 0  # still there
    done = runner.invoke(main, base, input="y\n")
    assert done.exit_code == 0 and "1 record destroyed" in done.stdout
    code, _, err = run("child", "show", "C1")
    assert code == 2
    code, out, _ = run("audit", "--json")
    purge = next(e for e in json.loads(out) if e["action"] == "retention.purge")
    assert "C1" not in json.dumps(purge) and "Amy" not in json.dumps(purge)
    assert purge["record_id"] is None
    assert run("audit", "verify")[0] == 0


def test_a_childs_trail_includes_the_rows_an_import_wrote_in_bulk(run, tmp_path) -> None:  # noqa: F811
    """An import names its new rows inside one event per batch; a child's trail finds the
    batches that wrote the child's rows and shows only that child's rows of each."""
    from pathlib import Path

    good = Path(__file__).parent / "data" / "903" / "good"
    assert run("import", "903", str(good))[0] == 0
    code, out, _ = run("audit", "--child", "C001", "--json")
    assert code == 0
    batches = [e for e in json.loads(out) if e["action"] == "import.903.rows"]
    assert {e["table"] for e in batches} >= {"child", "episode"}
    for event in batches:
        rows = event["detail"]["rows"]
        assert rows and all("C001" in (row.get("child"), row.get("ref")) for row in rows)
        assert event["detail"]["of"] >= len(rows)
    added = [row for e in batches for row in e["detail"]["rows"] if row["action"] == "child.add"]
    assert [row["ref"] for row in added] == ["C001"]
    code, out, _ = run("audit", "--child", "C002", "--json")
    assert all("C001" not in json.dumps(e) for e in json.loads(out))
