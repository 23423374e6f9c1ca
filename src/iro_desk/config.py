"""Local settings from a TOML file: the timescales marked *setting* in docs/domain.md,
the child population used for rates, and the name of the current user.

Example ``config.toml``::

    user = "Ann Example"
    child_population = 29000
    timezone = "Europe/London"  # times typed and shown, and "today", are this zone's

    [timescales]
    compliance_response_wd = 10
    resolution_stage_wd = 20
    short_break_series_months = 12  # reg 48: a series of short breaks ends after this gap
"""

from __future__ import annotations

import getpass
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from iro_desk.clock import DEFAULT_ZONE, zone_named
from iro_desk.rules.timescales import Timescales


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


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def load_settings(path: Path | None) -> Settings:
    if path is None or not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 text (byte {exc.start})") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    known = {"timescales", "child_population", "user", "server_url", "timezone"}
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
    return Settings(timescales, population, user, path, server_url, timezone)
