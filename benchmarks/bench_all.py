"""Every row of issue 11's table at 1x, 10x and 50x in one run; the table goes into README.md.

    uv run python benchmarks/bench_all.py --data /work/bench-data [--scales 1,10,50]

Scale 1x is the demo unit (480 children looked after or on plans); 10x and 50x are the same
unit built bigger (``build_national.py --children 4800 / 24000``). The databases and each
scale's 903 return (the 2025-26 year, exported from that database) are made the first time
into ``--data`` (keep it outside the repository) and reused after that: building 50x takes
minutes on a busy machine.

Rows, each a median of whole processes (a first run, not counted, warms the page cache and
takes the day's first backup and file check):
  caseload --iro   the largest caseload, and its ratio to
                   ``python -c "import sqlmodel, rich.console, rich.table, click"`` run
                   alternately with it (wall and CPU; CPU is the steadier on a shared machine)
  import 903       the scale's return into an empty database: wall, CPU, peak memory
  TUI              bench_tui.py's driver: F3 to the caseload filled and Enter to the child
                   filled (net of the harness's own key press), launch to the desk painted
  caseload --all   wall, CPU, peak memory

``--only import`` measures the import alone at each scale, with how its peak memory grows
per child added to the return (flat: only what it must know of each child).

Only Python's standard library is used (resource usage of each child process).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_tui  # noqa: E402  (the TUI driver beside this file)

PY = sys.executable
EXE = [str(Path(PY).with_name("iro-desk"))]
# --baseline SRC: another checkout's src/ (for before-and-after figures), started as the
# `iro-desk` of its day was: straight into the click group.
BASELINE_EXE = [PY, "-c", "from iro_desk.cli import main; main()"]
BASE_CHILDREN = 480  # the demo unit: 1x
SCRATCH: list[Path | None] = [None]  # --scratch: where imports make their databases
FLOOR = [PY, "-c", "import sqlmodel, rich.console, rich.table, click"]


@dataclass
class Runs:
    """Wall seconds, CPU seconds and peak RSS (MiB) of each counted run."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak: list[float] = field(default_factory=list)

    def med(self, what: str) -> float:
        return statistics.median(getattr(self, what))


def run_once(cmd: list[str], into: Runs | None, env: dict[str, str] | None = None) -> None:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{shlex.join(cmd)} failed:\n{err.decode(errors='replace')}")
    if into is not None:
        into.wall.append(wall)
        into.cpu.append(usage.ru_utime + usage.ru_stime)
        into.peak.append(usage.ru_maxrss / 1024)


def alternate(cmds: list[list[str]], runs: int) -> list[Runs]:
    """The commands run in turn, so a busy spell on the machine hits each alike."""
    out = [Runs() for _ in cmds]
    for i in range(runs + 1):
        for cmd, into in zip(cmds, out, strict=True):
            run_once(cmd, into if i else None)
    return out


def prepare(data: Path, scale: int) -> tuple[Path, Path]:
    """The scale's database and its 903 return, made once and kept in ``data``."""
    children = BASE_CHILDREN * scale
    db = data / f"x{children}.db"
    if not db.exists():
        subprocess.run(
            [PY, str(HERE / "build_national.py"), "--db", str(db), "--children", str(children)],
            check=True,
        )
    ret = data / f"r903_x{children}"
    if not (ret / "header.csv").exists():
        ret.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [*EXE, "--db", str(db), "export", "903", "--year", "2025", str(ret)],
            check=True,
            capture_output=True,
        )
    return db, ret


def import_903(data: Path, ret: Path, runs: int) -> Runs:
    out = Runs()
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=SCRATCH[0] or data) as tmp:
            os.chmod(tmp, 0o700)
            run_once([*EXE, "--db", str(Path(tmp) / "new.db"), "import", "903", str(ret)], out)
    return out


