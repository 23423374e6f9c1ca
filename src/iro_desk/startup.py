"""The ``iro-desk`` command's entry point: start-up without the garbage collector.

Starting a command creates hundreds of thousands of long-lived objects (modules, classes,
the table mappings). Python's cyclic garbage collector keeps re-scanning all of them while
they are being made, which cost about a sixth of a quick command (``caseload --iro``) and
frees nothing. So collection is off while the process starts; after ``GC_PAUSE_SECONDS``
what exists then is frozen (set aside from future scans) and collection resumes, so a long
run (the TUI, an import) collects as usual and a quick command has ended before then.
"""

from __future__ import annotations

import gc
import threading

GC_PAUSE_SECONDS = 1.0


def resume_gc() -> None:
    """Collection back on, the start-up's objects frozen out of its scans."""
    gc.freeze()
    gc.enable()


def pause_gc() -> None:
    """Collection off now, back on (with the start-up frozen) after ``GC_PAUSE_SECONDS``."""
    gc.disable()
    timer = threading.Timer(GC_PAUSE_SECONDS, resume_gc)
    timer.daemon = True  # never keeps a finished command waiting
    timer.start()


def main() -> None:
    pause_gc()
    from iro_desk.cli import main as cli_main

    cli_main()
