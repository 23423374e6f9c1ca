"""Encryption at rest: nobody who finds the laptop's files reads a child's name.

Tests that need SQLCipher skip without the ``encryption`` extra; the ones at the end
prove IRO Desk without it still says clearly what to install. Wrong passphrases run in
a subprocess, so anything SQLCipher itself writes to stderr would be seen.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from iro_desk.cli import main
from iro_desk.db import cipher
from iro_desk.db.cipher import SQLITE_MAGIC

NAME = ("Zebedee", "Quixotic")
PASS = "correct horse battery"


def _cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--user", "ada", *args], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a failure of this test
    return result.exit_code, result.stdout + result.stderr


def _subprocess(*args: str, passphrase: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IRO_DESK_PASS")}
    if passphrase is not None:
        env["IRO_DESK_PASSPHRASE"] = passphrase
    cmd = [sys.executable, "-c", "from iro_desk.cli import main; main()", "--user", "ada", *args]
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL
    )


def _files_of(db: Path) -> list[Path]:
    """The database, its -wal and -shm, and everything in backups/."""
    files = [p for p in db.parent.iterdir() if p.is_file() and p.name.startswith(db.name)]
    backups = db.parent / "backups"
    if backups.exists():
        files += [p for p in backups.iterdir() if p.is_file()]
    return files


def _leaks(files: list[Path]) -> list[str]:
    return [
        f"{path.name}: {word}"
        for path in files
        for word in NAME
        if word.encode() in path.read_bytes()
    ]


def _make_unit(db: Path, *init: str, env: dict[str, str], held: list | None = None) -> None:
    """A database with the child "Zebedee Quixotic", a backup and a daily copy.

    With ``held``, a connection is left open in it (as the TUI would hold one), so the
    commands' own closing does not checkpoint the WAL away; the caller closes it.
    """
    assert _cli("--db", str(db), "init", *init, env=env)[0] == 0
    if held is not None:
        held.append(cipher.connect(db, env.get("IRO_DESK_PASSPHRASE")))
    first, last = NAME
    code, out = _cli(
        "--db", str(db), "child", "add", "Z1", "--first-name", first, "--last-name", last,
        "--dob", "2015-03-01", env=env,
    )  # fmt: skip
    assert code == 0, out
    code, out = _cli("--db", str(db), "backup", env=env)
    assert code == 0, out


@pytest.fixture
def sqlcipher():
    return pytest.importorskip(
        "sqlcipher3", reason="SQLCipher (the iro-desk[encryption] extra) is not installed"
    )


def test_no_plaintext_name_in_the_database_wal_or_backups(sqlcipher, tmp_path: Path) -> None:
    db = tmp_path / "secret" / "unit.db"
    held: list = []
    _make_unit(db, "--encrypt", env={"IRO_DESK_PASSPHRASE": PASS}, held=held)
    files = _files_of(db)
    names = {p.name for p in files}
    assert "unit.db-wal" in names, names  # not checkpointed: the WAL holds the child too
    assert any(p.parent.name == "backups" for p in files), names
    assert _leaks(files) == []
    for path in files:
        if not path.name.endswith("-shm") and path.stat().st_size:
            assert path.read_bytes()[:16] != SQLITE_MAGIC, path
    held[0].close()
    # The same unit unencrypted shows the name: the search above can find it.
    plain = tmp_path / "plain" / "unit.db"
    _make_unit(plain, env={})
    assert _leaks(_files_of(plain))


def test_the_passphrase_opens_it_and_copies_stay_encrypted(sqlcipher, tmp_path: Path) -> None:
    env = {"IRO_DESK_PASSPHRASE": PASS}
    db = tmp_path / "unit.db"
    _make_unit(db, "--encrypt", env=env)
    code, out = _cli("--db", str(db), "child", "show", "Z1", "--json", env=env)
    assert code == 0 and "Zebedee" in out, out
    copy = tmp_path / "copy.db"
    assert _cli("--db", str(db), "backup", str(copy), env=env)[0] == 0
    assert copy.read_bytes()[:16] != SQLITE_MAGIC
    assert _cli("--db", str(db), "child", "edit", "Z1", "--notes", "later", env=env)[0] == 0
    code, out = _cli("--db", str(db), "restore", str(copy), env=env)
    assert code == 0 and "child: 1 rows" in out, out
    assert db.read_bytes()[:16] != SQLITE_MAGIC
    code, out = _cli("--db", str(db), "child", "show", "Z1", "--json", env=env)
    assert code == 0 and "later" not in out, out


def test_a_wrong_passphrase_is_one_line(sqlcipher, tmp_path: Path) -> None:
    db = tmp_path / "unit.db"
    _make_unit(db, "--encrypt", env={"IRO_DESK_PASSPHRASE": PASS})
    before = db.read_bytes()
    done = _subprocess("--db", str(db), "iro", "list", passphrase="not it")
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"error: {db}: wrong passphrase, or not an IRO Desk database\n"
    assert done.stdout == ""
    assert db.read_bytes() == before


def test_no_passphrase_says_it_is_encrypted(sqlcipher, tmp_path: Path) -> None:
    db = tmp_path / "unit.db"
    _make_unit(db, "--encrypt", env={"IRO_DESK_PASSPHRASE": PASS})
    done = _subprocess("--db", str(db), "iro", "list", passphrase=None)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"error: {db}: is encrypted (give the passphrase"
    )


def test_rekey_changes_the_passphrase(sqlcipher, tmp_path: Path) -> None:
    db = tmp_path / "unit.db"
    _make_unit(db, "--encrypt", env={"IRO_DESK_PASSPHRASE": PASS})
    env = {"IRO_DESK_PASSPHRASE": PASS, "IRO_DESK_NEW_PASSPHRASE": "new one"}
    code, out = _cli("--db", str(db), "rekey", env=env)
    assert code == 0, out
    code, out = _cli("--db", str(db), "iro", "list", env={"IRO_DESK_PASSPHRASE": PASS})
    assert code == 1 and "wrong passphrase" in out, out
    code, out = _cli("--db", str(db), "child", "show", "Z1", env={"IRO_DESK_PASSPHRASE": "new one"})
    assert code == 0, out
    assert _leaks([db]) == []


def test_on_a_terminal_the_passphrase_is_asked_without_echo(
    sqlcipher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from iro_desk import cli_files

    monkeypatch.delenv("IRO_DESK_PASSPHRASE", raising=False)
    monkeypatch.setattr(
        cli_files, "sys", SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True))
    )
    db = tmp_path / "unit.db"
    runner = CliRunner()
    made = runner.invoke(main, ["--db", str(db), "init", "--encrypt"], input="s3cret\ns3cret\n")
    assert made.exit_code == 0, made.output
    listed = runner.invoke(
        main, ["--user", "ada", "--db", str(db), "iro", "list"], input="s3cret\n"
    )
    assert listed.exit_code == 0, listed.output
    assert f"Passphrase for {db}" in listed.stderr and "s3cret" not in listed.output
    wrong = runner.invoke(main, ["--user", "ada", "--db", str(db), "iro", "list"], input="nope\n")
    assert wrong.exit_code == 1 and "wrong passphrase" in wrong.stderr


def test_init_never_replaces_a_database(tmp_path: Path) -> None:
    db = tmp_path / "unit.db"
    assert _cli("--db", str(db), "init")[0] == 0
    code, out = _cli("--db", str(db), "init")
    assert code == 2 and "already exists" in out, out


# --- without SQLCipher ------------------------------------------------------------------


@pytest.fixture
def no_sqlcipher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)  # import raises ImportError


def test_without_the_extra_init_encrypt_says_what_to_install(no_sqlcipher, tmp_path: Path) -> None:
    db = tmp_path / "unit.db"
    code, out = _cli("--db", str(db), "init", "--encrypt", env={"IRO_DESK_PASSPHRASE": PASS})
    assert code == 1 and "Traceback" not in out, out
    assert f"error: {db}: cannot be encrypted here; install" in out and "[encryption]" in out


def test_without_the_extra_an_encrypted_file_says_what_to_install(
    no_sqlcipher, tmp_path: Path
) -> None:
    db = tmp_path / "unit.db"
    db.write_bytes(random.Random(3).randbytes(8192))  # what an encrypted file looks like
    code, out = _cli("--db", str(db), "iro", "list", env={"IRO_DESK_PASSPHRASE": PASS})
    assert code == 1 and "Traceback" not in out, out
    assert "is encrypted, and this IRO Desk cannot open it" in out and "[encryption]" in out


def test_an_encrypted_engine_keeps_the_pragmas(sqlcipher, tmp_path: Path) -> None:
    from sqlalchemy import text

    from iro_desk.db.engine import busy_timeout_ms, make_engine, sqlite_url

    db = tmp_path / "unit.db"
    engine = make_engine(sqlite_url(db), passphrase=PASS)
    try:
        with engine.connect() as conn:
            got = {
                name: conn.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
            assert conn.connection.driver_connection.__class__.__module__.startswith("sqlcipher3")
    finally:
        engine.dispose()
    assert got == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": busy_timeout_ms(),
    }
    assert db.read_bytes()[:16] != SQLITE_MAGIC
