"""``iro-desk audit`` (the trail, and its check) and ``iro-desk retention``."""

from __future__ import annotations

import sys
from datetime import date

import click

from iro_desk.cli import echo_json, get_opts, handles_errors, parse_date_option


@click.group("audit", invoke_without_command=True)
@click.option("--child", "child_ref", help="Only events about this child (by reference).")
@click.option("--user", "user_name", help="Only events by this user.")
@click.option("--since", callback=parse_date_option, help="Only events on or after this date.")
@click.option("--limit", type=int, default=50, show_default=True, help="At most this many.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handles_errors
def audit_group(
    ctx: click.Context,
    child_ref: str | None,
    user_name: str | None,
    since: date | None,
    limit: int,
    as_json: bool,
) -> None:
    """The audit trail, newest first: who did what to which record, and when (UTC).

    Example: iro-desk audit --child C001 --since 2026-01-01
    """
    if ctx.invoked_subcommand is not None:
        return
    from iro_desk.services.audit_trail import trail

    desk = get_opts().desk()
    with desk.read() as session:
        lines = trail(session, child_ref=child_ref, user=user_name, since=since, limit=limit)
    if as_json:
        echo_json([line.as_json() for line in lines])
        return
    for line in lines:
        record = f"{line.entity} {line.entity_id}" if line.entity_id else line.entity
        click.echo(
            f"{line.at:%Y-%m-%d %H:%M:%S}Z  {line.user} @ {line.device or '?'}  "
            f"{line.action}  {record}  {line.detail}"
        )
    if len(lines) == limit:
        click.echo(f"(the newest {limit}; --limit N or --since DATE for others)", err=True)


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def audit_verify(as_json: bool) -> None:
    """Check the trail's hash chains; exit 1 naming the first broken event."""
    from iro_desk.services.audit_trail import verify_trail

    desk = get_opts().desk()
    with desk.read() as session:
        verdict = verify_trail(session, desk.ctx.device)
    first = verdict.first_break
    if as_json:
        echo_json(
            {
                "intact": verdict.intact,
                "checked": verdict.checked,
                "devices": verdict.devices,
                "unchained": verdict.unchained,
                "gaps_outside_scope": verdict.gaps_outside_scope,
                "first_break": str(first) if first else None,
                "breaks": len(verdict.breaks),
            }
        )
    elif first is not None:
        click.echo(f"audit trail broken: {first}", err=True)
        if len(verdict.breaks) > 1:
            click.echo(f"({len(verdict.breaks)} chains broken in all)", err=True)
    else:
        extra = f"; {verdict.unchained} older events not chained" if verdict.unchained else ""
        if verdict.gaps_outside_scope:
            extra += f"; {verdict.gaps_outside_scope} gaps in other devices' events not held here"
        click.echo(
            f"audit trail intact: {verdict.checked} events on {verdict.devices} "
            f"device{'' if verdict.devices == 1 else 's'}{extra}"
        )
    if first is not None:
        sys.exit(1)


COMMANDS = [audit_group]
