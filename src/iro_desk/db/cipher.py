"""Encrypted SQLite files (SQLCipher), opened through the optional ``sqlcipher3`` module.

A plain SQLite file starts with "SQLite format 3"; a SQLCipher file starts with random
bytes (its salt), so any other header is treated as "encrypted, or not a database",
and only a passphrase can tell the two apart. ``sqlcipher3`` comes with the
``iro-desk[encryption]`` extra: without it plain files work as before, and an encrypted
one is refused with a line saying what to install.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

from iro_desk.db.errors import DatabaseUnusable, NotADatabase

SQLITE_MAGIC = b"SQLite format 3\x00"
EXTRA_HINT = "install IRO Desk with encryption: pip install 'iro-desk[encryption]'"


class WrongPassphrase(NotADatabase):
    """The passphrase does not open the file (or the file is not a database at all)."""


def header(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(len(SQLITE_MAGIC))


def looks_encrypted(path: Path) -> bool:
    """True for a non-empty file without SQLite's plain header: encrypted, or not SQLite."""
    try:
        head = header(path)
    except OSError:
        return False
    return bool(head) and head != SQLITE_MAGIC


def module(where: str) -> ModuleType:
    """``sqlcipher3``, or DatabaseUnusable naming the file that needs it."""
    try:
        import sqlcipher3
    except ImportError:
        raise DatabaseUnusable(
            where, f"is encrypted, and this IRO Desk cannot open it; {EXTRA_HINT}"
        ) from None
    return sqlcipher3


def available() -> bool:
    try:
        import sqlcipher3  # noqa: F401
    except ImportError:
        return False
    return True


def quote(passphrase: str) -> str:
    """A SQL string literal (PRAGMA key takes no bound parameters)."""
    return "'" + passphrase.replace("'", "''") + "'"


def connect(path: Path, passphrase: str | None, **kwargs: Any) -> Any:
    """A DBAPI connection to ``path``: sqlite3 for a plain file, sqlcipher3 keyed first
    when a passphrase is given. The key is checked by reading the schema, so a wrong one
    fails here as WrongPassphrase rather than later in the middle of a command."""
    if passphrase is None:
        return sqlite3.connect(path, **kwargs)
    con = module(str(path)).connect(str(path), **kwargs)
    try:
        # SQLCipher logs a failed key to stderr itself; the user gets our one line instead.
        con.execute("PRAGMA cipher_log_level = NONE")
        con.execute(f"PRAGMA key = {quote(passphrase)}")
        con.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except Exception as exc:
        con.close()
        if "not a database" in str(exc).lower():
            raise wrong_passphrase(path) from None
        raise
    return con


def wrong_passphrase(path: Path) -> WrongPassphrase:
    return WrongPassphrase(str(path), "wrong passphrase, or not an IRO Desk database")


def is_error(exc: BaseException) -> bool:
    """A DBAPI error from either module (sqlcipher3's classes are not sqlite3's)."""
    if isinstance(exc, sqlite3.Error):
        return True
    try:
        import sqlcipher3
    except ImportError:
        return False
    return isinstance(exc, sqlcipher3.Error)
