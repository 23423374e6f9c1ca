"""The Reports screen (F9): the year's figures and charts, the year picker, the HTML."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from textual.widgets import Select, Static

from iro_desk.report_documents import report_html
from iro_desk.rules.dates import reporting_year, reporting_year_label
from iro_desk.screens.reports.report_screen import ReportScreen
from iro_desk.services.context import Desk
from iro_desk.services.report import AnnualReport, annual_report
from tests.conftest import TODAY
from tests.tui.conftest import settle


def counted(desk: Desk, year: int) -> AnnualReport:
    with desk.read() as s:
        return annual_report(s, desk.ctx, year)


def shown(screen: ReportScreen) -> tuple[str, str, str]:
    """The title, the charts and the figures as the user reads them."""
    parts = ("#title", "#report-charts", "#report-figures")
    title, charts, figures = (str(screen.query_one(p, Static).content) for p in parts)
    return title, charts, figures


def assert_shows(screen: ReportScreen, r: AnnualReport) -> None:
    title, charts, figures = shown(screen)
    assert f"Annual report {r.label}" in title
    assert f"Looked after at {r.end.day} March {r.end.year}" in figures
    lines = figures.splitlines()
    cla_line = next(line for line in lines if "Looked after at" in line)
    assert cla_line.split()[-1] == str(r.cla)
    # The trend chart: one bar per year end, ending with this year's count.
    trend = [line for line in charts.splitlines() if line.strip().startswith("At ")]
    assert [line.split()[-1] for line in trend] == [str(t.cla) for t in r.cla_trend]
    # Placement groups: each group's count at the year end beside its bar.
    for p in r.placements:
        bar = next(line for line in charts.splitlines() if line.strip().startswith(p.group))
        assert f" {p.current} (" in bar
    on_time = next(line for line in charts.splitlines() if "Reviews on time" in line)
    expected = "n/a" if r.reviews.percent is None else f"{r.reviews.percent:.1f}%"
    assert on_time.split()[-1] == expected


async def test_reports_screen_years_and_html(app_for, demo_desk: Desk) -> None:
    app = app_for("duty")
    last_complete = reporting_year(TODAY) - 1
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")  # from the footer's key, like any main screen
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        first = counted(demo_desk, last_complete)
        assert first.cla and first.reviews.held  # the demo unit has figures to show
        assert_shows(screen, first)

        await pilot.press("right_square_bracket")  # the current year, still running
        await settle(pilot)
        assert screen.query_one("#report-year", Select).value == last_complete + 1
        assert_shows(screen, counted(demo_desk, last_complete + 1))

        for _ in range(2):
            await pilot.press("left_square_bracket")
            await settle(pilot)
        earlier = counted(demo_desk, last_complete - 1)
        assert earlier.cla != first.cla or earlier.reviews != first.reviews  # years differ
        assert_shows(screen, earlier)

        await pilot.press("w")
        await settle(pilot)
        path = Path(os.environ["IRO_DESK_DATA_DIR"]) / "reports" / f"report-{earlier.label}.html"
        assert path.read_text(encoding="utf-8") == report_html(earlier)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert any(str(path) in str(n.message) for n in app._notifications)


async def test_year_picker_and_its_bounds(app_for, demo_desk: Desk) -> None:
    app = app_for("reports")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        year = reporting_year(TODAY) - 3
        screen.query_one("#report-year", Select).value = year
        await settle(pilot)
        assert_shows(screen, counted(demo_desk, year))
        # The newest year is the current one: "]" goes no further and says so.
        screen.query_one("#report-year", Select).value = reporting_year(TODAY)
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.query_one("#report-year", Select).value == reporting_year(TODAY)
        assert any("picker goes from" in str(n.message) for n in app._notifications)


async def test_the_palette_goes_to_reports(app_for) -> None:
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"go to reports")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        label = reporting_year_label(reporting_year(TODAY) - 1)
        assert f"Annual report {label}" in shown(app.screen)[0]
