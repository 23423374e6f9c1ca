"""Writing a CSV file whole or not at all, for every export (903 files, the bundle)."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import suppress
from pathlib import Path


def write_csv_atomically(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """A reader never sees half a file: write a temporary file beside it, flush it to disk,
    then rename it into place. Returns the number of rows written."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    count = 0
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(row)
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return count
