"""Crash soak: many more SIGKILLs than the test suite's 24, and imports killed part-way.

Usage (from the repository root):

    uv run python benchmarks/crash_soak.py [--kills 500] [--imports 50] [--seed 1]

The same harness and checks as tests/test_crash_safety.py: a writer forked from one
interpreter records visits and enquiries through the services, printing each id after
its commit, and is killed with SIGKILL 0.05-0.5 s after its first id; then
``PRAGMA integrity_check`` and ``foreign_key_check`` must pass and every printed id must
be in the database. Then ``import 903`` of 300 children killed at random points: all of
it or none. Exits 1 at the first broken promise, naming the round and the seed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("IRO_DESK_NOW", "2026-11-27T10:30:00+00:00")  # never the real clock

from tests.test_crash_safety import (  # noqa: E402
    IRO,
    REF,
    Zygote,
    big_return,
    ids_in,
    import_counts,
    kill_after_first_line,
    make_unit,
    sqlite_checks,
)

from iro_desk.db.engine import sqlite_url  # noqa: E402


def soak_writes(zygote: Zygote, folder: Path, kills: int, rng: random.Random) -> int:
    path = folder / "writes.db"
    url = make_unit(path)
    promised: set[str] = set()
    started = time.monotonic()
    for n in range(kills):
        pid = zygote.start("writes", url, REF, IRO)
        printed = kill_after_first_line(zygote, pid, rng.uniform(0.05, 0.5))
        promised |= {line for line in printed if line[:2] in ("v ", "e ")}
        sqlite_checks(path)
        missing = promised - ids_in(path)
        if missing:
            raise SystemExit(f"kill {n}: {len(missing)} committed records lost")
        if (n + 1) % 50 == 0:
            print(f"  {n + 1} kills, {len(promised)} records, {time.monotonic() - started:.0f} s")
    return len(promised)


def soak_imports(zygote: Zygote, folder: Path, rounds: int, rng: random.Random) -> tuple[int, int]:
    directory = big_return(folder / "return", 300)
    template = folder / "template.db"
    make_unit(template)
    before = import_counts(template)
    whole = folder / "whole.db"
    shutil.copy(template, whole)
    zygote.start("import", sqlite_url(whole), str(directory))
    zygote.lines.next()
    t0 = time.monotonic()
    zygote.reap()
    took = time.monotonic() - t0
    after = import_counts(whole)
    complete = 0
    for n in range(rounds):
        path = folder / "killed.db"
        shutil.copy(template, path)
        for extra in ("-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        pid = zygote.start("import", sqlite_url(path), str(directory))
        zygote.lines.next()
        time.sleep(rng.uniform(0.0, 1.1) * took)
        os.kill(pid, signal.SIGKILL)
        zygote.reap()
        sqlite_checks(path)
        found = import_counts(path)
        if found not in (before, after):
            raise SystemExit(f"import kill {n}: half an import: {found}")
        complete += found == after
    return complete, rounds - complete


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=500)
    parser.add_argument("--imports", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.chdir(ROOT)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ.setdefault("IRO_DESK_DATA_DIR", str(folder / "data"))
        zygote = Zygote(folder)
        try:
            t0 = time.monotonic()
            records = soak_writes(zygote, folder, args.kills, rng)
            print(
                f"{args.kills} kills of a writer: {records} committed records, none lost, "
                f"integrity ok ({time.monotonic() - t0:.0f} s)"
            )
            t0 = time.monotonic()
            whole, none = soak_imports(zygote, folder, args.imports, rng)
            print(
                f"{args.imports} kills of an import: {whole} whole, {none} not started or "
                f"rolled back, none half-written ({time.monotonic() - t0:.0f} s)"
            )
        finally:
            zygote.close()


if __name__ == "__main__":
    main()
