"""Writing an export whole or not at all, readable by the user only: every file IRO Desk
writes (903 files, the bundle, the annual report) names children or the unit's IROs."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TextIO


def write_csv_atomically(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """A reader never sees half a file: write a temporary file beside it, flush it to disk,
    then rename it into place. Returns the number of rows written."""
    count = 0

    def write(handle: TextIO) -> None:
        nonlocal count
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1

    _write_atomically(path, write, newline="")
    return count


def write_text_privately(path: Path, text: str) -> None:
    """``path`` holds ``text`` whole, mode 0600 (an older file of the name is replaced, so
    it does not keep a wider mode)."""
    _write_atomically(path, lambda handle: handle.write(text), newline=None)


def _write_atomically(
    path: Path, write: Callable[[TextIO], object], *, newline: str | None
) -> None:
    # mkstemp makes the file 0600, and the rename keeps that mode.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline=newline, encoding="utf-8") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
