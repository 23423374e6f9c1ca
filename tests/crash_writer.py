"""A process for the crash and concurrency tests to kill or to run side by side.

Run with ``python -m tests.crash_writer MODE ...`` from the repository root (the tests do,
with ``sys.executable``). Every write goes through the services in its own transaction,
and a line naming what was written is printed (and flushed) only once its commit has
returned: a printed id is a promise that the record is in the database.

Modes:

``writes URL REF IRO [COUNT]``
    Alternately a visit (``v <id>``) and a duty enquiry (``e <id>``), COUNT in all or
    for ever. Prints ``done`` at the end.
``import URL DIR``
    ``import 903`` of DIR in one transaction: prints ``begin``, then ``committed``.
``zygote``
    Imports everything once, then for each ``writes ...`` or ``import ...`` line read
    from stdin forks a child that runs it (a fork starts in milliseconds, a new
    interpreter in about a second) and prints ``pid <n>``. ``reap`` waits for that child
    and prints ``reaped <status>`` after everything the child printed. The child is a
    real process: SIGKILL stops it wherever it is, like a power cut to the program.
``tui URL REF``
    The desk headless (Textual's ``App.run_test``): opens the visit form for REF, types
    the child's views, waits past the draft's autosave delay, prints ``typed`` and
    then waits to be killed.

The clock comes from ``IRO_DESK_NOW``, which the tests set: nothing here reads the real
one. Busy waits use the engine's own timeout, so a "database is locked" is a failure.
"""

from __future__ import annotations

import os
import shlex
import sys
from datetime import date
from pathlib import Path

TUI_VIEWS = "Wants to see her brother more often \u202eand\u202c to keep her dog \U0001f415"


def _out(line: str) -> None:
    # One write() of a short line: a pipe never carries half of it, even if killed.
    os.write(1, (line + "\n").encode())


def _desk(url: str):
    from iro_desk.services.context import Ctx, open_desk

    return open_desk(url, Ctx(user="crash-writer"), migrate=False)


def writes(url: str, ref: str, iro_name: str, count: int | None = None) -> None:
    from iro_desk.services.children import child_by_ref
    from iro_desk.services.duty import log_enquiry
    from iro_desk.services.iros import find_iro
    from iro_desk.services.visits import record_visit

    desk = _desk(url)
    visit_day = date(2026, 11, 20)
    n = 0
    while count is None or n < count:
        if n % 2 == 0:
            with desk.write() as session:
                child = child_by_ref(session, ref)
                visit = record_visit(
                    session,
                    desk.ctx,
                    child,
                    find_iro(session, iro_name),
                    visit_date=visit_day,
                    location="placement",
                    purpose="between_reviews",
                    seen_alone=True,
                    views=f"visit {n} from {os.getpid()}",
                )
                written = f"v {visit.id.hex}"
        else:
            with desk.write() as session:
                enquiry = log_enquiry(
                    session,
                    desk.ctx,
                    category="ADVICE",
                    summary=f"call {n} from {os.getpid()}",
                    child_ref=ref,
                    taken_by=iro_name,
                )
                written = f"e {enquiry.id.hex}"
        _out(written)  # after the commit: the with-block has returned
        n += 1
    desk.engine.dispose()
    _out("done")


def import_return(url: str, directory: str) -> None:
    from iro_desk.services.ssda903 import import_903

    desk = _desk(url)
    _out("begin")
    with desk.write() as session:
        import_903(session, desk.ctx, Path(directory))
    _out("committed")
    desk.engine.dispose()


def _run(args: list[str]) -> None:
    mode, rest = args[0], args[1:]
    if mode == "writes":
        writes(rest[0], rest[1], rest[2], int(rest[3]) if len(rest) > 3 else None)
    elif mode == "import":
        import_return(rest[0], rest[1])
    else:
        raise SystemExit(f"unknown mode {mode!r}")


def zygote() -> None:
    # Everything a child needs, imported once before any fork (no engine is open here).
    import iro_desk.services.children  # noqa: F401
    import iro_desk.services.context  # noqa: F401
    import iro_desk.services.duty  # noqa: F401
    import iro_desk.services.iros  # noqa: F401
    import iro_desk.services.ssda903  # noqa: F401
    import iro_desk.services.visits  # noqa: F401

    _out("ready")
    child = 0
    for line in sys.stdin:
        words = shlex.split(line)
        if not words:
            continue
        if words[0] == "reap":
            _, status = os.waitpid(child, 0)
            _out(f"reaped {status}")
            continue
        child = os.fork()
        if child == 0:
            code = 0
            try:
                _run(words)
            except BaseException as exc:  # reported to the test, which fails on it
                _out(f"error {type(exc).__name__}: {exc}")
                code = 1
            os._exit(code)
        _out(f"pid {child}")


async def _tui(url: str, ref: str) -> None:
    from textual.widgets import TextArea

    from iro_desk.app import make_app
    from iro_desk.screens.children.visit_form import AUTOSAVE_SECONDS, VisitFormScreen

    desk = _desk(url)
    app = make_app(desk, start="caseload")
    app.animation_level = "none"
    app.warm_up = False
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(VisitFormScreen(ref))
        # The form loads the child (and any draft) in a worker, then fills itself in.
        for _ in range(10):
            await pilot.pause()
            await app.workers.wait_for_complete()
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        area = form.query_one("#visit-views", TextArea)
        area.focus()
        area.insert(TUI_VIEWS[:-6])
        await pilot.press(*TUI_VIEWS[-6:-1])  # typed as keys: the change events fire
        area.insert(TUI_VIEWS[-1])
        await pilot.pause(AUTOSAVE_SECONDS + 0.3)  # past the autosave delay
        await app.workers.wait_for_complete()
        _out("typed")
        await pilot.pause(600)  # killed long before this


def main(argv: list[str]) -> None:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    if argv[0] == "zygote":
        zygote()
    elif argv[0] == "tui":
        import asyncio

        asyncio.run(_tui(argv[1], argv[2]))
    else:
        _run(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
