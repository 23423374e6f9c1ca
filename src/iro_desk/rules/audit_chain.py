"""The audit trail's hash chain: pure functions, shared by the writer and the checker.

Each device (laptop or server session) keeps its own chain, because laptops write
offline and their events meet only on the server: event number ``seq`` of a device
carries the hash of that device's event ``seq - 1`` (``prev_hash``) and its own
``hash``, a SHA-256 over a canonical serialisation of every field plus ``prev_hash``.
Editing any field, deleting an event that has a successor, or moving events about then
breaks a link that ``verify`` names. (Deleting a device's newest events leaves no
successor to notice: the copies already synced to the server are the check on that.)

Events written before chaining existed have ``seq`` 0 and no hashes; they are counted,
not checked.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

# Bumped if the serialisation ever changes, so old and new hashes never mean the same.
FORMAT = "iro-desk-audit-1"
GENESIS = ""  # the prev_hash of a device's first event


@dataclass(frozen=True)
class ChainEvent:
    id: uuid.UUID
    at: datetime
    user: str
    device: str
    seq: int
    action: str
    entity: str
    entity_id: uuid.UUID | None
    detail: str
    prev_hash: str = ""
    hash: str = ""


def _utc_text(at: datetime) -> str:
    # Microseconds always written: both databases keep them, so the text round-trips.
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(event: ChainEvent, prev_hash: str) -> bytes:
    fields = [
        FORMAT,
        event.id.hex,
        _utc_text(event.at),
        event.user,
        event.device,
        event.seq,
        event.action,
        event.entity,
        event.entity_id.hex if event.entity_id is not None else None,
        event.detail,
        prev_hash,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_hash(event: ChainEvent, prev_hash: str) -> str:
    return hashlib.sha256(canonical(event, prev_hash)).hexdigest()


@dataclass(frozen=True)
class Break:
    event_id: uuid.UUID
    device: str
    seq: int
    at: datetime
    reason: str

    def __str__(self) -> str:
        where = f"{self.device or '?'} #{self.seq}, {_utc_text(self.at)}"
        return f"event {self.event_id} ({where}): {self.reason}"


@dataclass
class Verdict:
    checked: int = 0
    unchained: int = 0  # written before the chain existed
    devices: int = 0
    gaps_outside_scope: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> Break | None:
        # The earliest in time: the place a reader should start looking.
        return min(self.breaks, key=lambda b: (b.at, b.device, b.seq), default=None)


def _check_device(events: Sequence[ChainEvent], complete: bool, verdict: Verdict) -> Break | None:
    """One device's events in seq order: the first broken link, if any."""
    expected_seq, prev = 1, GENESIS
    for event in events:
        if event.seq != expected_seq:
            if event.seq < expected_seq:
                return _brk(event, f"number {event.seq} is used twice (after #{expected_seq - 1})")
            if complete:
                missing = expected_seq if event.seq == expected_seq + 1 else None
                what = f"#{missing}" if missing else f"#{expected_seq}-#{event.seq - 1}"
                return _brk(event, f"the event before it ({what}) is missing")
            # A replica limited to one IRO holds only some of another device's events.
            verdict.gaps_outside_scope += 1
            prev = event.prev_hash
        if event.prev_hash != prev:
            return _brk(event, "its link to the previous event does not match (edited or moved)")
        if event_hash(event, event.prev_hash) != event.hash:
            return _brk(event, "its contents do not match its hash (edited)")
        verdict.checked += 1
        prev, expected_seq = event.hash, event.seq + 1
    return None


def _brk(event: ChainEvent, reason: str) -> Break:
    return Break(event.id, event.device, event.seq, event.at, reason)


def verify(
    events: Iterable[ChainEvent], complete: Callable[[str], bool] = lambda _device: True
) -> Verdict:
    """Check every device's chain; ``complete(device)`` says whether all its events are here."""
    verdict = Verdict()
    by_device: dict[str, list[ChainEvent]] = {}
    for event in events:
        if event.seq == 0 and not event.hash and not event.prev_hash:
            verdict.unchained += 1
            continue
        by_device.setdefault(event.device, []).append(event)
    verdict.devices = len(by_device)
    for device, chain in by_device.items():
        chain.sort(key=lambda e: (e.seq, e.id.hex))
        broken = _check_device(chain, complete(device), verdict)
        if broken is not None:
            verdict.breaks.append(broken)
    return verdict
