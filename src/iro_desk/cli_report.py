"""``iro-desk report``: the annual report as text (the default), Markdown, HTML, CSV or
JSON, on the screen or into a file (a folder for CSV)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from iro_desk.cli import SafePath, console, echo_json, fail, handles_errors, opened_desk
from iro_desk.cli_options import json_option, today

FORMATS = ("text", "md", "html", "csv", "json")


@click.command("report")
@click.option(
    "--year",
    "year_start",
    type=click.IntRange(1990, 2100),
    help="The year the report starts: 2025 for 2025-26 (default: the last complete year).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="md: Markdown; html: one self-contained page, printable on A4; csv: one file "
    "per table in the --output folder; json: every figure.",
)
@json_option("The same as --format json.")
@click.option(
    "--output",
    type=SafePath(path_type=Path, dir_okay=True),
    help="Write to this file instead of the screen (for csv, this folder; required).",
)
@handles_errors
def report(year_start: int | None, fmt: str, as_json: bool, output: Path | None) -> None:
    """The annual report's figures, counted from the records.

    Example: iro-desk report --year 2025 --format html --output report-2025-26.html
    """
    from iro_desk.rules.dates import reporting_year
    from iro_desk.services.report import annual_report

    if as_json:
        fmt = "json"
    if fmt == "csv" and output is None:
        fail(["--output: csv writes one file per table: name a folder with --output"])
    if output is not None and fmt != "csv" and output.is_dir():
        fail([f"--output: {output} is a folder; name a file"])
    year = year_start if year_start is not None else reporting_year(today()) - 1
    with opened_desk() as desk, desk.read() as session:
        result = annual_report(session, desk.ctx, year)
    _write(result, fmt, output)


def _write(result, fmt: str, output: Path | None) -> None:
    """To the screen, or to a file readable by the user only: the report names the IROs."""
    from iro_desk import report_documents as docs
    from iro_desk.services.private_files import write_text_privately

    if fmt == "csv":
        assert output is not None
        files = docs.write_report_csv(result, output)
        click.echo(f"Wrote {len(files)} tables to {output}/")
        return
    if fmt == "text":
        from iro_desk.cli_output import print_report

        if output is None:
            print_report(console(), result)
            return
        from io import StringIO

        from rich.console import Console

        text = StringIO()
        print_report(Console(file=text, width=100, highlight=False, color_system=None), result)
        write_text_privately(output, text.getvalue())
    elif fmt == "json":
        if output is None:
            echo_json(result.as_json())
            return
        write_text_privately(output, json.dumps(result.as_json(), indent=2, default=str) + "\n")
    else:
        text = docs.report_markdown(result) if fmt == "md" else docs.report_html(result)
        if output is None:
            click.echo(text, nl=False)
            return
        write_text_privately(output, text)
    click.echo(f"Wrote {output}")


COMMANDS = [report]
