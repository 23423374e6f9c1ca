"""The annual report for the TUI: one call that opens its own read session, and the
HTML written to the user's reports folder (screens hold no sessions and write no files)."""

from __future__ import annotations

from pathlib import Path

from iro_desk.report_documents import report_html
from iro_desk.services.context import Desk
from iro_desk.services.private_files import write_text_privately
from iro_desk.services.report.build import annual_report
from iro_desk.services.report.figures import AnnualReport


def report_for_year(desk: Desk, *, year_start: int) -> AnnualReport:
    """Every figure of the reporting year that starts in April ``year_start``."""
    with desk.read() as session:
        return annual_report(session, desk.ctx, year_start)


def write_report_html(report: AnnualReport, *, folder: Path) -> Path:
    """Write ``report-YYYY-YY.html`` into ``folder`` (made 0700), readable by the user
    only (0600): it names the unit's IROs and their caseloads."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"report-{report.label}.html"
    write_text_privately(path, report_html(report))
    return path
