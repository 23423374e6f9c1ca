"""The audit hash chain: any single edit, deletion or reorder is found."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules.audit_chain import GENESIS, ChainEvent, event_hash, verify

START = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


def chain(n: int, device: str = "laptop", seed: int = 0) -> list[ChainEvent]:
    events, prev = [], GENESIS
    for i in range(n):
        event = ChainEvent(
            id=uuid.UUID(int=seed * 1000 + i + 1),
            at=START + timedelta(seconds=i),
            user="ann",
            device=device,
            seq=i + 1,
            action="visit.add",
            entity="visit",
            entity_id=uuid.UUID(int=i + 7),
            detail=f'{{"n": {i}}}',
            prev_hash=prev,
        )
        event = dataclasses.replace(event, hash=event_hash(event, prev))
        events.append(event)
        prev = event.hash
    return events


FIELDS = ["at", "user", "device", "seq", "action", "entity", "entity_id", "detail", "id"]


def _edited(event: ChainEvent, field: str) -> ChainEvent:
    value = getattr(event, field)
    if field == "at":
        new = value + timedelta(microseconds=1)
    elif field in ("id", "entity_id"):
        new = uuid.uuid4()
    elif field == "seq":
        new = value + 1000
    else:
        new = value + "x"
    return dataclasses.replace(event, **{field: new})


def test_an_untouched_chain_is_intact() -> None:
    verdict = verify(chain(5) + chain(3, "server", seed=1))
    assert verdict.intact and verdict.checked == 8 and verdict.devices == 2


@given(n=st.integers(2, 12), data=st.data())
def test_any_single_edit_is_found(n, data) -> None:
    events = chain(n)
    k = data.draw(st.integers(0, n - 1))
    field = data.draw(st.sampled_from(FIELDS))
    events[k] = _edited(events[k], field)
    verdict = verify(events)
    assert not verdict.intact
    assert verdict.first_break is not None


@given(n=st.integers(2, 12), data=st.data())
def test_an_edit_with_its_hash_recomputed_is_found_at_the_next_event(n, data) -> None:
    events = chain(n)
    k = data.draw(st.integers(0, n - 2))
    edited = dataclasses.replace(events[k], detail="{}")
    events[k] = dataclasses.replace(edited, hash=event_hash(edited, edited.prev_hash))
    verdict = verify(events)
    assert verdict.first_break is not None and verdict.first_break.event_id == events[k + 1].id


@given(n=st.integers(2, 12), data=st.data())
def test_any_deletion_but_the_newest_is_found(n, data) -> None:
    events = chain(n)
    k = data.draw(st.integers(0, n - 2))
    survivor = events[k + 1]
    del events[k]
    verdict = verify(events)
    assert verdict.first_break is not None and verdict.first_break.event_id == survivor.id


@given(n=st.integers(2, 12), data=st.data())
def test_any_reorder_is_found(n, data) -> None:
    events = chain(n)
    i, j = sorted(data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)))
    # Swap the two events' positions in the chain (their numbers), keeping all else.
    a, b = events[i], events[j]
    events[i] = dataclasses.replace(b, seq=a.seq)
    events[j] = dataclasses.replace(a, seq=b.seq)
    assert not verify(events).intact


def test_a_partial_chain_from_another_device_is_counted_not_failed() -> None:
    theirs = chain(6, "ben")
    held = [theirs[0], theirs[3], theirs[4]]
    verdict = verify(held, complete=lambda device: device != "ben")
    assert verdict.intact and verdict.gaps_outside_scope == 1
    assert not verify(held).intact


def test_events_older_than_the_chain_are_counted() -> None:
    old = dataclasses.replace(chain(1)[0], seq=0, hash="", prev_hash="")
    verdict = verify([old, *chain(2)])
    assert verdict.intact and verdict.unchained == 1
