"""What every service call needs besides the session: who, which settings, which calendar."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from iro_desk import clock as wall_clock
from iro_desk.config import Settings
from iro_desk.db.engine import read_session, write_session
from iro_desk.rules.timescales import Timescales
from iro_desk.rules.working_days import WorkingCalendar, default_calendar

T = TypeVar("T")


@dataclass
class Ctx:
    user: str
    settings: Settings = field(default_factory=Settings)
    calendar: WorkingCalendar = field(default_factory=default_calendar)
    today: date = field(default_factory=wall_clock.today)
    # The clock (UTC); iro_desk.clock is the one source, which tests pin.
    clock: Callable[[], datetime] = field(default=wall_clock.now)
    # The machine's name, kept on each audit event: a unit's laptops sync into one trail.
    device: str = field(default_factory=lambda: socket.gethostname()[:100])

    def now(self) -> datetime:
        return self.clock()

    @property
    def ts(self) -> Timescales:
        return self.settings.timescales


@dataclass
class Desk:
    """An open database plus the context: what the CLI and the TUI both hold."""

    engine: Engine
    ctx: Ctx

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = read_session(self.engine)
        try:
            yield session
        finally:
            session.close()

    def write(self):
        return write_session(self.engine)

    def save(self, action: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """One user action as one transaction: ``action(session, ctx, *args, **kwargs)``,
        committed, or nothing at all if it raises. Callers then hold no session."""
        with self.write() as session:
            return action(session, self.ctx, *args, **kwargs)


def open_desk(
    url: str,
    ctx: Ctx,
    *,
    migrate: bool = True,
    notify: Callable[[str], None] | None = None,
    passphrase: str | None = None,
) -> Desk:
    """Open (and if needed create or upgrade) the database behind ``url``.

    A file that is damaged, not a database or another program's raises
    ``DatabaseUnusable``; ``notify`` hears what an upgrade did about a backup.
    ``passphrase`` opens an encrypted SQLite file (and encrypts a new one).
    """
    from iro_desk.db.engine import make_engine
    from iro_desk.db.migrate import ensure_schema

    engine = make_engine(url, passphrase=passphrase)
    try:
        if migrate:
            ensure_schema(engine, notify=notify)
    except BaseException:
        engine.dispose()
        raise
    return Desk(engine, ctx)
