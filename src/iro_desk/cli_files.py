"""The database file's own commands: ``init``, ``backup``, ``restore`` and ``rekey``.

Registered on the main group by cli.py; they share its options and error handling.
Also where a passphrase comes from: ``IRO_DESK_PASSPHRASE``, or a hidden prompt when
stdin is a terminal (the TUI asks the same way, before the full screen starts).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from iro_desk.cli import SafePath, get_opts, handles_errors, opened_desk

PASSPHRASE_ENV = "IRO_DESK_PASSPHRASE"
NEW_PASSPHRASE_ENV = "IRO_DESK_NEW_PASSPHRASE"


# --- passphrases -----------------------------------------------------------------------


def ask_passphrase(
    path: Path, *, env: str = PASSPHRASE_ENV, label: str = "Passphrase", confirm: bool = False
) -> str | None:
    """The passphrase from ``env``, else asked without echo on a terminal, else None
    (a script without the variable gets the "give the passphrase" error)."""
    given = os.environ.get(env)
    if given:
        return given
    if not sys.stdin.isatty():
        return None
    return click.prompt(
        f"{label} for {path}", hide_input=True, confirmation_prompt=confirm, err=True
    )


def passphrase_for(path: Path) -> str | None:
    """None for a plain (or new) SQLite file; the passphrase for an encrypted one."""
    from iro_desk.db import cipher

    return ask_passphrase(path) if cipher.looks_encrypted(path) else None


def _required(value: str | None, env: str, what: str) -> str:
    from iro_desk.services.errors import InvalidInput

    if not value:
        raise InvalidInput.one(env, f"give {what} (set {env}, or run in a terminal to be asked)")
    return value


def _sqlite_file(command: str) -> Path:
    """The SQLite file the options name; PostgreSQL is refused with one line."""
    from iro_desk.db.engine import sqlite_path
    from iro_desk.db.errors import DatabaseUnusable

    opts = get_opts()
    url = opts.url()
    path = sqlite_path(url)
    if path is None:
        from sqlalchemy.engine import make_url

        where = make_url(url).render_as_string(hide_password=True)
        raise DatabaseUnusable(
            where,
            f"is a PostgreSQL database: `iro-desk {command}` works on SQLite files; the "
            "PostgreSQL server's own backups (pg_dump, the host's snapshots) apply",
        )
    return path


# --- init -----------------------------------------------------------------------------


@click.command("init")
@click.option("--encrypt", is_flag=True, help="Encrypt the new database (SQLCipher).")
@handles_errors
def init_cmd(encrypt: bool) -> None:
    """Make a new, empty database at --db (or the default place).

    With --encrypt the file is encrypted with SQLCipher under a passphrase from
    IRO_DESK_PASSPHRASE, or asked twice on the terminal. Without the passphrase no one,
    including you, can read it again: keep it somewhere safe.

    \b
    Example:
      iro-desk --db ~/iro/unit.db init --encrypt
    """
    from iro_desk.db import cipher
    from iro_desk.db.errors import DatabaseUnusable
    from iro_desk.services.errors import InvalidInput

    path = _sqlite_file("init")
    if path.exists() and path.stat().st_size > 0:
        raise InvalidInput.one(
            "--db", f"{path} already exists; init makes a new database and never replaces one"
        )
    opts = get_opts()
    opts.make_folder = True  # a new database may go into a new folder
    if encrypt:
        if not cipher.available():
            raise DatabaseUnusable(str(path), f"cannot be encrypted here; {cipher.EXTRA_HINT}")
        opts.passphrase = _required(
            ask_passphrase(path, confirm=True), PASSPHRASE_ENV, "a passphrase for the new database"
        )
    with opened_desk(make_demo=False):
        pass  # opening makes the schema (and encrypts the new file)
    how = "encrypted with SQLCipher" if encrypt else "not encrypted"
    click.echo(f"Made {path} ({how}).")


# --- backup and restore -----------------------------------------------------------------


@click.command("backup")
@click.argument("target", required=False, type=SafePath(dir_okay=False, path_type=Path))
@handles_errors
def backup_cmd(target: Path | None) -> None:
    """Copy the database, checked, to TARGET (default: backups/ beside it).

    The copy is taken through SQLite's backup API, so it is consistent even while
    IRO Desk is in use; it is private (0600) and, for an encrypted database, encrypted
    under the same passphrase. A PostgreSQL database is the server's to back up.

    \b
    Example:
      iro-desk backup ~/usb/unit-2026-11-27.db
    """
    from iro_desk.db import backups
    from iro_desk.services.errors import InvalidInput

    path = _sqlite_file("backup")
    if target is not None and target.exists():
        raise InvalidInput.one("TARGET", f"{target} already exists; a backup never replaces a file")
    opts = get_opts()
    # Opened first, so the file is checked, unlocked and up to date before the copy.
    with opened_desk(make_demo=False):
        made = backups.take_backup(
            path, target or backups.backup_name(path, backups.MANUAL), opts.passphrase, "the backup"
        )
    encrypted = "encrypted, " if opts.passphrase else ""
    click.echo(f"Backed up {path} to {made} ({encrypted}integrity_check ok).")


@click.command("restore")
@click.argument("source", type=SafePath(dir_okay=False, path_type=Path))
@handles_errors
def restore_cmd(source: Path) -> None:
    """Replace the database with the copy SOURCE, checked first.

    The copy must pass integrity_check and be an IRO Desk database. The current file is
    kept beside it as NAME.before-restore-TIME (never deleted). Close IRO Desk on this
    database first.

    \b
    Example:
      iro-desk restore ~/usb/unit-2026-11-27.db
    """
    from iro_desk.db import backups
    from iro_desk.db.migrate import HEAD_REVISION
    from iro_desk.services.errors import InvalidInput

    path = _sqlite_file("restore")
    if path.exists() and source.exists() and os.path.samefile(source, path):
        raise InvalidInput.one("SOURCE", "is the database itself; give a backup")
    result = backups.restore(source, path, passphrase_for(source), HEAD_REVISION)
    for line in result.lines():
        click.echo(line)


# --- rekey ----------------------------------------------------------------------------


@click.command("rekey")
@handles_errors
def rekey_cmd() -> None:
    """Change an encrypted database's passphrase.

    The current one from IRO_DESK_PASSPHRASE (or asked), the new one from
    IRO_DESK_NEW_PASSPHRASE (or asked twice). Backups made before keep the old one.

    \b
    Example:
      iro-desk --db ~/iro/unit.db rekey
    """
    from iro_desk.db import cipher
    from iro_desk.db.engine import check_sqlite_file
    from iro_desk.db.errors import DatabaseUnusable

    path = _sqlite_file("rekey")
    if not cipher.looks_encrypted(path):
        raise DatabaseUnusable(
            str(path),
            "is not encrypted; rekey changes the passphrase of an encrypted database "
            "(make one with `iro-desk init --encrypt`)",
        )
    old = _required(ask_passphrase(path), PASSPHRASE_ENV, "the current passphrase")
    check_sqlite_file(path, old)  # a wrong passphrase stops here, before asking the new one
    new = _required(
        ask_passphrase(path, env=NEW_PASSPHRASE_ENV, label="New passphrase", confirm=True),
        NEW_PASSPHRASE_ENV,
        "the new passphrase",
    )
    con = cipher.connect(path, old)
    try:
        con.execute(f"PRAGMA rekey = {cipher.quote(new)}")
    finally:
        con.close()
    cipher.connect(path, new).close()  # the new passphrase opens it, or WrongPassphrase
    click.echo(f"Changed the passphrase of {path}; backups made before keep the old one.")


COMMANDS = (init_cmd, backup_cmd, restore_cmd, rekey_cmd)
