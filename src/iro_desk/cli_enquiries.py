"""``iro-desk duty enquiries``, ``duty update ID`` and ``duty close ID``: find any enquiry
again and act on it by the short id the lists show."""

from __future__ import annotations

from datetime import date
from types import EllipsisType

import click

from iro_desk.cli import console, echo_json, handles_errors, opened_desk
from iro_desk.cli_duty import duty
from iro_desk.cli_options import parse_date_option


@duty.command("enquiries")
@click.option("--child", "child_ref", help="Only this child's enquiries (their reference).")
@click.option("--since", callback=parse_date_option, help="Received on or after this date.")
@click.option("--until", callback=parse_date_option, help="Received on or before this date.")
@click.option("--category", help="e.g. 10A, 11A, LADO, ADVICE.")
@click.option("--caller", help="Any part of the caller's name, role or agency.")
@click.option("--text", help="Any part of the child, subject, caller or summary.")
@click.option("--open", "status", flag_value="open", help="Only open enquiries.")
@click.option("--closed", "status", flag_value="closed", help="Only closed enquiries.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@handles_errors
def duty_enquiries(
    child_ref: str | None,
    since: date | None,
    until: date | None,
    category: str | None,
    caller: str | None,
    text: str | None,
    status: str | None,
    as_json: bool,
) -> None:
    """Every enquiry matching the filters, newest first (the ID column names one).

    Example: iro-desk duty enquiries --child DEMO000223 --since 2026-09-01 --open
    """
    from iro_desk.services.enquiry_search import search_enquiries

    with opened_desk() as desk, desk.read() as session:
        rows = search_enquiries(
            session,
            desk.ctx,
            child_ref=child_ref,
            since=since,
            until=until,
            category=category,
            caller=caller,
            text=text,
            status=status,
        )
    if as_json:
        echo_json([row.__dict__ for row in rows])
        return
    from iro_desk.cli_output import print_enquiries

    print_enquiries(console(), rows)


@duty.command("update")
@click.argument("enquiry")
@click.option("--note", required=True, help="What happened (kept in the enquiry's history).")
@click.option("--follow-up", callback=parse_date_option, help="A new follow-up date.")
@click.option("--no-follow-up", is_flag=True, help="Clear the follow-up date.")
@handles_errors
def duty_update(enquiry: str, note: str, follow_up: date | None, no_follow_up: bool) -> None:
    """Add a note to an enquiry, optionally with a new follow-up date.

    Example: iro-desk duty update 1a2b3c4d --note "Social worker rang back" --follow-up 2026-12-04
    """
    from iro_desk.services.duty import update_enquiry
    from iro_desk.services.enquiry_search import enquiry_id_from
    from iro_desk.services.errors import InvalidInput

    if no_follow_up and follow_up is not None:
        raise InvalidInput.one("--no-follow-up", "give --follow-up or --no-follow-up, not both")
    due: date | None | EllipsisType = None if no_follow_up else (follow_up or ...)
    with opened_desk() as desk, desk.write() as session:
        row = update_enquiry(
            session,
            desk.ctx,
            enquiry_id_from(session, enquiry, "enquiry"),
            note=note,
            follow_up_due=due,
        )
        click.echo(f"Updated enquiry {str(row.id)[:8]}: {_follow_up_words(row.follow_up_due)}.")


@duty.command("close")
@click.argument("enquiry")
@click.option("--note", required=True, help="Why it is closed (kept in its history).")
@handles_errors
def duty_close(enquiry: str, note: str) -> None:
    """Close an open enquiry.

    Example: iro-desk duty close 1a2b3c4d --note "Placement confirmed safe"
    """
    from iro_desk.services.duty import close_enquiry
    from iro_desk.services.enquiry_search import enquiry_id_from

    with opened_desk() as desk, desk.write() as session:
        row = close_enquiry(session, desk.ctx, enquiry_id_from(session, enquiry, "enquiry"), note)
        click.echo(f"Closed enquiry {str(row.id)[:8]}.")


def _follow_up_words(due: date | None) -> str:
    return f"follow-up due {due:%d %b %Y}" if due else "no follow-up date"
