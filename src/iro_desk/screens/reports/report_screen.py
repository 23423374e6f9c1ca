"""F9: the annual report's figures for a reporting year, with bar charts drawn in the
terminal; ``[`` and ``]`` (or the year picker) change the year, ``w`` writes the HTML."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Label, Select, Static

from iro_desk.locations import reports_dir
from iro_desk.report_layout import report_sections
from iro_desk.rules.dates import reporting_year, reporting_year_label
from iro_desk.screens.base import DeskScreen
from iro_desk.services.report import AnnualReport
from iro_desk.services.report.desk_report import report_for_year, write_report_html
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.desk_select import DeskSelect

BAR_WIDTH = 28  # cells of the longest bar: with the label and figure, fits 80 columns
LABEL_WIDTH = 30
YEARS_BACK = 6  # how many reporting years the picker offers before the current one
Bar = tuple[str, float, str]  # (label, value, what is printed after the bar)


def _pct(percent: float | None) -> str:
    return "n/a" if percent is None else f"{percent:.1f}%"


def bar_chart(title: str, bars: Sequence[Bar], *, top: float | None = None) -> Text:
    """A titled horizontal bar chart; bars are scaled to ``top`` (default: the largest)."""
    out = Text(title + "\n", style="bold")
    most = top if top is not None else max((value for _, value, _ in bars), default=0)
    for label, value, shown in bars:
        cells = round(BAR_WIDTH * value / most) if most else 0
        if value and not cells:
            cells = 1  # something is not nothing: show a sliver
        if len(label) > LABEL_WIDTH:  # a long label gets its own line, never cut short
            out.append(f"  {label}\n")
            label = ""
        out.append(f"  {label:<{LABEL_WIDTH}} ")
        out.append("█" * cells, style="bold cyan")
        out.append("░" * (BAR_WIDTH - cells), style="dim")
        out.append(f" {shown}\n")
    return out


def report_charts(r: AnnualReport) -> Text:
    """The report's pictures: the looked-after trend, placement groups and the rates."""
    trend: list[Bar] = [(f"At {t.as_of:%d %b %Y}", t.cla, str(t.cla)) for t in r.cla_trend]
    placed: list[Bar] = [
        (p.group, p.current, f"{p.current} ({_pct(p.current_percent)})") for p in r.placements
    ]
    part = r.participation
    rates: list[Bar] = [
        ("Reviews on time", r.reviews.percent or 0, _pct(r.reviews.percent)),
        ("Children 4+ took part", part.participated_percent or 0, _pct(part.participated_percent)),
        ("Children 4+ attended", part.attended_percent or 0, _pct(part.attended_percent)),
        *((s.label, s.percent or 0, _pct(s.percent)) for s in r.clocks),
        ("ICPC: child took part", *_rate(r.icpc_participation.percent)),
        ("RCPC: child took part", *_rate(r.rcpc_participation.percent)),
    ]
    out = Text()
    out.append_text(bar_chart("Children looked after at each year end", trend))
    out.append("\n")
    out.append_text(bar_chart(f"Placement groups at {r.end:%d %B %Y}", placed))
    out.append("\n")
    out.append_text(bar_chart("Rates in the year (of 100%)", rates, top=100))
    return out


def _rate(percent: float | None) -> tuple[float, str]:
    return percent or 0, _pct(percent)


def report_text(r: AnnualReport) -> Text:
    """Every figure of the report, section by section, as the CLI words them."""
    out = Text()
    for title, lines in report_sections(r):
        out.append(f"\n{title}\n", style="bold")
        width = max((len(label) for label, _ in lines), default=0)
        for label, value in lines:
            out.append(f"  {label:<{width}}  {value}\n")
    return out


class ReportScreen(DeskScreen):
    HELP = """\
# Annual report

The IRO service's annual report for one reporting year (1 April to 31 March), counted
from the records: children looked after, reviews and participation, child protection
and the unit's own work, with bar charts of the trend, placements and on-time rates.

- **[** and **]** go to the previous and next year; the year picker chooses any year.
- **w** writes the report as one HTML page (printable on A4) into your reports folder.
- **r** counts the figures again.
"""

    DEFAULT_CSS = """
    #report-year-bar { height: auto; }
    #report-year-bar Label { padding: 1 1 0 1; }
    #report-year { width: 20; }
    #report-body { padding: 0 1; }
    """

    BINDINGS = [
        Binding("left_square_bracket", "year(-1)", "Year-", id="report_previous"),
        Binding("right_square_bracket", "year(1)", "Year+", id="report_next"),
        Binding("w", "write_html", "Write HTML", id="report_write"),
        Binding("r", "reload", "Reload", id="report_reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.years: list[int] = []
        self.year = 0
        self.report: AnnualReport | None = None

    def compose(self) -> ComposeResult:
        # The current reporting year and the ones before; the last complete year first.
        current = reporting_year(self.iro_app.today)
        self.years = list(range(current - YEARS_BACK, current + 1))
        self.year = current - 1
        yield Header(show_clock=False)
        yield Static("Annual report", id="title", classes="screen-title")
        with Horizontal(id="report-year-bar"):
            yield Label("Reporting year ")
            yield DeskSelect[int](
                [(reporting_year_label(y), y) for y in self.years],
                value=self.year,
                allow_blank=False,
                id="report-year",
            )
        with VerticalScroll(id="report-body"):
            yield Static("Counting…", id="report-charts")
            yield Static("", id="report-figures")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#report-body").focus()
        self.load()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, int) and event.value != self.year:
            self.year = event.value
            self.load()

    def action_year(self, step: int) -> None:
        year = self.year + step
        if year not in self.years:
            self.notify(
                f"The picker goes from {reporting_year_label(self.years[0])} to "
                f"{reporting_year_label(self.years[-1])}."
            )
            return
        self.query_one("#report-year", Select).value = year  # Changed loads the year

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="report")
    def load(self) -> None:
        year = self.year
        self.app.call_from_thread(self._counting, year)
        report = report_for_year(self.desk, year_start=year)
        self.app.call_from_thread(self._show, report)

    def _counting(self, year: int) -> None:
        self.report = None
        self.query_one("#title", Static).update(
            f"Annual report {reporting_year_label(year)}: counting…"
        )

    def _show(self, report: AnnualReport) -> None:
        if report.year_start != self.year:
            return  # the user has moved on to another year meanwhile
        self.report = report
        self.query_one("#title", Static).update(
            f"Annual report {report.label}: {report.start.day} {report.start:%B %Y} to "
            f"{report.end.day} {report.end:%B %Y} · [ ] year · w HTML"
        )
        self.query_one("#report-charts", Static).update(report_charts(report))
        self.query_one("#report-figures", Static).update(report_text(report))

    def action_write_html(self) -> None:
        if self.report is None:
            self.notify("The figures are still being counted.")
            return
        path = write_report_html(self.report, folder=reports_dir(demo=self.iro_app.demo))
        self.notify(f"Wrote {path}", title="Annual report")
