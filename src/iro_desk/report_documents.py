"""The annual report as documents: Markdown, a self-contained HTML page, CSV files.

Text (``report_layout``) stays the CLI's default; these are for a council's document
system and the Corporate Parenting Board. The tables come from ``report_tables``, the
charts from ``report_svg``; nothing here counts anything.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from iro_desk.report_svg import report_charts
from iro_desk.report_tables import Cell, Table, day, report_tables
from iro_desk.services.private_files import write_csv_atomically
from iro_desk.services.report.figures import AnnualReport

TITLE = "Independent Reviewing Officer service: annual report"


def cell_text(value: Cell) -> str:
    """How a cell prints in a document: a blank for no value, "yes"/"no" as written."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _csv_cell(value: Cell) -> str:
    """Stored text that a spreadsheet would run as a formula is written as text."""
    text = cell_text(value)
    if isinstance(value, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _intro(r: AnnualReport) -> str:
    return (
        f"Reporting year {r.label}: {day(r.start)} to {day(r.end)}. Every figure is "
        "counted from the records held by IRO Desk."
    )


# -- Markdown -------------------------------------------------------------------------


def _md_cell(value: Cell) -> str:
    # A pipe would end the cell; a newline would end the row.
    return cell_text(value).replace("|", "\\|").replace("\n", " ")


def _md_table(t: Table) -> list[str]:
    numeric = [all(isinstance(row[i], int | float) or row[i] is None for row in t.rows)
               for i in range(len(t.columns))]  # fmt: skip
    out = [f"## {t.title}", ""]
    out.append("| " + " | ".join(_md_cell(c) for c in t.columns) + " |")
    out.append("|" + "|".join("---:" if n and t.rows else "---" for n in numeric) + "|")
    out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in t.rows]
    if not t.rows:
        out.append("| " + " | ".join("" for _ in t.columns) + " |")
    return [*out, ""]


def report_markdown(r: AnnualReport) -> str:
    lines = [f"# {TITLE} {r.label}", "", _intro(r), ""]
    for t in report_tables(r):
        lines += _md_table(t)
    return "\n".join(lines)


# -- HTML -----------------------------------------------------------------------------

STYLE = """
@page { size: A4; margin: 15mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; color: #111;
       max-width: 180mm; margin: 0 auto; }
h1 { font-size: 16pt; color: #1f4e79; }
h2 { font-size: 12pt; color: #1f4e79; margin-top: 1.2em; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1em; page-break-inside: avoid; }
th, td { border: 1px solid #999; padding: 2px 5px; text-align: left; vertical-align: top; }
th { background: #deebf7; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0.5em 0 1em; page-break-inside: avoid; }
svg.chart { width: 100%; height: auto; }
svg .chart-title { font: bold 13px Arial, sans-serif; }
svg .v { font: 9px Arial, sans-serif; text-anchor: middle; }
svg .l { font: 10px Arial, sans-serif; text-anchor: middle; }
svg .l[text-anchor=end] { text-anchor: end; }
svg .k { font: 11px Arial, sans-serif; }
"""


def _html_table(t: Table) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in t.columns)
    body = []
    for row in t.rows:
        cells = "".join(
            f'<td class="n">{escape(cell_text(v))}</td>'
            if isinstance(v, int | float) and not isinstance(v, bool)
            else f"<td>{escape(cell_text(v))}</td>"
            for v in row
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<h2 id="{escape(t.key)}">{escape(t.title)}</h2>\n'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def report_html(r: AnnualReport) -> str:
    """One page with everything inline (style and SVG charts): no network, prints on A4."""
    charts = "\n".join(f"<figure>{svg}</figure>" for svg in report_charts(r))
    tables = "\n".join(_html_table(t) for t in report_tables(r))
    title = escape(f"{TITLE} {r.label}")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{STYLE}</style></head>\n"
        f"<body><h1>{title}</h1><p>{escape(_intro(r))}</p>\n"
        f'<h2 id="charts">Charts</h2>\n{charts}\n{tables}\n</body></html>\n'
    )


# -- CSV ------------------------------------------------------------------------------


def write_report_csv(r: AnnualReport, folder: Path) -> list[Path]:
    """One CSV file per table in ``folder`` (made if missing); returns the files written."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    for t in report_tables(r):
        path = folder / f"{t.key}.csv"
        write_csv_atomically(path, t.columns, ([_csv_cell(v) for v in row] for row in t.rows))
        written.append(path)
    return written
