"""The ``iro-desk`` command: the TUI with no subcommand, quick headless answers with one.

Headless commands never import Textual, and each imports only the services it
needs, so ``iro-desk caseload`` in a terminal answers about as fast as Python
starts. Bad input exits 2 with one line per problem naming the field.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from iro_desk.services.context import Desk

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
            # An explicit but empty --user is a mistake, not a request for the default.
            given = self.user if self.user is not None else settings.user
            user = checked_user(given if given is not None else os_user())
            url = self.url()
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
                    _act_as_first_iro(self._desk)
        return self._desk


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
    return param.name or "argument"


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
            fail([str(p) for p in exc.problems])
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


def parse_date_option(_ctx: click.Context, param: click.Parameter, value: str | None):
    if value is None:
        return None
    from iro_desk.services.errors import InvalidInput
    from iro_desk.services.validate import parse_date

    try:
        day = parse_date(param.name or "date", value)
    except InvalidInput as exc:
        raise click.BadParameter(exc.problems[0].reason) from None
    if param.name == "as_of":
        # Deadlines are counted forward from it: keep it where date arithmetic cannot overflow.
        from iro_desk.rules.plausible import AS_OF, date_problem

        problem = date_problem(AS_OF, day, today())
        if problem:
            raise click.BadParameter(problem)
    return day


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
    """
    ctx.obj = Options(db, database_url, user, config, demo)
    if ctx.invoked_subcommand is None:
        run_tui(ctx.obj)


@handles_errors
def run_tui(opts: Options) -> None:
    desk = opts.desk()
    from iro_desk.app import run

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


def _act_as_first_iro(desk: Desk) -> None:
    from iro_desk.services.iros import list_iros

    with desk.read() as session:
        iros = list_iros(session, active_only=True)
    if iros:
        desk.ctx.user = iros[0].name


def get_opts() -> Options:
    return click.get_current_context().find_object(Options)


def today() -> date:
    from iro_desk import clock

    return clock.today()


# --- demo --------------------------------------------------------------------------


@main.command()
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--children", type=click.IntRange(20, 1_000_000), help="Scale the unit (benchmarks).")
@click.option("--as-of", callback=parse_date_option, help="Date the history runs up to.")
@click.option(
    "--force",
    is_flag=True,
    help="With --demo only: rebuild the demo unit's own database from scratch.",
)
@handles_errors
def demo(seed: int, children: int | None, as_of: date | None, force: bool) -> None:
    """Fill an empty database with a fictional unit, then exit.

    A database that holds any record is refused, whatever the flags: the demo never
    replaces real work. --force with --demo deletes only the demo's own file first.
    """
    from iro_desk.services.demo import generate_demo, is_empty

    opts = get_opts()
    opts.url()  # refuses --demo with --db/--database-url before anything is deleted
    if force and opts.demo:
        _delete_demo_database()
    desk = opts.desk(make_demo=False)
    with desk.read() as session:
        empty = is_empty(session)
    if not empty:
        from iro_desk.db.engine import describe

        fail(
            [
                f"database: {describe(desk.engine)} holds records; the demo only fills an "
                "empty database (or its own, with --demo --force) and never replaces "
                "records; nothing was changed"
            ]
        )
    with desk.write() as session:
        summary = generate_demo(
            session,
            desk.ctx,
            seed=seed,
            children=children,
            as_of=as_of,
            progress=lambda msg: click.echo(msg, err=True),
        )
    for line in summary.lines():
        click.echo(line)


def _delete_demo_database() -> None:
    """Remove the demo unit's own file (and SQLite's side files): never any other."""
    from iro_desk import locations

    path = locations.demo_database_path()
    for victim in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        victim.unlink(missing_ok=True)


# --- caseload ----------------------------------------------------------------------


