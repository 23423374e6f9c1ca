"""``iro-desk demo``: fill an empty database with a fictional unit.

Registered on the main group by cli.py; it shares its options and error handling.
"""

from __future__ import annotations

from datetime import date

import click

from iro_desk.cli import fail, get_opts, handles_errors, opened_desk
from iro_desk.cli_options import as_of_option


@click.command("demo")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--children", type=click.IntRange(20, 1_000_000), help="Scale the unit (benchmarks).")
@as_of_option("Date the history runs up to.")
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

    \b
    Example:
      iro-desk --db /tmp/try.db demo --seed 7
    """
    from iro_desk.services.demo import generate_demo, is_empty

    opts = get_opts()
    opts.url()  # refuses --demo with --db/--database-url before anything is deleted
    if force and opts.demo:
        _delete_demo_database()
    with opened_desk(make_demo=False) as desk:
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


COMMANDS = (demo,)
