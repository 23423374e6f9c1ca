"""``iro-desk child``, ``review`` and ``visit``: one child's record and what happens to it.

Registered on the main group by cli.py; they share its options and error handling. Each
command hands the user's input to one service call.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from iro_desk.cli import console, echo_json, fail, handles_errors, opened_desk
from iro_desk.cli_options import as_of_option, date_option, json_option, today


@click.group("child")
def child() -> None:
    """Children: add, look up.

    \b
    Example:
      iro-desk child show DEMO000223
    """


@child.command("add")
@click.argument("ref")
@click.option("--first-name", default="")
@click.option("--last-name", default="")
@date_option("--dob", help="Date of birth.")
@date_option("--expected", "expected_dob", help="Expected date, for an unborn child.")
@click.option("--sex", help="M, F or U (or the 903's 1/2).")
@click.option("--ethnicity", help="903 ethnic code, e.g. WBRI.")
@click.option("--nhs-number")
@click.option("--upn")
@handles_errors
def child_add(**child: Any) -> None:
    """Add a child.

    \b
    Example:
      iro-desk child add C001 --first-name Amy --last-name Example --dob 2015-03-01
    """
    from iro_desk.services.children import add_child

    # The options are named as add_child's arguments, so they pass straight through.
    with opened_desk() as desk:
        row = desk.save(add_child, **child)
    click.echo(f"Added {row.ref}.")


@child.command("show")
@click.argument("ref")
@as_of_option()
@json_option()
@handles_errors
def child_show(ref: str, as_of: date | None, as_json: bool) -> None:
    """Everything about one child.

    \b
    Example:
      iro-desk child show C001 --as-of 2026-12-01
    """
    from iro_desk.services.child_record import open_child_record

    with opened_desk() as desk:
        record = open_child_record(desk, ref=ref, as_of=as_of or today(), via="child show")
    if as_json:
        echo_json(record.as_json())
        return
    from iro_desk.cli_output import print_child

    print_child(console(), record)


@child.command("edit")
@click.argument("ref")
@click.option("--first-name")
@click.option("--last-name")
@click.option("--notes")
@handles_errors
def child_edit(ref: str, first_name: str | None, last_name: str | None, notes: str | None) -> None:
    """Correct a child's names or notes (only what you give changes).

    \b
    Example:
      iro-desk child edit DEMO000223 --notes "Prefers to be called Jay"
    """
    from iro_desk.services.child_details import update_child

    with opened_desk() as desk:
        row = desk.save(update_child, ref, first_name=first_name, last_name=last_name, notes=notes)
    click.echo(f"Updated {row.ref}.")


# --- reviews and visits ------------------------------------------------------------


@click.group("review")
def review() -> None:
    """Looked After Reviews.

    \b
    Example:
      iro-desk review add C001 --date 2026-11-20 --participation PN1
    """


@review.command("add")
@click.argument("ref")
@date_option("--date", "review_date", required=True)
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
    """Record a review held for a child.

    \b
    Example:
      iro-desk review add C001 --date 2026-11-20 --participation PN1 --chair "Ada Example"
    """
    from iro_desk.services.meetings import add_review

    with opened_desk() as desk:
        added = add_review(
            desk,
            ref=ref,
            review_date=review_date,
            kind=kind,
            participation=participation,
            brought_forward=brought_forward,
            chair_name=chair,
        )
    after = added.next_review
    nxt = f"; next: {after.next_review_kind} due {after.next_review_due}" if after else ""
    click.echo(f"Recorded {kind} for {ref} on {review_date}{nxt}.")


@click.group("visit")
def visit() -> None:
    """IRO visits.

    \b
    Example:
      iro-desk visit add C001 --date 2026-11-25 --location school \\
        --purpose before_review --seen-alone
    """


@visit.command("add")
@click.argument("ref")
@date_option("--date", "visit_date", required=True)
# What the visit was is never filled in by a default: the IRO says where, why and whether
# the child was seen alone, as the TUI form asks.
@click.option("--location", help="Required: placement, school, out_of_borough, office, home, other")
@click.option("--purpose", help="Required: before_review, between_reviews, other")
@click.option(
    "--seen-alone/--not-seen-alone",
    default=None,
    help="Required: whether the child was seen alone.",
)
@click.option("--views", default="", help="The child's views, wishes and feelings.")
@click.option("--iro", "iro_name", help="The visiting IRO (default: the current user).")
@handles_errors
def visit_add(
    ref: str,
    visit_date: date,
    location: str | None,
    purpose: str | None,
    seen_alone: bool | None,
    views: str,
    iro_name: str | None,
) -> None:
    """Log a visit to a child.

    \b
    Example:
      iro-desk visit add C001 --date 2026-11-25 --location placement \\
        --purpose between_reviews --not-seen-alone --views "Wants more time with her brother"
    """
    from iro_desk.services.visits import log_visit

    missing = []
    if not location:
        missing.append(
            "--location: is required (placement, school, out_of_borough, office, home or other)"
        )
    if not purpose:
        missing.append("--purpose: is required (before_review, between_reviews or other)")
    if seen_alone is None:
        missing.append("--seen-alone: is required (--seen-alone or --not-seen-alone)")
    if missing:
        fail(missing)
    with opened_desk() as desk:
        _visit, who = log_visit(
            desk,
            ref=ref,
            visit_date=visit_date,
            location=location or "",
            purpose=purpose,
            seen_alone=seen_alone,
            views=views,
            iro_name=iro_name,
            iro_field="--iro",
        )
    click.echo(f"Logged {who.name}'s visit to {ref} on {visit_date}.")


COMMANDS = (child, review, visit)
