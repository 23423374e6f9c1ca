"""Copies of a SQLite database: taken online, checked, rotated, and restored.

Every copy goes through SQLite's backup API (a consistent snapshot even while the
database is in use, WAL included), never a file copy of a live database. It is
written under a hidden temporary name, checked with ``PRAGMA integrity_check`` and for
IRO Desk's schema version, synced, and only then renamed, so a file with a backup's
name is always a good backup. An encrypted database is copied between two connections
keyed with the same passphrase, so the copy is encrypted too.

Names in ``backups/`` beside the database: ``{stem}-{label}-{YYYYMMDDTHHMMSSZ}{suffix}``.
The label is ``daily`` (first start of each day), the schema revision for the copy made
before an upgrade (``iro-desk-0004-...``), or ``manual`` (``iro-desk backup``).
Rotation keeps the newest copy of each of the last 7 days that have one and, older
than those, the newest of each of the last 4 ISO weeks; daily and pre-upgrade copies
take part, manual ones are the user's and are never deleted.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from iro_desk import clock
from iro_desk.db import cipher
from iro_desk.db.engine import create_private_file, make_private_dirs
from iro_desk.db.errors import (
    BackupFailed,
    DatabaseDamaged,
    DatabaseUnusable,
    NotADatabase,
    NotIroDeskDatabase,
)

KEEP_DAILY = 7
KEEP_WEEKLY = 4
STAMP = "%Y%m%dT%H%M%SZ"
DAILY = "daily"
MANUAL = "manual"


def backups_folder(path: Path) -> Path:
    return path.parent / "backups"


def backup_name(path: Path, label: str, when: datetime | None = None) -> Path:
    """A free name for a copy taken now. Names are stamped to the second, so a second
    copy within the same second (an upgrade retried at once) is stamped a second later."""
    moment = when or clock.now()
    while True:
        target = backups_folder(path) / f"{path.stem}-{label}-{moment.strftime(STAMP)}{path.suffix}"
        if not target.exists():
            return target
        moment += timedelta(seconds=1)


# --- taking a copy ---------------------------------------------------------------------


def copy_checked(
    source: Path, target: Path, passphrase: str | None, revision: str | None = None
) -> str:
    """Copy ``source`` to the new file ``target`` whole and checked, or raise (and leave
    no ``target``). Returns the schema revision the copy holds.

    Raises OSError, ValueError or the DBAPI's error; callers say what failed in words.
    """
    partial = target.with_name(f".{target.name}.partial")
    if target.exists():
        raise FileExistsError(f"{target} already exists; a backup never replaces a file")
    try:
        make_private_dirs(target.parent)
        partial.unlink(missing_ok=True)  # left by a kill during an earlier attempt
        create_private_file(partial)
        copy_sqlite(source, partial, passphrase)
        found = verify_copy(partial, passphrase, revision)
        fsync(partial)
        os.replace(partial, target)
        fsync(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return found


def copy_sqlite(source: Path, target: Path, passphrase: str | None) -> None:
    """A consistent copy through SQLite's backup API (safe while others read and write)."""
    src = cipher.connect(source, passphrase)
    try:
        dst = cipher.connect(target, passphrase)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def verify_copy(copy: Path, passphrase: str | None, revision: str | None = None) -> str:
    """ValueError unless ``copy`` passes integrity_check and holds IRO Desk's schema
    version (``revision`` exactly, when given). Returns the revision."""
    con = cipher.connect(copy, passphrase)
    try:
        check = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
        if check != ["ok"]:
            raise ValueError(f"the copy fails integrity_check: {check[0] if check else '?'}")
        # An empty file passes integrity_check; the schema version it must carry does not.
        found = _revision(con)
        if found is None or (revision is not None and found != revision):
            raise ValueError("the copy does not hold the database's schema version")
        return found
    finally:
        con.close()


def _revision(con: Any) -> str | None:
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except Exception as exc:
        if cipher.is_error(exc):
            return None  # no such table: not (yet) an IRO Desk database
        raise
    return row[0] if row else None


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def take_backup(
    path: Path,
    target: Path,
    passphrase: str | None,
    why: str,
    *,
    revision: str | None = None,
    then: str = "no backup was made",
) -> Path:
    """A checked copy of ``path`` at ``target``, or BackupFailed naming ``why`` and ``then``."""
    try:
        copy_checked(path, target, passphrase, revision)
    except DatabaseUnusable:
        raise
    except Exception as exc:
        if not isinstance(exc, OSError | ValueError) and not cipher.is_error(exc):
            raise
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BackupFailed(str(path), f"{why} failed ({reason}); {then}") from exc
    return target


# --- daily copies and rotation -------------------------------------------------------


@dataclass(frozen=True)
class Backup:
    path: Path
    label: str
    when: datetime


def rotated_backups(path: Path) -> list[Backup]:
    """The copies rotation looks after (daily and pre-upgrade), oldest first."""
    pattern = re.compile(
        rf"^{re.escape(path.stem)}-(?P<label>{DAILY}|\d{{4}})-(?P<stamp>\d{{8}}T\d{{6}}Z)"
        rf"{re.escape(path.suffix)}$"
    )
    found = []
    try:
        entries = list(backups_folder(path).iterdir())
    except OSError:
        return []
    for entry in entries:
        match = pattern.match(entry.name)
        if match and entry.is_file():
            when = datetime.strptime(match["stamp"], STAMP).replace(tzinfo=UTC)
            found.append(Backup(entry, match["label"], when))
    return sorted(found, key=lambda b: (b.when, b.path.name))


