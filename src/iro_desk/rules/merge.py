"""Three-way merge of one record, field by field: never "last writer wins".

``base`` is the record as the laptop last had it from the server, ``mine`` as the
laptop has it now, ``theirs`` as the server has it now. A field only the laptop
changed takes the laptop's value; a field only the server changed keeps the server's;
a field both changed to different values keeps the server's value and becomes a
conflict, so the laptop's value is kept for a person to settle, never dropped.
Without a base (both sides made the same record independently) every difference is
a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

MISSING: Any = object()


@dataclass(frozen=True)
class Clash:
    field: str
    mine: Any
    theirs: Any


@dataclass
class Merge:
    apply: dict[str, Any] = field(default_factory=dict)  # fields the server takes from mine
    clashes: list[Clash] = field(default_factory=list)

    @property
    def changes_server(self) -> bool:
        return bool(self.apply)


def merge_record(
    base: Mapping[str, Any] | None,
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
    fields: Iterable[str],
) -> Merge:
    result = Merge()
    for name in fields:
        m, t = mine[name], theirs[name]
        b = MISSING if base is None else base.get(name, MISSING)
        if m == t or (b is not MISSING and m == b):
            continue  # nothing to send: same already, or only the server changed it
        if b is not MISSING and t == b:
            result.apply[name] = m
        else:
            result.clashes.append(Clash(name, m, t))
    return result