@main.command()
@click.option("--iro", "iro_name", help="Whose caseload (default: the current user's).")
@click.option("--all", "all_children", is_flag=True, help="Every child looked after or on a plan.")
@click.option("--overdue", is_flag=True, help="Only children whose next review is overdue.")
@click.option("--due-within", type=click.IntRange(0), help="Only those due within N working days.")
@click.option("--as-of", callback=parse_date_option, help="Answer as on this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@handles_errors
def caseload(
    iro_name: str | None,
    all_children: bool,
    overdue: bool,
    due_within: int | None,
    as_of: date | None,
    as_json: bool,
) -> None:
    """Each child's next statutory review, its kind and deadline."""
    from iro_desk.services.caseload import build_caseload
    from iro_desk.services.errors import InvalidInput, NotFound
    from iro_desk.services.iros import lookup_iro

    if iro_name and all_children:
        raise InvalidInput.one("--all", "give either --iro or --all, not both")
    desk = get_opts().desk()
    with desk.read() as session:
        if not all_children and not iro_name:
            try:
                iro_name = lookup_iro(session, desk.ctx.user).name
            except NotFound:
                raise InvalidInput.one(
                    "--iro", f"{desk.ctx.user!r} is not an IRO here; give --iro NAME or --all"
                ) from None
        result = build_caseload(
            session,
            desk.ctx,
            as_of=as_of or today(),
            iro_name=None if all_children else iro_name,
            overdue_only=overdue,
            due_within=due_within,
        )
    if as_json:
        echo_json([row.as_json() for row in result.rows])
        return
    from iro_desk.cli_output import print_caseload

    print_caseload(console(), result, show_iro=all_children)


# --- IROs --------------------------------------------------------------------------


@main.group()
def iro() -> None:
    """The unit's IROs."""


@iro.command("add")
@click.argument("name")
@click.option("--fte", type=float, default=1.0, show_default=True)
@click.option("--username", help="Their login name, so the desk knows whose caseload is theirs.")
@handles_errors
def iro_add(name: str, fte: float, username: str | None) -> None:
    """Add an IRO."""
    from iro_desk.services.iros import add_iro

    desk = get_opts().desk()
    with desk.write() as session:
        row = add_iro(session, desk.ctx, name, fte=fte, username=username)
        click.echo(f"Added {row.name} ({row.fte:g} FTE).")


@iro.command("list")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def iro_list(as_json: bool) -> None:
    """List the IROs."""
    from iro_desk.services.iros import list_iros

    desk = get_opts().desk()
    with desk.read() as session:
        rows = list_iros(session)
    if as_json:
        echo_json(
            [
                {"name": r.name, "fte": r.fte, "active": r.active, "username": r.username}
                for r in rows
            ]
        )
        return
    from rich.table import Table

    from iro_desk.services.display import literal

    table = Table("Name", "FTE", "Active", "Login")
    for r in rows:
        table.add_row(
            literal(r.name), f"{r.fte:g}", "yes" if r.active else "no", literal(r.username or "")
        )
    console().print(table)


# --- children ----------------------------------------------------------------------


@main.group()
def child() -> None:
    """Children: add, look up."""


@child.command("add")
@click.argument("ref")
@click.option("--first-name", default="")
@click.option("--last-name", default="")
@click.option("--dob", callback=parse_date_option, help="Date of birth.")
@click.option("--expected", callback=parse_date_option, help="Expected date, for an unborn child.")
@click.option("--sex", help="M, F or U (or the 903's 1/2).")
@click.option("--ethnicity", help="903 ethnic code, e.g. WBRI.")
@click.option("--nhs-number")
@click.option("--upn")
@handles_errors
def child_add(
    ref: str, first_name: str, last_name: str, dob, expected, sex, ethnicity, nhs_number, upn
) -> None:
    """Add a child."""
    from iro_desk.services.children import add_child

    desk = get_opts().desk()
    with desk.write() as session:
        row = add_child(
            session,
            desk.ctx,
            ref=ref,
            first_name=first_name,
            last_name=last_name,
            dob=dob,
            expected_dob=expected,
            sex=sex,
            ethnicity=ethnicity,
            nhs_number=nhs_number,
            upn=upn,
        )
        click.echo(f"Added {row.ref}.")


@child.command("show")
@click.argument("ref")
@click.option("--as-of", callback=parse_date_option)
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def child_show(ref: str, as_of: date | None, as_json: bool) -> None:
    """Everything about one child."""
    from iro_desk.services.audit_trail import record_opened
    from iro_desk.services.child_record import child_record

    desk = get_opts().desk()
    # A write: who opened a child's record is audited, in the same transaction as the read.
    with desk.write() as session:
        record = child_record(session, desk.ctx, ref, as_of=as_of or today())
        record_opened(session, desk.ctx, record.id, via="child show")
    if as_json:
        echo_json(record.as_json())
        return
    from iro_desk.cli_output import print_child

    print_child(console(), record)


# --- reviews and visits ------------------------------------------------------------


@main.group()
def review() -> None:
    """Looked After Reviews."""


@review.command("add")
@click.argument("ref")
@click.option("--date", "review_date", required=True, callback=parse_date_option)
@click.option(
    "--kind",
    type=click.Choice(["LAR", "SHORTBREAK", "SECURE"]),
    default="LAR",
    show_default=True,
    help="SHORTBREAK: the reg 48 review of a child on short breaks (V3/V4).",
)
@click.option("--participation", help="PN0-PN7.")
@click.option("--brought-forward", is_flag=True, help="An early review; the next runs from it.")
@click.option("--chair", help="The chairing IRO (default: the current user).")
@handles_errors
def review_add(
    ref: str,
    review_date: date,
    kind: str,
    participation: str | None,
    brought_forward: bool,
    chair: str | None,
) -> None:
    """Record a review held for a child."""
    from iro_desk.services.caseload import build_caseload
    from iro_desk.services.children import child_by_ref
    from iro_desk.services.iros import find_iro, iro_for_user
    from iro_desk.services.meetings import record_review

    desk = get_opts().desk()
    with desk.write() as session:
        kid = child_by_ref(session, ref)
        chair_row = (
            find_iro(session, chair, "chair") if chair else iro_for_user(session, desk.ctx.user)
        )
        record_review(
            session,
            desk.ctx,
            kid,
            review_date,
            kind=kind,
            participation=participation,
            brought_forward=brought_forward,
            chair=chair_row,
        )
    with desk.read() as session:
        rows = [
            r
            for r in build_caseload(session, desk.ctx, as_of=review_date).rows
            if r.child_id == kid.id
        ]
    nxt = f"; next: {rows[0].next_review_kind} due {rows[0].next_review_due}" if rows else ""
    click.echo(f"Recorded {kind} for {ref} on {review_date}{nxt}.")


@main.group()
def visit() -> None:
    """IRO visits."""


@visit.command("add")
@click.argument("ref")
@click.option("--date", "visit_date", required=True, callback=parse_date_option)
@click.option(
    "--location",
    default="placement",
    show_default=True,
    help="placement, school, out_of_borough, office, home, other",
)
@click.option(
    "--purpose",
    default="between_reviews",
    show_default=True,
    help="before_review, between_reviews, other",
)
@click.option("--seen-alone/--not-seen-alone", default=True, show_default=True)
@click.option("--views", default="", help="The child's views, wishes and feelings.")
@click.option("--iro", "iro_name", help="The visiting IRO (default: the current user).")
@handles_errors
def visit_add(
    ref: str,
    visit_date: date,
    location: str,
    purpose: str,
    seen_alone: bool,
    views: str,
    iro_name: str | None,
) -> None:
    """Log a visit to a child."""
    from iro_desk.services.children import child_by_ref
    from iro_desk.services.errors import InvalidInput
    from iro_desk.services.iros import find_iro, iro_for_user
    from iro_desk.services.visits import record_visit

    desk = get_opts().desk()
    with desk.write() as session:
        kid = child_by_ref(session, ref)
        who = find_iro(session, iro_name) if iro_name else iro_for_user(session, desk.ctx.user)
        if who is None:
            raise InvalidInput.one("--iro", f"{desk.ctx.user!r} is not an IRO; give --iro NAME")
        record_visit(
            session,
            desk.ctx,
            kid,
            who,
            visit_date=visit_date,
            location=location,
            purpose=purpose,
            seen_alone=seen_alone,
            views=views,
        )
    click.echo(f"Logged {who.name}'s visit to {ref} on {visit_date}.")


# --- duty --------------------------------------------------------------------------


@main.group()
def duty() -> None:
    """The duty rota and the duty log of safeguarding enquiries."""


@duty.command("today")
@click.option("--as-of", callback=parse_date_option)
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def duty_today(as_of: date | None, as_json: bool) -> None:
    """Who is on duty, today's enquiries and open follow-ups."""
    from iro_desk.services.duty import duty_on, enquiries_on, open_enquiries

    desk = get_opts().desk()
    day = as_of or today()
    with desk.read() as session:
        who = duty_on(session, day)
        todays = enquiries_on(session, day, desk.ctx)
        still_open = open_enquiries(session, desk.ctx, day)
    if as_json:
        echo_json(
            {
                "date": day.isoformat(),
                "duty": who.duty,
                "backup": who.backup,
                "enquiries": [e.__dict__ for e in todays],
                "open": [e.__dict__ for e in still_open],
            }
        )
        return
    from iro_desk.cli_output import print_duty

    print_duty(console(), day, who, todays, still_open)


@duty.command("assign")
@click.argument("day", callback=parse_date_option)
@click.argument("iro_name")
@click.option("--backup", help="The back-up IRO.")
@handles_errors
def duty_assign(day: date, iro_name: str, backup: str | None) -> None:
    """Put an IRO on duty for a day."""
    from iro_desk.services.duty import assign_duty

    desk = get_opts().desk()
    with desk.write() as session:
        assign_duty(session, desk.ctx, day, iro_name, backup)
    extra = f", back-up {backup}" if backup else ""
    click.echo(f"{day}: {iro_name} on duty{extra}.")


@duty.command("log")
@click.option("--category", required=True, help="e.g. 10A (missing), 11A (CSE), LADO, ADVICE.")
@click.option("--summary", required=True)
@click.option("--child", "child_ref", help="The child's reference, if known.")
@click.option("--subject", default="", help="Who it is about, when the child is not known.")
@click.option("--caller", default="")
@click.option("--role", default="")
@click.option("--agency", default="")
@click.option("--action", default="", help="What was done.")
@click.option("--follow-up", callback=parse_date_option, help="Follow-up due date.")
@click.option("--taken-by", help="The IRO who took it (default: the current user).")
@handles_errors
def duty_log(
    category: str,
    summary: str,
    child_ref: str | None,
    subject: str,
    caller: str,
    role: str,
    agency: str,
    action: str,
    follow_up,
    taken_by: str | None,
) -> None:
    """Log a safeguarding enquiry."""
    from iro_desk.services.duty import log_enquiry

    desk = get_opts().desk()
    with desk.write() as session:
        row = log_enquiry(
            session,
            desk.ctx,
            taken_by=taken_by,
            caller_name=caller,
            caller_role=role,
            caller_agency=agency,
            category=category,
            child_ref=child_ref,
            subject=subject,
            summary=summary,
            action=action,
            follow_up_due=follow_up,
        )
        click.echo(f"Logged enquiry {str(row.id)[:8]} ({category}).")


# --- the annual report --------------------------------------------------------------


@main.command()
@click.option(
    "--year",
    "year_start",
    type=click.IntRange(1990, 2100),
    help="The year the report starts: 2025 for 2025-26 (default: the last complete year).",
)
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def report(year_start: int | None, as_json: bool) -> None:
    """The annual report's figures, counted from the records."""
    from iro_desk.rules.dates import reporting_year
    from iro_desk.services.report import annual_report

    desk = get_opts().desk()
    year = year_start if year_start is not None else reporting_year(today()) - 1
    with desk.read() as session:
        result = annual_report(session, desk.ctx, year)
    if as_json:
        echo_json(result.as_json())
        return
    from iro_desk.cli_output import print_report

    print_report(console(), result)


# --- SSDA903 -----------------------------------------------------------------------


@main.group("import")
def import_group() -> None:
    """Import national files."""


@import_group.command("903")
@click.argument("directory", type=SafePath(file_okay=False, exists=True, path_type=Path))
@click.option("--iro", "iro_name", help="Allocate the imported children to this IRO.")
@click.option("--as-of", callback=parse_date_option)
@handles_errors
def import_903_cmd(directory: Path, iro_name: str | None, as_of: date | None) -> None:
    """Read header.csv, episodes.csv and reviews.csv; all or nothing."""
    from iro_desk.services.ssda903 import import_903

    desk = get_opts().desk()
    with desk.write() as session:
        result = import_903(session, desk.ctx, directory, iro_name=iro_name, as_of=as_of)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(result.summary())


@main.group("export")
def export_group() -> None:
    """Export national files."""


@export_group.command("903")
@click.argument("directory", type=SafePath(file_okay=False))
@click.option(
    "--year",
    "year_start",
    type=int,
    required=True,
    help="The year the return starts: 2025 for 2025-26.",
)
@handles_errors
def export_903_cmd(directory: str, year_start: int) -> None:
    """Write the year's header.csv, episodes.csv and reviews.csv."""
    from iro_desk.services.errors import InvalidInput
    from iro_desk.services.ssda903 import export_903

    if not directory.strip():
        # Path("") is the current folder: the files would land wherever the shell is.
        raise InvalidInput.one("directory", "is required (the folder to write the files to)")
    desk = get_opts().desk()
    with desk.write() as session:  # a write: the export is audited
        result = export_903(session, desk.ctx, Path(directory), year_start=year_start)
    click.echo(result.summary())


@child.command("edit")
@click.argument("ref")
@click.option("--first-name")
@click.option("--last-name")
@click.option("--notes")
@handles_errors
def child_edit(ref: str, first_name: str | None, last_name: str | None, notes: str | None) -> None:
    """Correct a child's names or notes (only what you give changes).

    Example: iro-desk child edit DEMO000223 --notes "Prefers to be called Jay"
    """
    from iro_desk.services.child_details import update_child

    desk = get_opts().desk()
    with desk.write() as session:
        row = update_child(
            session, desk.ctx, ref, first_name=first_name, last_name=last_name, notes=notes
        )
        click.echo(f"Updated {row.ref}.")


# --- the unit: server, sync, conflicts (cli_sync.py) --------------------------------

from iro_desk.cli_sync import COMMANDS as _UNIT_COMMANDS  # noqa: E402

for _command in _UNIT_COMMANDS:
    main.add_command(_command)

# --- files: init, backup, restore, rekey (cli_files.py) --------------------------------

from iro_desk.cli_files import COMMANDS as _FILE_COMMANDS  # noqa: E402

for _command in _FILE_COMMANDS:
    main.add_command(_command)

# --- the audit trail and retention (cli_audit.py) ------------------------------------

from iro_desk.cli_audit import COMMANDS as _AUDIT_COMMANDS  # noqa: E402

for _command in _AUDIT_COMMANDS:
    main.add_command(_command)

import iro_desk.cli_bundle  # noqa: E402, F401  (export bundle, import bundle)
import iro_desk.cli_enquiries  # noqa: E402, F401  (duty enquiries, duty update, duty close)
