"""Build a national-scale demo database with the real CLI, then say how big it came out.

    uv run python benchmarks/build_national.py --db /tmp/national.db
    uv run python benchmarks/build_national.py --db /tmp/20k.db --children 20000

Runs ``iro-desk --db PATH demo --children N --seed S`` in a subprocess (what a user would
type), times it, and prints the row counts of the tables that grow with the unit and the
size of the file. The database is kept for the other benchmarks to query.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

COUNTED = ("child", "meeting_child", "visit")


def cli_command() -> list[str]:
    """The installed ``iro-desk`` next to this Python (the project's environment)."""
    beside = Path(sys.executable).with_name("iro-desk")
    found = str(beside) if beside.exists() else shutil.which("iro-desk")
    if found is None:
        sys.exit("iro-desk is not installed here: run this with `uv run python ...`")
    return [found]


def row_counts(path: Path) -> dict[str, int]:
    # Read-only and outside the application: this is the benchmark looking at the file.
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in COUNTED
        }


def file_size(path: Path) -> int:
    # A WAL file left behind still belongs to the database.
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="SQLite file to create")
    parser.add_argument("--children", type=int, default=200_000, help="children open now")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.db.exists():
        parser.error(f"{args.db} already exists; remove it first (or choose another path)")

    command = cli_command() + [
        "--db", str(args.db), "demo", "--children", str(args.children), "--seed", str(args.seed),
    ]  # fmt: skip
    print("$", " ".join(command), flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(f"iro-desk demo failed (exit code {done.returncode})", file=sys.stderr)
        return done.returncode

    counts = row_counts(args.db)
    size = file_size(args.db)
    print()
    print(f"{'children (--children)':<24}{args.children:>16,}")
    for table, count in counts.items():
        print(f"{table + ' rows':<24}{count:>16,}")
    print(f"{'file size':<24}{size / 2**20:>13,.0f} MB")
    print(f"{'time to build':<24}{seconds:>14,.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
