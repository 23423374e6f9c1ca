"""The ``iro-desk`` command: the TUI with no subcommand, quick headless answers with one.

Headless commands never import Textual, and each imports only the services it
needs, so ``iro-desk caseload`` in a terminal answers about as fast as Python
starts. Bad input exits 2 with one line per problem naming the field.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from iro_desk.services.context import Desk
    from iro_desk.services.errors import Problem

F = TypeVar("F", bound=Callable[..., Any])


class SafePath(click.Path):
    """A click.Path that refuses a NUL with a usage error (os.stat would raise ValueError)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, str) and "\x00" in value:
            self.fail("a file name cannot contain a NUL character", param, ctx)
        return super().convert(value, param, ctx)


@dataclass
class Options:
    db: Path | None
    database_url: str | None
    user: str | None
    config: Path | None
    demo: bool
    _desk: Desk | None = None
    # An encrypted SQLite file's passphrase, asked once (cli_files.passphrase_for).
    passphrase: str | None = None
    # Only `init` may make the folder --db names: elsewhere a missing folder is a typo.
    make_folder: bool = False
    # Headless demo commands say which demo IRO they act as; the TUI asks instead.
    say_demo_iro: bool = True

    def url(self) -> str:
        from iro_desk import locations
        from iro_desk.db.engine import sqlite_url
        from iro_desk.services.errors import InvalidInput

        if self.demo and (self.db or self.database_url):
            # The demo writes only into its own file: never a database named for real use.
            raise InvalidInput.one(
                "--demo", "uses its own database; leave out --db and --database-url"
            )
        if self.database_url:
            return checked_url(self.database_url)
        if self.demo:
            return sqlite_url(locations.demo_database_path())
        if self.db is not None and not str(self.db).strip("./ "):
            # Path("") is the current folder, which SQLite cannot open (and must not chmod).
            from iro_desk.services.errors import InvalidInput

            raise InvalidInput.one("--db", "give the database file's name")
        return sqlite_url(self.db or locations.default_database_path())

    def uses_own_folders(self) -> bool:
        """True for the default or demo database, which live in folders IRO Desk made."""
        return not (self.db or self.database_url)

    def desk(self, *, make_demo: bool = True) -> Desk:
        if self._desk is None:
            from iro_desk import locations
            from iro_desk.config import load_settings, os_user
            from iro_desk.db.engine import permission_warnings, sqlite_path
            from iro_desk.services.context import Ctx, open_desk

            settings = load_settings(self.config or locations.config_path())
            from iro_desk import clock

            clock.set_zone(settings.timezone)  # before "today" is first asked
            # An explicit but empty --user is a mistake, not a request for the default.
            given = self.user if self.user is not None else settings.user
            user = checked_user(given if given is not None else os_user())
            url = self.url()
            if self.db is not None and not self.make_folder:
                from iro_desk.db.engine import missing_folder
                from iro_desk.services.errors import InvalidInput

                reason = missing_folder(self.db)
                if reason:
                    raise InvalidInput.one("--db", reason)
            if self.uses_own_folders():
                locations.tighten_own_folders()
            path = sqlite_path(url)
            existed = path is not None and path.is_file() and path.stat().st_size > 0
            if existed and self.passphrase is None:
                from iro_desk.cli_files import passphrase_for

                self.passphrase = passphrase_for(path)
            self._desk = open_desk(
                url, Ctx(user=user, settings=settings), notify=_note, passphrase=self.passphrase
            )
            for line in permission_warnings(path) if path is not None else []:
                click.echo(f"warning: {line}", err=True)
            if existed:
                _daily_backup(path, self.passphrase)
            if self.demo and make_demo:
                ensure_demo(self._desk)
                if not self.user:
                    _act_as_first_iro(self._desk, say=self.say_demo_iro)
        return self._desk

    def close(self) -> None:
        """Close the database the command opened (a later ``desk()`` opens it again)."""
        if self._desk is not None:
            self._desk.engine.dispose()
            self._desk = None


@contextmanager
def opened_desk(*, make_demo: bool = True) -> Iterator[Desk]:
    """The one way a command opens the desk: from the group's options, closed at the end.

    ``with opened_desk() as desk, desk.write() as session: ...``
    """
    opts = get_opts()
    desk = opts.desk(make_demo=make_demo)
    try:
        yield desk
    finally:
        opts.close()


