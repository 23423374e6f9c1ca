"""``iro-desk duty``: the duty rota and the duty log of safeguarding enquiries.

Registered on the main group by cli.py; they share its options and error handling.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from iro_desk.cli import console, echo_json, field_options, handles_errors, opened_desk
from iro_desk.cli_options import as_of_option, date_argument, date_option, json_option, today


@click.group("duty")
def duty() -> None:
    """The duty rota and the duty log of safeguarding enquiries.

    \b
    Example:
      iro-desk duty today
    """


@duty.command("today")
@as_of_option()
@json_option()
@handles_errors
def duty_today(as_of: date | None, as_json: bool) -> None:
    """Who is on duty, today's enquiries and open follow-ups.

    \b
    Example:
      iro-desk duty today --as-of 2026-12-01 --json
    """
    from iro_desk.services.duty import duty_on, enquiries_on, open_enquiries

    day = as_of or today()
    with opened_desk() as desk, desk.read() as session:
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
@date_argument("day")
@click.argument("iro_name")
@click.option("--backup", help="The back-up IRO.")
@field_options(duty_iro="iro_name", backup_iro="backup")
@handles_errors
def duty_assign(day: date, iro_name: str, backup: str | None) -> None:
    """Put an IRO on duty for a day.

    \b
    Example:
      iro-desk duty assign 2026-12-01 "Ada Example" --backup "Bea Example"
    """
    from iro_desk.services.duty import assign_duty

    with opened_desk() as desk:
        desk.save(assign_duty, day, iro_name, backup)
    extra = f", back-up {backup}" if backup else ""
    click.echo(f"{day}: {iro_name} on duty{extra}.")


@duty.command("log")
@click.option("--category", required=True, help="e.g. 10A (missing), 11A (CSE), LADO, ADVICE.")
@click.option("--summary", required=True)
@click.option("--child", "child_ref", help="The child's reference, if known.")
@click.option("--subject", default="", help="Who it is about, when the child is not known.")
@click.option("--caller", "caller_name", default="")
@click.option("--role", "caller_role", default="")
@click.option("--agency", "caller_agency", default="")
@click.option("--action", default="", help="What was done.")
@date_option("--follow-up", "follow_up_due", help="Follow-up due date.")
@click.option("--taken-by", help="The IRO who took it (default: the current user).")
@handles_errors
def duty_log(**enquiry: Any) -> None:
    """Log a safeguarding enquiry.

    \b
    Example:
      iro-desk duty log --category 10A --child C001 --summary "Missing since 9pm"
    """
    from iro_desk.services.duty import log_enquiry

    # The options are named as log_enquiry's arguments, so they pass straight through.
    with opened_desk() as desk:
        row = desk.save(log_enquiry, **enquiry)
    click.echo(f"Logged enquiry {str(row.id)[:8]} ({enquiry['category']}).")


COMMANDS = (duty,)
