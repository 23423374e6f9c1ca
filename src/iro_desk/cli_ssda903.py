"""``iro-desk import 903``, ``export 903`` and ``findings``: the national return, and
what an import found in it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from iro_desk.cli import SafePath, echo_json, handles_errors, opened_desk
from iro_desk.cli_options import as_of_option, json_option


@click.group("import")
def import_group() -> None:
    """Import national files, or an IRO Desk bundle.

    \b
    Example: iro-desk import 903 ./return-2025
    """


@import_group.command("903")
@click.argument("directory", type=SafePath(file_okay=False, exists=True, path_type=Path))
@click.option("--iro", "iro_name", help="Allocate the imported children to this IRO.")
@as_of_option("Count open periods and clocks as on this date (default: today).")
@click.option("--strict", is_flag=True, help="Refuse the whole import on any finding.")
@click.option(
    "--findings",
    "findings_path",
    type=SafePath(dir_okay=False, path_type=Path),
    help="Also write every finding and skipped row to this CSV file.",
)
@handles_errors
def import_903_cmd(
    directory: Path,
    iro_name: str | None,
    as_of: date | None,
    strict: bool,
    findings_path: Path | None,
) -> None:
    """Read header.csv, episodes.csv and reviews.csv, in one transaction.

    Rows that cannot be stored are skipped and rows with data-quality findings are
    stored as given; both are kept as findings (see `iro-desk findings`). Files that
    cannot be read as a return are refused whole; with --strict, so is any finding.

    Example: iro-desk import 903 ./return-2025 --findings ./return-2025/findings.csv
    """
    from iro_desk.services.ssda903 import import_903
    from iro_desk.services.ssda903.findings import write_findings_csv

    with opened_desk() as desk:
        result = desk.save(import_903, directory, iro_name=iro_name, as_of=as_of, strict=strict)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(result.summary())
    lines = result.findings_by_rule()
    if lines:
        click.echo("By rule:")
        for line in lines:
            click.echo(f"  {line}")
        click.echo("List them with: iro-desk findings [--rule RULE] [--child REF]")
    if findings_path is not None:
        write_findings_csv(findings_path, result.findings)
        click.echo(f"{len(result.findings)} written to {findings_path}")


@click.group("export")
def export_group() -> None:
    """Export national files, or an IRO Desk bundle.

    \b
    Example: iro-desk export 903 ./return-2025 --year 2025
    """


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
    """Write the year's header.csv, episodes.csv and reviews.csv.

    Example: iro-desk export 903 ./return-2025 --year 2025
    """
    from iro_desk.services.errors import InvalidInput
    from iro_desk.services.ssda903 import export_903

    if not directory.strip():
        # Path("") is the current folder: the files would land wherever the shell is.
        raise InvalidInput.one("directory", "is required (the folder to write the files to)")
    with opened_desk() as desk:  # a write: the export is audited
        result = desk.save(export_903, Path(directory), year_start=year_start)
    click.echo(result.summary())


@click.command("findings")
@click.option("--rule", help="Only this rule: a DfE rule number (399), a column, OVERLAP...")
@click.option("--child", "child_ref", help="Only this child (by reference).")
@click.option("--all", "include_cleared", is_flag=True, help="Cleared findings too.")
@json_option()
@handles_errors
def findings_cmd(
    rule: str | None, child_ref: str | None, include_cleared: bool, as_json: bool
) -> None:
    """The open findings of 903 imports: what was skipped or stored with a finding.

    Example: iro-desk findings --rule OUTSIDE
    """
    from iro_desk.services.display import plain
    from iro_desk.services.ssda903.findings import finding_json, list_findings

    with opened_desk() as desk, desk.read() as session:
        rows = list_findings(
            session, rule=rule, child_ref=child_ref, include_cleared=include_cleared
        )
        data = [finding_json(row) for row in rows]
    if as_json:
        echo_json(data)
        return
    if not data:
        click.echo("No findings.")
        return
    for item in data:
        where = f"{item['file']}:{item['line']}" if item["line"] else item["file"]
        cleared = f" (cleared {item['cleared_at'][:10]})" if item["cleared_at"] else ""
        click.echo(
            plain(
                f"{item['child'] or '-'}  {item['kind']} {item['rule']}  {where}: "
                f"{item['field']}: {item['message']}{cleared}",
                multiline=False,
            )
        )
    click.echo(f"{len(data)} finding{'' if len(data) == 1 else 's'}.")


@click.command("903")
@click.argument("ref")
@click.option("--mother", help="1 if the young woman is a mother, 0 if not; '' clears.")
@click.option("--mc-dob", help="Her child's date of birth (YYYY-MM-DD); '' clears.")
@click.option("--upn-reason", help="Why there is no UPN: UN1-UN5; '' clears.")
@handles_errors
def child_903_cmd(ref: str, mother: str | None, mc_dob: str | None, upn_reason: str | None) -> None:
    """Set a child's 903 details: MOTHER, MC_DOB and the UPN reason code.

    Example: iro-desk child 903 C001 --mother 1 --mc-dob 2026-06-05
    """
    from iro_desk.services.child_details import update_903_details

    with opened_desk() as desk:
        row = desk.save(
            update_903_details, ref, mother=mother, mc_dob=mc_dob, upn_reason=upn_reason
        )
    click.echo(f"Updated {row.ref}.")


COMMANDS = (import_group, export_group, findings_cmd)


def register(main: click.Group) -> None:
    """Add the commands to ``iro-desk``, and ``903`` to its ``child`` group."""
    for command in COMMANDS:
        main.add_command(command)
    child = main.commands.get("child")
    if isinstance(child, click.Group):
        child.add_command(child_903_cmd)
