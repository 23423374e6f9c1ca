"""Turn a clash with a unique constraint into the same clean error the check before it gives.

A service checks "is this name/reference/day taken?" before inserting, for a clear
message. On a shared PostgreSQL server two desks can both pass that check at the same
moment; the database's unique constraint then refuses the second insert (it waits for the
first to commit, then fails). The insert runs in a SAVEPOINT so that refusal rolls back
only the insert, and the user gets the field and the reason instead of an IntegrityError.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from iro_desk.services.errors import InvalidInput


@contextmanager
def unique_or(session: Session, clash: Callable[[], InvalidInput]) -> Iterator[None]:
    """Flush the block's inserts in a SAVEPOINT; a constraint clash raises ``clash()``.

    ``clash`` is called after the savepoint is rolled back, so it may query the session
    (to say which of two unique columns clashed, say).
    """
    # Earlier pending work is flushed outside the savepoint: its errors are not ours.
    session.flush()
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError:
        raise clash() from None
