"""A database that cannot be used as it stands: the environment's problem, not a typo.

Each error names the file (or the server, password hidden) and the reason in words a
user can act on; the CLI prints it as one ``error:`` line and exits 1.
"""

from __future__ import annotations


class DatabaseUnusable(RuntimeError):
    """The database cannot be opened, read or written as asked; nothing was changed."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class NotADatabase(DatabaseUnusable):
    """The file is not a SQLite database at all (another kind of file, or a broken header)."""


class NotIroDeskDatabase(DatabaseUnusable):
    """A database with tables, but not IRO Desk's (another program's)."""


class DatabaseDamaged(DatabaseUnusable):
    """SQLite's own check found the file damaged (truncated, overwritten)."""


class DatabaseReadOnly(DatabaseUnusable):
    """The file or its folder cannot be written, and the command writes."""


class DatabaseBusy(DatabaseUnusable):
    """Another write (an import, say) held the database for longer than we wait."""


class DiskFull(DatabaseUnusable):
    """The disk (or the database's size limit) is full."""


class BackupFailed(DatabaseUnusable):
    """The copy taken before a schema upgrade could not be made whole; no upgrade ran."""