def measure_scale(data: Path, scale: int, args: argparse.Namespace) -> dict[str, str]:
    db, ret = prepare(data, scale)
    iro = bench_tui.pick(db)
    one = [*EXE, "--db", str(db), "caseload", "--iro", iro]
    floor, mine = alternate([FLOOR, one], args.runs)
    (every,) = alternate([[*EXE, "--db", str(db), "caseload", "--all"]], max(3, args.runs // 2))
    imported = import_903(data, ret, args.import_runs if scale > 1 else args.runs)
    tui = bench_tui.measure(db, iro, args.tui_runs)
    harness = statistics.median(r["harness"] for r in tui)

    def tui_net(key: str) -> str:
        values = [(r[key] - harness) * 1000 for r in tui]
        return f"{statistics.median(values):.0f} ms (max {max(values):.0f})"

    paint = [r["first_paint"] for r in tui]
    return {
        "caseload --iro (ratio to the import floor)": (
            f"{mine.med('wall') / floor.med('wall'):.2f}x wall "
            f"({mine.med('wall'):.2f} s / {floor.med('wall'):.2f} s), "
            f"{mine.med('cpu') / floor.med('cpu'):.2f}x CPU"
        ),
        "import 903 into an empty database": (
            f"{imported.med('wall'):.1f} s wall, {imported.med('cpu'):.1f} s CPU, "
            f"{max(imported.peak):.0f} MiB peak"
        ),
        "TUI: F3 to a filled caseload (net)": tui_net("caseload"),
        "TUI: Enter to a filled child screen (net)": tui_net("child"),
        "TUI: launch to the duty desk painted": (
            f"{statistics.median(paint):.2f} s (max {max(paint):.2f})"
        ),
        "caseload --all": (
            f"{every.med('wall'):.2f} s wall, {every.med('cpu'):.2f} s CPU, "
            f"{max(every.peak):.0f} MiB peak"
        ),
    }


def import_only(args: argparse.Namespace) -> str:
    """``--only import``: the import at each scale, and how its peak grows with the return.

    Flat memory means the peak does not grow with the number of children beyond what the
    import must know of each (see README.md, "import 903"): the last column is the growth
    of the peak since the previous scale, per child added to the return.
    """
    rows = []
    before: tuple[int, float] | None = None
    for scale in (int(s) for s in args.scales.split(",")):
        _, ret = prepare(args.data, scale)
        with (ret / "header.csv").open(encoding="utf-8") as handle:
            children = sum(1 for line in handle if line.strip()) - 1
        runs = import_903(args.data, ret, args.import_runs)
        peak = statistics.median(runs.peak)
        growth = (
            f"{(peak - before[1]) * 2**20 / (children - before[0]):.0f} bytes"
            if before is not None and children > before[0]
            else "-"
        )
        rows.append(
            f"| {scale}x ({children:,}) | {runs.med('cpu'):.2f} s ({min(runs.cpu):.2f}-"
            f"{max(runs.cpu):.2f}) | {peak:.1f} MiB ({min(runs.peak):.1f}-{max(runs.peak):.1f}) "
            f"| {growth} |"
        )
        before = (children, peak)
    head = (
        "| scale (children in the return) | CPU, user + system | peak memory "
        "| peak growth per child added |\n|---|---|---|---|"
    )
    return head + "\n" + "\n".join(rows)


TARGETS = {
    "caseload --iro (ratio to the import floor)": "at most 1.2x",
    "import 903 into an empty database": "under 15 s, under 200 MiB, flat",
    "TUI: F3 to a filled caseload (net)": "under 200 ms",
    "TUI: Enter to a filled child screen (net)": "under 200 ms",
    "TUI: launch to the duty desk painted": "under 1.2 s",
    "caseload --all": "under 2 s (at 50x)",
}


def table(results: dict[int, dict[str, str]]) -> str:
    scales = sorted(results)
    head = "| what | " + " | ".join(f"{s}x" for s in scales) + " | target |"
    rule = "|---" * (len(scales) + 2) + "|"
    rows = [
        f"| {what} | " + " | ".join(results[s][what] for s in scales) + f" | {target} |"
        for what, target in TARGETS.items()
    ]
    return "\n".join([head, rule, *rows])


def write_readme(text: str, label: str) -> None:
    start, end = f"<!-- bench_all:{label}:start -->", f"<!-- bench_all:{label}:end -->"
    readme = HERE / "README.md"
    body = readme.read_text()
    block = f"{start}\n{text}\n{end}"
    if start in body:
        body = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: block, body, flags=re.S)
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="databases live here")
    parser.add_argument("--scales", default="1,10,50")
    parser.add_argument("--runs", type=int, default=11, help="runs of each quick command")
    parser.add_argument("--import-runs", type=int, default=1, help="imports at 10x and 50x")
    parser.add_argument("--tui-runs", type=int, default=3)
    parser.add_argument("--write", metavar="LABEL", help="put the table in README.md")
    parser.add_argument("--baseline", type=Path, help="measure this src/ folder instead")
    parser.add_argument(
        "--only", choices=["import"], help="only the import at each scale (--import-runs each)"
    )
    parser.add_argument(
        "--scratch", type=Path, help="make the imports' databases here (default: --data)"
    )
    args = parser.parse_args()
    SCRATCH[0] = args.scratch
    if not shutil.which(EXE[0]):
        raise SystemExit("run with `uv run python benchmarks/bench_all.py ...`")
    if args.baseline:
        os.environ["PYTHONPATH"] = str(args.baseline.resolve())
        EXE[:] = BASELINE_EXE
    args.data.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("COLUMNS", "120")
    load_before = os.getloadavg()[0]
    started = datetime.now(UTC)
    if args.only == "import":
        text = (
            f"{'The code in ' + str(args.baseline) if args.baseline else 'This checkout'}, "
            f"measured {started:%d %b %Y %H:%M} UTC by `bench_all.py --only import` on "
            f"{os.cpu_count()} cores (load average {load_before:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end); each scale's 2025-26 return into an empty "
            f"database, median of {args.import_runs} runs (range):\n\n{import_only(args)}"
        )
        print(text)
        if args.write:
            write_readme(text, args.write)
        return
    results = {int(s): measure_scale(args.data, int(s), args) for s in args.scales.split(",")}
    load_after = os.getloadavg()[0]
    code = f"The code in {args.baseline}" if args.baseline else "This checkout"
    text = (
        f"{code}, measured {started:%d %b %Y %H:%M} UTC by `bench_all.py` on "
        f"{os.cpu_count()} cores "
        f"(load average {load_before:.1f} at the start, {load_after:.1f} at the end; "
        f"other engineers' test runs share the machine, so wall times vary most); medians of "
        f"{args.runs} runs of each quick command, {args.tui_runs} TUI runs, "
        f"{args.import_runs} import at 10x and 50x.\n\n{table(results)}"
    )
    print(text)
    if args.write:
        write_readme(text, args.write)


if __name__ == "__main__":
    main()
