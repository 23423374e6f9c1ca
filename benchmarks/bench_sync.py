"""Time sync between a laptop and the unit's PostgreSQL server.

Usage (PostgreSQL reachable at IRO_DESK_BENCH_PG_URL, default the local test server):

    uv run python benchmarks/bench_sync.py [--scales 1,10] [--runs 3]

For each scale it makes a server database holding the demo unit (1x: about 480
children open to the unit and three years of history; 10x: ten times that), sets it up
with `server init`, then measures as whole `iro-desk` processes (median wall time and
peak memory over the runs):
  first sync     an empty laptop copies the whole unit
  incremental    a laptop with 10 changes of its own (child notes) pushes them and pulls

Targets (issue 8): the demo unit's first sync under 10 s; an incremental sync under 1 s.
The databases are dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

PG = os.environ.get("IRO_DESK_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
CLI = [sys.executable, "-c", "import sys; from iro_desk.cli import main; sys.exit(main())"]


def admin():
    return create_engine(
        PG.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )


def make_server(scale: int) -> tuple[str, str, int]:
    from iro_desk.db.models import TABLES
    from iro_desk.services.context import Ctx, open_desk
    from iro_desk.services.demo import generate_demo
    from iro_desk.services.sync import init_server

    name = f"iro_bench_{uuid.uuid4().hex[:8]}"
    with admin().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{PG.rpartition('/')[0]}/{name}"
    desk = open_desk(url, Ctx(user="bench"))
    with desk.write() as session:
        generate_demo(session, desk.ctx, seed=1, children=480 * scale)
    init_server(desk)
    with desk.engine.connect() as conn:
        rows = sum(
            conn.execute(select(func.count()).select_from(t)).scalar() for t in TABLES.values()
        )
    desk.engine.dispose()
    return name, url, rows


def drop(name: str) -> None:
    with admin().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run(args: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(CLI + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}: {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def first_user(url: str) -> str:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        name = conn.execute(text("SELECT name FROM iro ORDER BY name LIMIT 1")).scalar()
    engine.dispose()
    return name


def measure(scale: int, runs: int) -> list[tuple[str, float, float]]:
    name, url, rows = make_server(scale)
    user = first_user(url)
    results = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            first = []
            for n in range(runs):
                db = str(Path(folder) / f"first{n}.db")
                first.append(run(["--db", db, "--user", user, "sync", "--server", url]))
            results.append((f"{scale}x first sync ({rows:,} rows)", *_median(first)))
            laptop = str(Path(folder) / "first0.db")
            refs = _some_refs(laptop, 10 * runs)
            incremental = []
            for n in range(runs):
                for ref in refs[n * 10 : (n + 1) * 10]:
                    run(
                        [
                            "--db",
                            laptop,
                            "--user",
                            user,
                            "child",
                            "edit",
                            ref,
                            "--notes",
                            f"bench {n}",
                        ]
                    )
                incremental.append(run(["--db", laptop, "--user", user, "sync"]))
            results.append((f"{scale}x incremental sync, 10 changes", *_median(incremental)))
            results.append(
                (f"{scale}x   the same, inside one process", *_in_process(laptop, user, refs, runs))
            )
    finally:
        drop(name)
    return results


def _in_process(laptop: str, user: str, refs: list[str], runs: int) -> tuple[float, float]:
    """The sync itself, without Python starting and importing: what the desk's background
    sync costs once it is running."""
    import resource

    from iro_desk.db.engine import sqlite_url
    from iro_desk.services.child_details import update_child
    from iro_desk.services.context import Ctx, open_desk
    from iro_desk.services.sync import sync_now

    desk = open_desk(sqlite_url(Path(laptop)), Ctx(user=user))
    walls = []
    for n in range(runs):
        with desk.write() as session:
            for ref in refs[:10]:
                update_child(session, desk.ctx, ref, notes=f"in process {n}")
        start = time.perf_counter()
        sync_now(desk)
        walls.append(time.perf_counter() - start)
    desk.engine.dispose()
    return statistics.median(walls), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _some_refs(db: str, n: int) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return [r for (r,) in conn.execute("SELECT ref FROM child ORDER BY ref LIMIT ?", (n,))]
    finally:
        conn.close()


def _median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'measure':<48} {'median wall s':>13} {'peak MiB':>9}")
    for scale in (int(s) for s in args.scales.split(",")):
        for label, wall, peak in measure(scale, args.runs):
            print(f"{label:<48} {wall:>13.2f} {peak:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
