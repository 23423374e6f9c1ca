"""Time `iro-desk report` in every format over a large database.

Usage (after `python benchmarks/build_national.py --db benchmarks/data/national.db`):

    uv run python benchmarks/bench_report.py --db benchmarks/data/national.db --year 2025

Runs `iro-desk --db DB report --year Y --format F --output OUT` as a whole process for
each format (text, md, html, csv, json), a few times each, and prints the median and
fastest wall time and the peak memory. The database is only read. Target (issue 9):
every format under 10 s at national scale. The HTML written by the last run is kept
(``--keep FILE``) so that it can be opened in a browser, and ``--screenshot PNG`` opens
it in headless Chromium (``chromium`` on the PATH) and fails unless a picture is taken.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMATS = ("text", "md", "html", "csv", "json")


def timed(cmd: list[str], runs: int) -> tuple[float, float, float]:
    """Median and fastest wall seconds, and the largest peak RSS (MiB), of the runs; the
    first run warms the page cache and is not counted."""
    walls, peaks = [], []
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"{' '.join(cmd)} failed: {err}")
        if i:
            walls.append(elapsed)
            peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), min(walls), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="copy the HTML report here")
    parser.add_argument("--screenshot", type=Path, help="PNG of the HTML in headless Chromium")
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("iro-desk"))
    print(f"report --year {args.year} over {args.db} ({args.db.stat().st_size / 2**20:,.0f} MiB)")
    print(f"{'format':8} {'median':>8} {'fastest':>8} {'peak':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS:
            out = Path(tmp) / ("tables" if fmt == "csv" else f"report.{fmt}")
            cmd = [exe, "--db", str(args.db), "report", "--year", str(args.year)]
            median, fastest, peak = timed([*cmd, "--format", fmt, "--output", str(out)], args.runs)
            print(f"{fmt:8} {median:7.2f}s {fastest:7.2f}s {peak:6.0f} MiB")
        html = Path(tmp) / "report.html"
        if args.keep:
            shutil.copy(html, args.keep)
        if args.screenshot:
            screenshot(html, args.screenshot)


def screenshot(html: Path, png: Path) -> None:
    """Open the page in headless Chromium, A4-ish width, and keep a picture of its top."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium is not installed: no screenshot")
    png.unlink(missing_ok=True)
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           f"--screenshot={png.resolve()}", "--window-size=900,1600",
           html.resolve().as_uri()]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or not png.exists() or png.stat().st_size == 0:
        raise SystemExit(f"chromium failed ({proc.returncode}): {proc.stderr[-500:]}")
    print(f"screenshot: {png} ({png.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
