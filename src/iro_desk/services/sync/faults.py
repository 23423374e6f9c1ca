"""Named points inside a sync where tests can interrupt it, as a network cut or kill would.

Production code never sets ``hook``; ``checkpoint`` is then a no-op call.
"""

from __future__ import annotations

from collections.abc import Callable

hook: Callable[[str], None] | None = None


def checkpoint(name: str) -> None:
    if hook is not None:
        hook(name)
