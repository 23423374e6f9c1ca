"""``iro-desk audit`` (the trail, and its check) and ``iro-desk retention``."""

from __future__ import annotations

import sys
from datetime import date

import click

from iro_desk.cli import echo_json, handles_errors, opened_desk
from iro_desk.cli_options import as_of_option, date_option, json_option, today


@click.group("audit", invoke_without_command=True)
@click.option("--child", "child_ref", help="Only events about this child (by reference).")
@click.option("--user", "user_name", help="Only events by this user.")
@date_option("--since", help="Only events on or after this date.")
@click.option("--limit", type=int, default=50, show_default=True, help="At most this many.")
@json_option()
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

    \b
    Example:
      iro-desk audit --child C001 --since 2026-01-01
    """
    if ctx.invoked_subcommand is not None:
        return
    from iro_desk.services.audit_trail import trail

    with opened_desk() as desk, desk.read() as session:
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
@json_option()
@handles_errors
def audit_verify(as_json: bool) -> None:
    """Check the trail's hash chains; exit 1 naming the first broken event.

    \b
    Example:
      iro-desk audit verify --json
    """
    from iro_desk.services.audit_trail import verify_trail

    with opened_desk() as desk, desk.read() as session:
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


# --- retention -------------------------------------------------------------------------


@click.group("retention", invoke_without_command=True)
@as_of_option("The day to judge by (default today).")
@json_option()
@click.pass_context
@handles_errors
def retention_group(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Records past their retention date (looked after: 75th birthday; CP only: a setting).

    \b
    Example:
      iro-desk retention --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from iro_desk.services.retention import due_records

    with opened_desk() as desk, desk.read() as session:
        due = due_records(session, desk.ctx, as_of or today())
    if as_json:
        echo_json([record.as_json() for record in due])
        return
    if not due:
        click.echo("No record is past its retention date.")
    for r in due:
        hold = "  LEGAL HOLD" if r.legal_hold else ""
        click.echo(
            f"{r.ref}  {r.name}  {r.retention.retention_class}  "
            f"destroy after {r.retention.destroy_after}{hold}"
        )


def _hold(ref: str, hold: bool) -> None:
    from iro_desk.services.retention import set_legal_hold

    with opened_desk() as desk:
        child = desk.save(set_legal_hold, ref, hold)
    click.echo(f"{child.ref} {'is on legal hold' if hold else 'is released from legal hold'}.")


@retention_group.command("hold")
@click.argument("ref")
@handles_errors
def retention_hold(ref: str) -> None:
    """Put a child's record on legal hold: retention never destroys it.

    \b
    Example:
      iro-desk retention hold C001
    """
    _hold(ref, True)


@retention_group.command("release")
@click.argument("ref")
@handles_errors
def retention_release(ref: str) -> None:
    """Release a child's record from legal hold.

    \b
    Example:
      iro-desk retention release C001
    """
    _hold(ref, False)


@retention_group.command("purge")
@as_of_option("The day to judge by (default today).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@handles_errors
def retention_purge(as_of: date | None, yes: bool) -> None:
    """Destroy every record past its date and not on legal hold, all in one transaction.

    \b
    Example:
      iro-desk retention purge --as-of 2026-12-31
    """
    from iro_desk.services.retention import due_records, purge

    day = as_of or today()
    with opened_desk() as desk:
        with desk.read() as session:
            due = due_records(session, desk.ctx, day)
        doomed = sum(1 for r in due if not r.legal_hold)
        if doomed == 0:
            click.echo("No record is past its retention date and free of legal hold.")
            return
        if not yes:
            click.confirm(
                f"Destroy {doomed} child record{'' if doomed == 1 else 's'} and everything "
                "about them? This cannot be undone",
                abort=True,
            )
        result = desk.save(purge, day)
    click.echo(result.summary())


COMMANDS = [audit_group, retention_group]