def to_keep(backups: list[Backup], daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY) -> set[Path]:
    """The newest copy of each of the last ``daily`` days, then, among older copies, the
    newest of each of the last ``weekly`` ISO weeks."""
    by_day: dict = {}
    for backup in backups:  # oldest first: the newest of each day wins
        by_day[backup.when.date()] = backup
    days = sorted(by_day, reverse=True)
    keep = {by_day[day].path for day in days[:daily]}
    by_week: dict = {}
    for day in sorted(days[daily:]):
        by_week[day.isocalendar()[:2]] = by_day[day]
    keep |= {by_week[week].path for week in sorted(by_week, reverse=True)[:weekly]}
    return keep


def rotate(path: Path) -> list[Path]:
    """Delete the daily and pre-upgrade copies rotation no longer keeps; returns them."""
    backups = rotated_backups(path)
    keep = to_keep(backups)
    removed = []
    for backup in backups:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def has_backup_today(path: Path) -> bool:
    today = clock.today()
    return any(b.when.date() == today for b in rotated_backups(path))


def daily_backup(path: Path, passphrase: str | None) -> Path | None:
    """Today's copy, if there is none yet (a pre-upgrade copy made today counts), then
    rotation. Cheap when today's copy exists: one folder listing."""
    if has_backup_today(path):
        return None
    made = take_backup(path, backup_name(path, DAILY), passphrase, "today's backup")
    rotate(path)
    return made


# --- restoring ---------------------------------------------------------------------------


@dataclass
class Restored:
    database: Path
    source: Path
    revision: str
    kept_aside: Path | None
    counts: dict[str, int]

    def lines(self) -> list[str]:
        aside = (
            f"the file it replaced is kept as {self.kept_aside}"
            if self.kept_aside
            else "there was no file to replace"
        )
        out = [f"Restored {self.database} from {self.source} (schema {self.revision}); {aside}."]
        out += [f"  {table}: {count} rows" for table, count in self.counts.items()]
        return out


def check_restorable(copy: Path, passphrase: str | None, head: str) -> str:
    """The copy's schema revision, or DatabaseUnusable saying why it cannot be restored."""
    where = str(copy)
    nothing = "; nothing was restored"
    if not copy.is_file():
        raise DatabaseUnusable(where, f"there is no such file{nothing}")
    if cipher.looks_encrypted(copy) and passphrase is None:
        raise NotADatabase(
            where,
            "is encrypted (give the passphrase in IRO_DESK_PASSPHRASE), or is not a "
            f"SQLite database{nothing}",
        )
    if not cipher.looks_encrypted(copy):
        passphrase = None
    if copy.stat().st_size == 0:
        raise NotIroDeskDatabase(where, f"is empty, not an IRO Desk database{nothing}")
    try:
        return _check_revision(copy, passphrase, head)
    except DatabaseUnusable:
        raise
    except ValueError as exc:
        raise DatabaseDamaged(where, f"{exc}{nothing}") from exc
    except Exception as exc:
        if not cipher.is_error(exc):
            raise
        raise DatabaseDamaged(where, f"cannot be read as a database ({exc}){nothing}") from exc


def _check_revision(copy: Path, passphrase: str | None, head: str) -> str:
    con = cipher.connect(copy, passphrase)
    try:
        check = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
        if check != ["ok"]:
            raise ValueError(f"the copy fails integrity_check: {check[0] if check else '?'}")
        revision = _revision(con)
    finally:
        con.close()
    if revision is None or not revision.isdigit():
        raise NotIroDeskDatabase(
            str(copy),
            "is not an IRO Desk database (no IRO Desk schema version); nothing was restored",
        )
    if int(revision) > int(head):
        raise DatabaseUnusable(
            str(copy),
            f"was written by a newer IRO Desk (schema {revision}, this one knows {head}); "
            "nothing was restored",
        )
    return revision


def restore(copy: Path, database: Path, passphrase: str | None, head: str) -> Restored:
    """Put a checked copy of ``copy`` in place of ``database``.

    The current file (with its -wal and -shm) is kept beside it, renamed with the time,
    never deleted; the new file takes the name in one rename. IRO Desk should not be
    running on the database meanwhile.
    """
    if not cipher.looks_encrypted(copy):
        passphrase = None
    revision = check_restorable(copy, passphrase, head)
    stamp = clock.now().strftime(STAMP)
    incoming = database.with_name(f".{database.name}.restoring-{stamp}")
    try:
        copy_checked(copy, incoming, passphrase, revision)
    except Exception as exc:
        if not isinstance(exc, OSError | ValueError) and not cipher.is_error(exc):
            raise
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BackupFailed(
            str(database), f"copying {copy} failed ({reason}); nothing was restored"
        ) from exc
    aside = _keep_aside(database, stamp)
    os.replace(incoming, database)
    fsync(database.parent)
    return Restored(database, copy, revision, aside, count_rows(database, passphrase))


def _keep_aside(database: Path, stamp: str) -> Path | None:
    """Keep the current file under a dated name: a hard link, so the database's own name
    is never missing; its -wal (recent writes) and -shm move with it."""
    if not database.exists():
        return None
    aside = database.with_name(f"{database.name}.before-restore-{stamp}")
    try:
        os.link(database, aside)
    except OSError:
        copy_file(database, aside)  # a file system without hard links
    for side in ("-wal", "-shm"):
        extra = database.with_name(database.name + side)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + side))
    return aside


def copy_file(source: Path, target: Path) -> None:
    """A byte copy, used only for a file no one has open (the one being replaced)."""
    create_private_file(target)
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())


def count_rows(database: Path, passphrase: str | None) -> dict[str, int]:
    """Rows per table (every table but SQLite's own), by name."""
    con = cipher.connect(database, passphrase if cipher.looks_encrypted(database) else None)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()