def _daily_backup(path: Path, passphrase: str | None) -> None:
    """The first start of each day copies an existing database to backups/ (and rotates
    them); if the copy cannot be made the work goes on, with a warning."""
    from iro_desk.db.backups import daily_backup
    from iro_desk.db.errors import DatabaseUnusable

    try:
        daily_backup(path, passphrase)
    except DatabaseUnusable as exc:
        click.echo(f"warning: {exc}; the work goes on without it", err=True)


def _note(line: str) -> None:
    click.echo(f"note: {line}", err=True)


# The width of the created_by/updated_by columns every write stamps with the user.
USER_MAX = 100


def checked_url(url: str) -> str:
    """A URL SQLAlchemy can parse; a malformed one (a port that is not a number) is
    reported like any other unusable URL."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url)
    except ValueError as exc:
        raise ArgumentError(f"not a database URL ({exc})") from None
    return url


def checked_user(user: str) -> str:
    """Refuse a user name no write could store, before any write is tried."""
    from iro_desk.services.validate import Checker

    check = Checker()
    user = check.text("--user", user, required=True, max_len=USER_MAX)
    check.done()
    return user


def undecodable_arguments(ctx: click.Context) -> list[str]:
    """The arguments (of the command and its groups) that were not valid UTF-8.

    Python hands such bytes over as lone surrogates, which no database or terminal
    can encode; name the argument instead of failing deep inside a write.
    """
    bad = []
    while ctx is not None:
        for param in ctx.command.params:
            value = ctx.params.get(param.name or "")
            if isinstance(value, str | Path) and _has_surrogates(str(value)):
                bad.append(f"{_param_label(param)}: is not valid UTF-8 text")
        ctx = ctx.parent  # type: ignore[assignment]
    return bad


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def _param_label(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name or "argument"


def field_options(**fields: str) -> Callable[[F], F]:
    """Name the command's option (or argument) that feeds a service's field, when their names
    differ (``duty_iro="iro_name"``), so an error names what the user typed."""

    def mark(fn: F) -> F:
        fn.__iro_field_options__ = fields  # type: ignore[attr-defined]
        return fn

    return mark


def problem_line(problem: Problem, ctx: click.Context | None) -> str:
    """``field: reason`` with the field as the user knows it: the option they typed
    (``--mc-dob``), the argument, or the field's words, never an internal name."""
    if problem.where:
        return str(problem)  # a file's row: the column as the file names it
    return f"{cli_field(problem.field, ctx)}: {problem.reason}"


def cli_field(field: str, ctx: click.Context | None) -> str:
    if field.startswith("-") or field.isupper():
        return field  # already an option, or a national column name (UPN, MC_DOB)
    last = field.rsplit(".", 1)[-1]
    while ctx is not None:
        aliases = getattr(ctx.command.callback, "__iro_field_options__", {})
        name = aliases.get(last, last)
        flag = "--" + name.replace("_", "-")
        for param in ctx.command.params:
            if param.name == name or flag in getattr(param, "opts", ()):
                return _param_label(param)
        ctx = ctx.parent
    return last.replace("_", " ")


def _database_error(exc: Exception) -> str:
    """One line about a database that cannot be reached or named; never the URL itself,
    which may hold a password."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"database: {detail[0] if detail else type(exc).__name__}"


def fail(lines: list[str], code: int = 2) -> None:
    for line in lines:
        click.echo(f"error: {line}", err=True)
    sys.exit(code)


def handles_errors(fn: F) -> F:
    """Turn a user's mistake into 'error: field: reason' lines and exit 2, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from iro_desk.clock import BadClock
        from iro_desk.config import ConfigError
        from iro_desk.db.errors import DatabaseUnusable
        from iro_desk.db.migrate import MigrationRefused, SchemaTooNew
        from iro_desk.services.errors import InvalidInput

        bad = undecodable_arguments(click.get_current_context())
        if bad:
            fail(bad)
        from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

        try:
            return fn(*args, **kwargs)
        except InvalidInput as exc:
            ctx = click.get_current_context()
            fail([problem_line(p, ctx) for p in exc.problems])
        except ConfigError as exc:
            fail([f"config: {exc}"])
        except (SchemaTooNew, MigrationRefused) as exc:
            fail([f"database: {exc}"], code=1)
        except DatabaseUnusable as exc:  # the file or the disk, not the user's input
            fail([str(exc)], code=1)
        except BadClock as exc:
            fail([str(exc)], code=1)
        except OSError as exc:
            fail([f"{exc.filename or 'file'}: {exc.strerror or exc}"], code=1)
        except (OperationalError, InterfaceError) as exc:
            # An unreachable server, a refused login, a missing database.
            fail([_database_error(exc)], code=1)
        except ArgumentError as exc:
            # A URL SQLAlchemy cannot use (NoSuchModuleError for an unknown scheme).
            fail([f"--database-url: {_database_error(exc).removeprefix('database: ')}"], code=1)

    return wrapper  # type: ignore[return-value]


def echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def console():
    from rich.console import Console

    return Console(highlight=False)


# --- the group ---------------------------------------------------------------------


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=SafePath(dir_okay=False, path_type=Path), help="SQLite file to use.")
@click.option(
    "--database-url",
    envvar="IRO_DESK_DATABASE_URL",
    help="A database URL (e.g. postgresql://user@host/db); also IRO_DESK_DATABASE_URL.",
)
@click.option("--user", help="Who is working (default: the config's user, else the OS user).")
@click.option("--config", type=SafePath(dir_okay=False, path_type=Path), help="Config TOML.")
@click.option(
    "--demo", is_flag=True, help="Use the demo unit (its own database; made on first use)."
)
@click.version_option(package_name="iro-desk")
@click.pass_context
def main(
    ctx: click.Context,
    db: Path | None,
    database_url: str | None,
    user: str | None,
    config: Path | None,
    demo: bool,
) -> None:
    """IRO Desk: the Independent Reviewing Officer's desk in a terminal.

    With no command it opens the full-screen application.

    \b
    Example:
      iro-desk --demo
      iro-desk caseload --overdue
    """
    ctx.obj = Options(db, database_url, user, config, demo)
    _use_local_zone(config)
    if ctx.invoked_subcommand is None:
        run_tui(ctx.obj)


def _use_local_zone(config: Path | None) -> None:
    """The unit's time zone, before any command reads "today" (its dates are local days).
    A bad config is left for the desk to report, with the usual one line."""
    from contextlib import suppress

    from iro_desk import clock, locations
    from iro_desk.config import ConfigError, load_settings

    with suppress(ConfigError):
        clock.set_zone(load_settings(config or locations.config_path()).timezone)


@handles_errors
def run_tui(opts: Options) -> None:
    from iro_desk.app import run

    opts.say_demo_iro = False  # the desk asks which demo IRO, and shows it
    with opened_desk() as desk:
        run(desk, demo=opts.demo)


def ensure_demo(desk: Desk) -> None:
    """The demo database is made the first time anyone asks for it."""
    from iro_desk.services.demo import generate_demo, is_empty

    with desk.read() as session:
        empty = is_empty(session)
    if empty:
        click.echo("Making the demo unit (fictional children; first use only)...", err=True)
        with desk.write() as session:
            generate_demo(session, desk.ctx)


def _act_as_first_iro(desk: Desk, *, say: bool) -> None:
    from iro_desk.services.iros import list_iros

    with desk.read() as session:
        iros = list_iros(session, active_only=True)
    if iros:
        desk.ctx.user = iros[0].name
        if say:  # who the command acts as is never left unsaid: it stamps what is written
            click.echo(
                f"demo: acting as the demo IRO {iros[0].name} (--user NAME to act as another)",
                err=True,
            )


def get_opts() -> Options:
    return click.get_current_context().find_object(Options)


# --- commands by area, in sibling modules that share the group's options and errors ---

from iro_desk import (  # noqa: E402
    cli_audit,
    cli_caseload,
    cli_children,
    cli_demo,
    cli_duty,
    cli_files,
    cli_report,
    cli_sync,
)

_MODULES = (
    cli_caseload,
    cli_children,
    cli_duty,
    cli_demo,
    cli_report,
    cli_sync,
    cli_files,
    cli_audit,
)
for _module in _MODULES:
    for _command in _module.COMMANDS:
        main.add_command(_command)

from iro_desk.cli_ssda903 import register as _register_ssda903  # noqa: E402

_register_ssda903(main)  # after the child group: it adds `child 903`

import iro_desk.cli_bundle  # noqa: E402, F401  (export bundle, import bundle)
import iro_desk.cli_enquiries  # noqa: E402, F401  (duty enquiries, duty update, duty close)
