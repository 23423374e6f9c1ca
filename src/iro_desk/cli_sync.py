"""The unit's commands: ``server init``, ``server add-user``, ``sync`` and ``conflicts``.

Registered on the main group by cli.py; they share its options and error handling.
"""

from __future__ import annotations

import sys
from functools import wraps
from typing import TYPE_CHECKING

import click

from iro_desk.cli import echo_json, fail, handles_errors, opened_desk
from iro_desk.cli_options import json_option

if TYPE_CHECKING:
    from iro_desk.services.context import Desk

OFFLINE_EXIT = 3


def _sync_errors(fn):
    """Offline is not an error: one line, status 3, and the laptop keeps its changes."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        from iro_desk.services.sync import SyncOffline, SyncRefused

        try:
            return fn(*args, **kwargs)
        except SyncOffline as exc:
            click.echo(str(exc), err=True)
            sys.exit(OFFLINE_EXIT)
        except SyncRefused as exc:
            fail([str(exc)], code=1)

    return wrapper


@click.group("server")
def server_group() -> None:
    """The unit's PostgreSQL server (use with --database-url).

    \b
    Example:
      iro-desk --database-url postgresql://admin@unit-db/iro server init
    """


@server_group.command("init")
@handles_errors
@_sync_errors
def server_init() -> None:
    """Create or upgrade the server's schema and what sync needs on it.

    \b
    Example:
      iro-desk --database-url postgresql://admin@unit-db/iro server init
    """
    from iro_desk.services.sync import init_server

    with opened_desk() as desk:
        click.echo(init_server(desk).summary())


@server_group.command("add-user")
@click.argument("username")
@click.option("--iro", "iro_name", required=True, help="The IRO this login belongs to.")
@click.option(
    "--password",
    envvar="IRO_DESK_NEW_PASSWORD",
    help="Only for scripts (also IRO_DESK_NEW_PASSWORD); otherwise it is asked, unechoed.",
)
@handles_errors
@_sync_errors
def server_add_user(username: str, iro_name: str, password: str | None) -> None:
    """Create a PostgreSQL login for one IRO, who may then read and write the unit's records.

    \b
    Example:
      export IRO_DESK_DATABASE_URL=postgresql://admin@unit-db/iro
      iro-desk server add-user ann --iro "Ann Example"
    """
    from iro_desk.services.sync import add_user

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with opened_desk() as desk:
        name = add_user(desk, username, password, iro_name)
    click.echo(f"Login {username} created for {name}.")


@click.command("sync")
@click.option("--server", "url", envvar="IRO_DESK_SERVER_URL", help="postgresql://user@host/db")
@click.option(
    "--scope",
    type=click.Choice(["unit", "mine"]),
    help="unit: every record (default); mine: your own caseload, the rota and recent duty log.",
)
@click.option("--status", is_flag=True, help="Say where this laptop stands; sync nothing.")
@json_option()
@handles_errors
@_sync_errors
def sync_cmd(url: str | None, scope: str | None, status: bool, as_json: bool) -> None:
    """Send this laptop's changes to the unit's server, then fetch everyone else's.

    The server URL is remembered (without its password) after the first sync; give the
    password through ~/.pgpass or PGPASSWORD. With no network it exits with status 3
    and keeps every change for the next time.

    \b
    Example:
      iro-desk sync --server postgresql://ann@unit-db/iro
    """
    with opened_desk() as desk:
        _sync(desk, url, scope, status=status, as_json=as_json)


def _sync(desk: Desk, url: str | None, scope: str | None, *, status: bool, as_json: bool) -> None:
    from iro_desk.services.sync import sync_now, sync_status

    if status:
        state = sync_status(desk.engine)
        if as_json:
            echo_json(state.as_json())
        else:
            last = state.last_sync.isoformat(timespec="seconds") if state.last_sync else "never"
            click.echo(
                f"server: {state.server or 'none'}; last sync: {last}; "
                f"{state.pending} to send; {state.conflicts} open conflicts"
            )
        return
    url = url or desk.ctx.settings.server_url
    progress = _progress_bar() if sys.stderr.isatty() and not as_json else None
    try:
        report = sync_now(desk, url, scope=scope, progress=progress)
    finally:
        if progress is not None:
            progress.close()  # type: ignore[attr-defined]
    if as_json:
        echo_json(sync_status(desk.engine).as_json() | {"sent": report.sent})
    else:
        click.echo(report.summary())


class _Bar:
    """A progress bar on the terminal for a first sync, which copies the whole unit."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < 1000:
                return
            self.bar = click.progressbar(length=total, label="Copying the unit", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _progress_bar() -> _Bar:
    return _Bar()


@click.group("conflicts", invoke_without_command=True)
@json_option()
@click.pass_context
@handles_errors
def conflicts_group(ctx: click.Context, as_json: bool) -> None:
    """Changes that clashed with someone else's: list them, then settle each.

    \b
    Example:
      iro-desk conflicts
      iro-desk conflicts resolve 3f2a --keep mine
    """
    if ctx.invoked_subcommand is not None:
        return
    from iro_desk.services.sync import list_conflicts

    with opened_desk() as desk, desk.read() as session:
        rows = list_conflicts(session)
    if as_json:
        echo_json([r.as_json() for r in rows])
        return
    if not rows:
        click.echo("No open conflicts.")
        return
    # One block each: the two values can be long, and are printed exactly as stored.
    for r in rows:
        click.echo(f"{r.id}  {r.record}  {r.field}  ({r.when:%Y-%m-%d %H:%M})")
        click.echo(f"  mine:   {r.mine}  ({r.who}, {r.device})")
        click.echo(f"  theirs: {r.theirs}  ({r.theirs_by or 'unknown'})")


@conflicts_group.command("resolve")
@click.argument("conflict_id")
@click.option("--keep", type=click.Choice(["mine", "theirs"]), required=True)
@handles_errors
def conflicts_resolve(conflict_id: str, keep: str) -> None:
    """Settle one conflict: keep mine (the value that did not land) or theirs.

    \b
    Example:
      iro-desk conflicts resolve 3f2a --keep theirs
    """
    from iro_desk.services.sync import resolve_conflict

    with opened_desk() as desk:
        row = desk.save(resolve_conflict, conflict_id, keep)
    click.echo(f"Kept {keep} for {row.table_name}.{row.field}; it syncs next time.")


COMMANDS = (server_group, sync_cmd, conflicts_group)
