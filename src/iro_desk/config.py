"""Local settings from a TOML file: the timescales marked *setting* in docs/domain.md,
the child population used for rates, and the name of the current user.

Example ``config.toml``::

    user = "Ann Example"
    child_population = 29000
    timezone = "Europe/London"  # times typed and shown, and "today", are this zone's
    theme = "nord"  # the look; the desk writes it when a theme is chosen (Ctrl+P)

    [timescales]
    compliance_response_wd = 10
    resolution_stage_wd = 20
    short_break_series_months = 12  # reg 48: a series of short breaks ends after this gap
"""

from __future__ import annotations

import getpass
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from iro_desk.clock import DEFAULT_ZONE, zone_named
from iro_desk.rules.timescales import Timescales
from iro_desk.services.private_files import write_text_privately


class ConfigError(ValueError):
    """The config file is unreadable or holds a bad value; the message names it."""


@dataclass(frozen=True)
class Settings:
    timescales: Timescales = field(default_factory=Timescales)
    child_population: int | None = None
    user: str | None = None
    source: Path | None = None
    server_url: str | None = None  # the unit's PostgreSQL server, for `sync`
    timezone: str = DEFAULT_ZONE  # the unit's local time (an IANA name)
    theme: str | None = None  # the TUI's theme; None: Textual's default


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def load_settings(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    if not path.exists():
        return Settings(source=path)  # where a chosen theme is written
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 text (byte {exc.start})") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    known = {"timescales", "child_population", "user", "server_url", "timezone", "theme"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{path}: {unknown[0]}: unknown setting")
    try:
        timescales = Timescales.from_mapping(data.get("timescales", {}))
    except ValueError as exc:
        raise ConfigError(f"{path}: timescales.{exc}") from exc
    population = data.get("child_population")
    if population is not None and (not isinstance(population, int) or population <= 0):
        raise ConfigError(f"{path}: child_population: must be a positive whole number")
    user = data.get("user")
    if user is not None and (not isinstance(user, str) or not user.strip()):
        raise ConfigError(f"{path}: user: must be a non-empty name")
    server_url = data.get("server_url")
    if server_url is not None and not isinstance(server_url, str):
        raise ConfigError(f"{path}: server_url: must be a postgresql:// URL")
    timezone = data.get("timezone", DEFAULT_ZONE)
    try:
        zone_named(timezone if isinstance(timezone, str) else repr(timezone))
    except ValueError as exc:
        raise ConfigError(f"{path}: timezone: {exc}") from None
    theme = data.get("theme")
    if theme is not None and (not isinstance(theme, str) or not theme.strip()):
        raise ConfigError(f'{path}: theme: must be the name of a theme, such as "nord"')
    return Settings(timescales, population, user, path, server_url, timezone, theme)


def check_theme(settings: Settings, available: Iterable[str]) -> None:
    """The configured theme must be one the app has (the app knows its themes)."""
    names = sorted(available)
    if settings.theme is not None and settings.theme not in names:
        where = f"{settings.source}: " if settings.source else ""
        raise ConfigError(
            f"{where}theme: {settings.theme!r} is not a theme here; one of: {', '.join(names)}"
        )


_THEME_LINE = re.compile(r"^theme\s*=")


def save_theme(path: Path, theme: str) -> None:
    """Write ``theme = "..."`` into the settings file, keeping every other line as it is
    (comments too). The file is replaced whole, and only once it reads back the same with
    just the theme changed."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    lines = text.splitlines(keepends=True)
    # A top-level setting goes before the first [table].
    end = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
    new = f"theme = {json.dumps(theme)}\n"
    at = next((i for i in range(end) if _THEME_LINE.match(lines[i])), None)
    if at is not None:
        lines[at] = new
    else:
        if end > 0 and not lines[end - 1].endswith("\n"):
            lines[end - 1] += "\n"
        lines.insert(end, new)
    written = "".join(lines)
    try:
        after = tomllib.loads(written)
    except tomllib.TOMLDecodeError:
        after = {}
    if after != {**before, "theme": theme}:
        raise ConfigError(f"{path}: theme: could not be written without changing other lines")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Whole or not at all, and private: a config may hold the unit's server URL.
    write_text_privately(path, written)
