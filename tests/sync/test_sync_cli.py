"""The unit's commands as a person types them: server init and add-user, sync, conflicts."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text

from iro_desk.cli import main
from tests.builders import admin_engine, server_desk, unique_name


def run(*args: str, user: str = "Ann Example", env: dict | None = None, input: str | None = None):
    result = CliRunner().invoke(main, ["--user", user, *args], env=env, input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_sync_status_and_json(server_url, tmp_path: Path) -> None:
    db = str(tmp_path / "ann.db")
    code, out, err = run("--db", db, "sync", "--status", "--json")
    assert code == 0, err
    assert json.loads(out) == {"server": None, "last_sync": None, "pending": 0, "conflicts": 0}
    code, out, err = run("--db", db, "sync", "--server", server_url)
    assert code == 0, err
    assert out.startswith("synced with postgresql://")
    code, out, _ = run(
        "--db",
        db,
        "visit",
        "add",
        "C1",
        "--date",
        "2026-11-20",
        "--location",
        "placement",
        "--purpose",
        "between_reviews",
        "--seen-alone",
    )
    assert code == 0
    code, out, _ = run("--db", db, "sync", "--status", "--json")
    status = json.loads(out)
    assert status["server"] == server_url and status["pending"] == 2 and status["conflicts"] == 0
    assert status["last_sync"].startswith("2026-11-27")


def test_sync_offline_exits_3_with_one_line(server_url, tmp_path: Path) -> None:
    db = str(tmp_path / "ann.db")
    assert run("--db", db, "sync", "--server", server_url)[0] == 0
    run("--db", db, "child", "edit", "C1", "--notes", "Offline")
    code, out, err = run("--db", db, "sync", "--server", "postgresql://postgres@127.0.0.1:9/x")
    assert code == 3
    assert err.strip().startswith("offline: could not reach the server (")
    assert err.strip().endswith("; 2 changes waiting")
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1


def test_the_server_url_can_come_from_the_environment(server_url, tmp_path: Path) -> None:
    db = str(tmp_path / "ann.db")
    code, _, err = run("--db", db, "sync", env={"IRO_DESK_SERVER_URL": server_url})
    assert code == 0, err


def test_conflicts_listed_and_resolved_on_the_cli(server_url, tmp_path: Path) -> None:
    ann, ben = str(tmp_path / "ann.db"), str(tmp_path / "ben.db")
    for db in (ann, ben):
        assert run("--db", db, "sync", "--server", server_url)[0] == 0
    run("--db", ann, "child", "edit", "C2", "--notes", "[Ann] said so")
    run("--db", ben, "child", "edit", "C2", "--notes", "Ben said so", user="Ben Example")
    assert run("--db", ann, "sync")[0] == 0
    code, out, _ = run("--db", ben, "sync", user="Ben Example")
    assert code == 0 and "1 conflict" in out
    code, out, _ = run("--db", ben, "conflicts", "--json")
    [conflict] = json.loads(out)
    assert (conflict["field"], json.loads(conflict["mine"]), json.loads(conflict["theirs"])) == (
        "notes",
        "Ben said so",
        "[Ann] said so",
    )
    code, out, _ = run("--db", ben, "conflicts")
    assert "[Ann] said so" in out  # stored text shown as written
    code, out, _ = run("--db", ben, "conflicts", "resolve", conflict["id"], "--keep", "mine")
    assert code == 0, out
    assert run("--db", ben, "sync", user="Ben Example")[0] == 0
    server = server_desk(server_url)
    with server.engine.connect() as conn:
        notes = conn.execute(text("SELECT notes FROM child WHERE ref = 'C2'")).scalar()
    assert notes == "Ben said so"
    server.engine.dispose()
    assert run("--db", ben, "conflicts")[1].strip() == "No open conflicts."


def test_server_init_and_add_user(server_url) -> None:
    code, out, err = run("--database-url", server_url, "server", "init")
    assert code == 0, err
    assert "ready for sync" in out
    login = unique_name("iro_login")
    try:
        code, out, err = run(
            "--database-url",
            server_url,
            "server",
            "add-user",
            login,
            "--iro",
            "Ben Example",
            input="correct horse battery\ncorrect horse battery\n",
        )
        assert code == 0, err
        assert "correct horse" not in out  # the password is never echoed
        with admin_engine().connect() as conn:
            member = conn.execute(
                text(
                    "SELECT pg_has_role(:login, 'iro_desk_user', 'member') "
                    "FROM pg_roles WHERE rolname = :login"
                ),
                {"login": login},
            ).scalar()
        assert member is True
        server = server_desk(server_url)
        with server.engine.connect() as conn:
            linked = conn.execute(
                text("SELECT username FROM iro WHERE name = 'Ben Example'")
            ).scalar()
        server.engine.dispose()
        assert linked == login
        code, _, err = run(
            "--database-url",
            server_url,
            "server",
            "add-user",
            login,
            "--iro",
            "Ann Example",
            env={"IRO_DESK_NEW_PASSWORD": "another long password"},
        )
        assert code == 2 and "already exists" in err
    finally:
        with admin_engine().connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))


def test_server_commands_need_postgresql(tmp_path: Path) -> None:
    code, _, err = run("--db", str(tmp_path / "x.db"), "server", "init")
    assert code == 2 and "--database-url" in err


def test_an_encrypted_laptop_syncs_and_keeps_names_unreadable(server_url, tmp_path: Path) -> None:
    import pytest

    pytest.importorskip("sqlcipher3", reason="the encryption extra (sqlcipher3) is not installed")
    db = tmp_path / "ann.db"
    env = {"IRO_DESK_PASSPHRASE": "a long laptop passphrase"}
    assert run("--db", str(db), "init", "--encrypt", env=env)[0] == 0
    code, out, err = run("--db", str(db), "sync", "--server", server_url, env=env)
    assert code == 0, err
    code, out, _ = run("--db", str(db), "child", "show", "C1", "--json", env=env)
    assert code == 0 and "Kid1" in out  # readable with the passphrase
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("ann.db*"))
    assert b"Kid1" not in raw and b"Stone" not in raw  # and nowhere in the files
