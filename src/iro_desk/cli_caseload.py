"""``iro-desk caseload`` and ``iro-desk iro``: whose children, and the unit's IROs.

Registered on the main group by cli.py; they share its options and error handling.
"""

from __future__ import annotations

from datetime import date

import click

from iro_desk.cli import console, echo_json, handles_errors, opened_desk
from iro_desk.cli_options import as_of_option, json_option, today


@click.command("caseload")
@click.option("--iro", "iro_name", help="Whose caseload (default: the current user's).")
@click.option("--all", "all_children", is_flag=True, help="Every child looked after or on a plan.")
@click.option("--overdue", is_flag=True, help="Only children whose next review is overdue.")
@click.option("--due-within", type=click.IntRange(0), help="Only those due within N working days.")
@as_of_option("Answer as on this date (YYYY-MM-DD).")
@json_option("JSON instead of a table.")
@handles_errors
def caseload(
    iro_name: str | None,
    all_children: bool,
    overdue: bool,
    due_within: int | None,
    as_of: date | None,
    as_json: bool,
) -> None:
    """Each child's next statutory review, its kind and deadline.

    \b
    Example:
      iro-desk caseload --iro "Ada Example" --due-within 10
    """
    from iro_desk.services.caseload import build_caseload
    from iro_desk.services.errors import InvalidInput, NotFound
    from iro_desk.services.iros import lookup_iro

    if iro_name and all_children:
        raise InvalidInput.one("--all", "give either --iro or --all, not both")
    with opened_desk() as desk, desk.read() as session:
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


@click.group("iro")
def iro() -> None:
    """The unit's IROs.

    \b
    Example:
      iro-desk iro list
    """


@iro.command("add")
@click.argument("name")
@click.option("--fte", type=float, default=1.0, show_default=True)
@click.option("--username", help="Their login name, so the desk knows whose caseload is theirs.")
@handles_errors
def iro_add(name: str, fte: float, username: str | None) -> None:
    """Add an IRO.

    \b
    Example:
      iro-desk iro add "Ada Example" --fte 0.8 --username ada
    """
    from iro_desk.services.iros import add_iro

    with opened_desk() as desk:
        row = desk.save(add_iro, name, fte=fte, username=username)
    click.echo(f"Added {row.name} ({row.fte:g} FTE).")


@iro.command("list")
@json_option()
@handles_errors
def iro_list(as_json: bool) -> None:
    """List the IROs.

    \b
    Example:
      iro-desk iro list --json
    """
    from iro_desk.services.iros import list_iros

    with opened_desk() as desk, desk.read() as session:
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


COMMANDS = (caseload, iro)
