"""Two desks adding the same thing at the same moment: one row, the other a clean error.

On PostgreSQL every desk checks "is it taken?" and then inserts. These tests make the
race certain: each desk waits at a barrier just before its first insert, so all of them
have passed the check before any inserts. The database's unique constraint then decides,
and the losers must get InvalidInput naming the field, not an IntegrityError.
(SQLite's writers queue on BEGIN IMMEDIATE, so there the check alone is enough.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from iro_desk.db.models import Child, Iro, RotaDay
from iro_desk.services import duty
from iro_desk.services.children import add_child
from iro_desk.services.context import Desk, open_desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.iros import add_iro
from iro_desk.services.unique import unique_or
from tests.builders import TODAY, make_ctx

WAIT = 20  # seconds; a broken test fails instead of hanging


def _race(pg_desk: Desk, writes: list[Callable[[Session, Desk], object]]) -> list[object]:
    """Run each write in its own thread, desk and engine; all insert at the same moment."""
    url = pg_desk.engine.url.render_as_string(hide_password=False)
    barrier = threading.Barrier(len(writes), timeout=WAIT)
    outcomes: list[object] = [None] * len(writes)

    def run(i: int) -> None:
        desk = open_desk(url, make_ctx(f"user{i}"), migrate=False)
        try:
            with desk.write() as session:
                waited = False

                @event.listens_for(session, "before_flush")
                def _hold(*_args: object) -> None:
                    nonlocal waited
                    if not waited:
                        waited = True
                        barrier.wait()

                outcomes[i] = writes[i](session, desk)
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes[i] = exc
        finally:
            desk.engine.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(writes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 2)
    return outcomes


def _one_winner(outcomes: list[object], field: str) -> None:
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(losers) == len(outcomes) - 1, outcomes
    for loser in losers:
        assert isinstance(loser, InvalidInput), repr(loser)
        assert loser.problems[0].field == field


@pytest.fixture
def pg(pg_desk: Desk) -> Desk:
    return pg_desk


def test_iro_names_differing_only_in_case(pg: Desk) -> None:
    names = ["Ann Example", "ann example", "ANN EXAMPLE"]
    outcomes = _race(pg, [lambda s, d, n=n: add_iro(s, d.ctx, n) for n in names])
    _one_winner(outcomes, "name")
    assert "already exists" in str(next(o for o in outcomes if isinstance(o, Exception)))
    with pg.read() as s:
        assert s.scalar(select(func.count()).select_from(Iro)) == 1


def test_same_child_reference(pg: Desk) -> None:
    outcomes = _race(pg, [lambda s, d: add_child(s, d.ctx, ref="C1")] * 3)
    _one_winner(outcomes, "ref")
    with pg.read() as s:
        assert s.scalar(select(func.count()).select_from(Child)) == 1


def test_same_duty_day(pg: Desk) -> None:
    with pg.write() as s:
        add_iro(s, pg.ctx, "Ada Example")
        add_iro(s, pg.ctx, "Bea Example")
    day = date(TODAY.year, TODAY.month, 30)
    outcomes = _race(
        pg,
        [
            lambda s, d: duty.assign_duty(s, d.ctx, day, "Ada Example"),
            lambda s, d: duty.assign_duty(s, d.ctx, day, "Bea Example"),
        ],
    )
    _one_winner(outcomes, "day")
    with pg.read() as s:
        assert s.scalar(select(func.count()).select_from(RotaDay)) == 1


def test_the_database_refuses_a_case_twin_and_the_transaction_goes_on(desk: Desk) -> None:
    """Past the service's check, the index on lower(name) refuses the twin (both backends);
    the savepoint rolls back only that insert, so earlier work in the transaction commits."""
    with desk.write() as s:
        add_iro(s, desk.ctx, "Ada Example")
    with desk.write() as s:
        add_child(s, desk.ctx, ref="C1")
        with (
            pytest.raises(InvalidInput, match="taken"),
            unique_or(s, lambda: InvalidInput.one("name", "taken")),
        ):
            s.add(Iro(name="ada EXAMPLE"))
    with desk.read() as s:
        assert s.scalar(select(func.count()).select_from(Child)) == 1
        assert list(s.scalars(select(Iro.name))) == ["Ada Example"]
