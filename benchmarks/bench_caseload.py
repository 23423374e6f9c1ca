"""Time `iro-desk caseload` against Python starting up with the same imports.

Usage (after `python benchmarks/build_national.py --db benchmarks/data/national.db`):

    uv run python benchmarks/bench_caseload.py --db benchmarks/data/national.db

Prints median wall time and peak memory over several runs of:
  floor      python -c "import <every module the caseload command imports>"
  one IRO    iro-desk caseload --iro NAME
  all        iro-desk --db DB caseload --all --overdue

Targets (issue 2): one IRO within 1.2x the floor; --all --overdue under 3 s at national scale.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable


def timed(cmd: list[str], runs: int) -> tuple[float, float, float]:
    """Median wall seconds, min wall seconds and the largest peak RSS (MiB) of the runs."""
    walls, peaks = [], []
    for i in range(runs + 1):  # the first run warms the page cache and is not counted
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd)} failed")
        if i:
            walls.append(elapsed)
            peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), min(walls), max(peaks)


def imported_modules(args: list[str]) -> list[str]:
    """Every module (dotted name) a caseload command imports, found by running it once."""
    probe = (
        "import sys, json, importlib.util\n"
        "from iro_desk.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "names = []\n"
        "for m in sorted(sys.modules):\n"
        "    if m == '__main__' or sys.modules[m] is None:\n"
        "        continue\n"
        "    if getattr(sys.modules[m], '__spec__', None) is None:\n"
        "        continue\n"
        "    names.append(m)\n"
        "sys.stderr.write(json.dumps(names))\n"
    )
    out = subprocess.run([PY, "-c", probe], check=True, capture_output=True, text=True)
    return json.loads(out.stderr.strip().splitlines()[-1])


def floor_script(modules: list[str], name: str) -> Path:
    """A script that only imports those modules: the start-up a caseload cannot avoid."""
    script = Path(tempfile.gettempdir()) / f"iro_desk_import_floor_{name}.py"
    script.write_text(
        "import importlib\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        pass\n"
    )
    return script


def typical_iro(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        (name,) = con.execute(
            "SELECT i.name FROM iro i JOIN allocation a ON a.iro_id = i.id "
            "WHERE a.end_date IS NULL GROUP BY i.name ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--as-of", default=None)
    args = parser.parse_args()
    exe = str(Path(PY).with_name("iro-desk"))
    base = [exe, "--db", str(args.db)]
    as_of = ["--as-of", args.as_of] if args.as_of else []
    iro = typical_iro(args.db)
    one = [*base, "caseload", "--iro", iro, *as_of]
    everyone = [*base, "caseload", "--all", "--overdue", *as_of]
    modules = imported_modules(one[1:])
    others = [m for m in modules if not m.startswith("iro_desk")]
    floor = [PY, str(floor_script(others, "others"))]
    floor_all = [PY, str(floor_script(modules, "all"))]
    os.environ.setdefault("COLUMNS", "120")
    # Compare like with like: compiled bytecode for every module, as an installed program has
    # (some machines set PYTHONDONTWRITEBYTECODE, which would otherwise recompile every run).
    import compileall
    import sysconfig

    for folder in {sysconfig.get_paths()["purelib"], str(Path(__file__).parents[1] / "src")}:
        compileall.compile_dir(folder, quiet=1, workers=0)

    results = []
    for label, cmd in (
        ("floor: same imports", floor),
        ("floor: same + IRO Desk's own", floor_all),
        (f"one IRO ({iro})", one),
        ("--all --overdue", everyone),
    ):
        med, low, rss = timed(cmd, args.runs)
        results.append((label, med, low, rss))
    floor_med = results[0][1]
    print(f"{'command':32} {'median s':>9} {'min s':>7} {'x floor':>8} {'peak MiB':>9}")
    for label, med, low, rss in results:
        print(f"{label:32} {med:9.3f} {low:7.3f} {med / floor_med:8.2f} {rss:9.0f}")
    print(
        f"\nfloors: Python importing the {len(others)} library modules the one-IRO command"
        f" imports, and those plus IRO Desk's own {len(modules) - len(others)}"
    )
    own = results[1][1]
    print(f"one IRO against the second floor: {results[2][1] / own:.2f}x")


if __name__ == "__main__":
    main()
