"""Where IRO Desk keeps its files (platformdirs), kept apart for real and demo data."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "iro-desk"


def _dirs():  # platformdirs is only needed when no explicit path was given
    from platformdirs import PlatformDirs

    return PlatformDirs(APP_NAME, appauthor=False)


def data_dir() -> Path:
    override = os.environ.get("IRO_DESK_DATA_DIR")
    return Path(override) if override else Path(_dirs().user_data_dir)


def config_path() -> Path:
    override = os.environ.get("IRO_DESK_CONFIG")
    return Path(override) if override else Path(_dirs().user_config_dir) / "config.toml"


def default_database_path() -> Path:
    return data_dir() / "iro-desk.db"


def demo_database_path() -> Path:
    """The demo unit lives in its own file so fictional children never mix with real ones."""
    return data_dir() / "demo" / "iro-desk-demo.db"


def own_folders() -> list[Path]:
    """The folders IRO Desk itself makes (not ones a user picked with --db)."""
    return [data_dir(), demo_database_path().parent]


def tighten_own_folders() -> None:
    """Make our folders 0700 again: an older IRO Desk left the data folder 0755 when
    ``--demo`` ran first (mkdir's mode covers only the last folder it makes)."""
    for folder in own_folders():
        try:
            if folder.stat().st_mode & 0o077:
                folder.chmod(0o700)
        except FileNotFoundError:
            continue


def backups_dir(database: Path) -> Path:
    return database.parent / "backups"


def reports_dir(*, demo: bool = False) -> Path:
    """Where the desk writes report documents; the demo unit's stay beside its database."""
    return (demo_database_path().parent if demo else data_dir()) / "reports"
