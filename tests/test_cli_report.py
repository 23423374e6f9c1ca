"""`iro-desk report` as documents: text (the default), Markdown, HTML, CSV and JSON.

The unit is the one of tests/services/test_report.py, whose figures are counted by hand
there; here each format must carry the same figures."""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from iro_desk.cli import main
from iro_desk.services.context import Desk
from iro_desk.services.report import AnnualReport, annual_report
from tests.services.test_report import _children, _conferences, _reviews, _unit_work


@pytest.fixture
def db(sqlite_desk: Desk, tmp_path: Path) -> tuple[Path, AnnualReport]:
    _children(sqlite_desk)
    meetings = _reviews(sqlite_desk)
    _conferences(sqlite_desk)
    _unit_work(sqlite_desk, meetings)
    with sqlite_desk.read() as s:
        report = annual_report(s, sqlite_desk.ctx, 2025)
    sqlite_desk.engine.dispose()
    return tmp_path / "iro-desk.db", report


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), "--user", "ada", "report", *args])
    return result.exit_code, result.stdout, result.stderr


def test_text_stays_the_default_and_json_keeps_its_synonym(db) -> None:
    path, r = db
    code, text, _ = _run(path, "--year", "2025")
    assert code == 0
    assert _run(path, "--year", "2025", "--format", "text")[1] == text
    assert "Children looked after, 2025-26" in text and "8 of 9 (88.9%)" in text
    as_json = json.loads(_run(path, "--year", "2025", "--json")[1])
    assert as_json == json.loads(_run(path, "--year", "2025", "--format", "json")[1])
    # Today's keys are all still there, with the same figures.
    assert as_json["cla"] == r.cla == 3
    assert as_json["reviews"] == {"held": 9, "on_time": 8, "percent": 88.9, "short_break_held": 0}
    assert {"cla_trend", "placements", "legal_orders", "icpc_reports", "caseload"} <= set(as_json)


def test_markdown_tables(db, tmp_path: Path) -> None:
    path, r = db
    out = tmp_path / "report.md"
    code, said, _ = _run(path, "--year", "2025", "--format", "md", "--output", str(out))
    assert code == 0 and str(out) in said
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# Independent Reviewing Officer service: annual report 2025-26")
    assert "## Placements at 31 March 2025 and at 31 March 2026" in md
    held = next(line for line in md.splitlines() if line.startswith("| Held on time |"))
    assert held == f"| Held on time | {r.reviews.on_time} | {r.reviews.percent:.1f} |"
    # Every table row has as many cells as its header.
    for block in re.split(r"\n## ", md)[1:]:
        rows = [line for line in block.splitlines() if line.startswith("|")]
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in rows}
        assert len(widths) == 1, block


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [v or "" for k, v in attrs if k in ("src", "href")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_one_self_contained_printable_page(db, tmp_path: Path) -> None:
    path, r = db
    out = tmp_path / "report.html"
    assert _run(path, "--year", "2025", "--format", "html", "--output", str(out))[0] == 0
    html = out.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    # Nothing fetched: no scripts, no links, no external images or fonts.
    assert "script" not in page.tags and "link" not in page.tags and page.links == []
    assert "@import" not in html and "url(" not in html
    assert "size: A4" in html
    # Three inline charts: the trend, placement groups, participation by month.
    assert page.tags.count("svg") == 3
    text = " ".join(page.text)
    for t in r.cla_trend:
        assert t.label in text
    assert "Children aged 4+ who took part in CP conferences, by month (%)" in text
    assert page.tags.count("table") >= 15


def test_csv_writes_one_file_per_table(db, tmp_path: Path) -> None:
    path, r = db
    folder = tmp_path / "tables"
    code, said, _ = _run(path, "--year", "2025", "--format", "csv", "--output", str(folder))
    assert code == 0 and "tables" in said
    names = {p.name for p in folder.iterdir()}
    assert {"cla_trend.csv", "placements.csv", "participation.csv", "caseloads.csv"} <= names
    with (folder / "cla_trend.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Year", "At", "Looked after"]
    assert rows[1:] == [[t.label, t.as_of.isoformat(), str(t.cla)] for t in r.cla_trend]
    with (folder / "legal_orders.csv").open(newline="", encoding="utf-8") as f:
        orders = {row["Code"]: int(row["Made"]) for row in csv.DictReader(f)}
    assert orders == {o.code: o.count for o in r.legal_orders}


def test_csv_needs_a_folder(db) -> None:
    path, _ = db
    code, _, err = _run(path, "--year", "2025", "--format", "csv")
    assert code == 2 and err.startswith("error: --output:")
