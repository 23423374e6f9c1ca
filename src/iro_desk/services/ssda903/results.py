"""What an import or an export did, in words for the CLI."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from iro_desk.rules.dates import reporting_year_label
from iro_desk.services.errors import Problem
from iro_desk.services.ssda903.reading import SKIPPED, Noted

# --- results ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import did. ``unchanged`` counts file rows that matched and needed nothing."""

    children_added: int = 0
    children_updated: int = 0
    episodes_added: int = 0
    episodes_updated: int = 0
    periods_added: int = 0
    periods_updated: int = 0
    reviews_added: int = 0
    reviews_updated: int = 0
    allocated: int = 0
    unchanged: int = 0
    warnings: tuple[Problem, ...] = ()
    # This import's findings and skipped rows, in file order (a national return has tens
    # of thousands: ``reading.NotedInOrder`` reads them from a temporary file each time).
    findings: Sequence[Noted] = ()
    findings_cleared: int = 0
    history_incomplete: int = 0  # children whose review history the files cannot show

    @property
    def skipped(self) -> int:
        return sum(1 for n in self.findings if n.kind == SKIPPED)

    def findings_by_rule(self) -> list[str]:
        """One line per rule: how many, and the first three places (file:line)."""
        # Counted in one pass, keeping each rule's first three: not every finding at once.
        counts: Counter[tuple[str, str]] = Counter()
        first: dict[tuple[str, str], list[Noted]] = {}
        for n in self.findings:
            key = (n.kind, n.rule)
            counts[key] += 1
            kept = first.setdefault(key, [])
            if len(kept) < 3:
                kept.append(n)
        lines = []
        for (kind, rule), count in sorted(counts.items(), key=lambda g: (g[0][0], -g[1], g[0][1])):
            items = first[(kind, rule)]
            where = ", ".join(n.where for n in items)
            more = ", ..." if count > 3 else ""
            lines.append(f"{kind} {rule}: {count} (e.g. {where}{more}: {items[0].reason})")
        return lines

    def summary(self) -> str:
        parts = [
            _plural(n, one, many) + f" {verb}"
            for n, one, many, verb in (
                (self.children_added, "child", "children", "added"),
                (self.children_updated, "child", "children", "updated"),
                (self.periods_added, "period of care", "periods of care", "added"),
                (self.periods_updated, "period of care", "periods of care", "updated"),
                (self.episodes_added, "episode", "episodes", "added"),
                (self.episodes_updated, "episode", "episodes", "updated"),
                (self.reviews_added, "review", "reviews", "added"),
                (self.reviews_updated, "review", "reviews", "updated"),
                (self.allocated, "child", "children", "allocated to the IRO"),
            )
            if n
        ]
        parts = parts or ["nothing to change"]
        parts.append(f"{_plural(self.unchanged, 'row', 'rows')} already up to date")
        if self.warnings:
            parts.append(_plural(len(self.warnings), "warning", "warnings"))
        if self.skipped:
            parts.append(_plural(self.skipped, "row", "rows") + " skipped (not storable)")
        found = len(self.findings) - self.skipped
        if found:
            parts.append(_plural(found, "finding", "findings") + " kept with the rows")
        if self.findings_cleared:
            parts.append(_plural(self.findings_cleared, "finding", "findings") + " cleared")
        if self.history_incomplete:
            parts.append(
                _plural(self.history_incomplete, "child", "children")
                + " with review history before the files unknown"
            )
        return "SSDA903 import: " + "; ".join(parts) + "."


@dataclass(frozen=True)
class ExportResult:
    year_start: int
    children: int
    episodes: int
    reviews: int
    files: tuple[Path, ...]
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        text = (
            f"SSDA903 {reporting_year_label(self.year_start)}: "
            f"{_plural(self.children, 'child', 'children')}, "
            f"{_plural(self.episodes, 'episode', 'episodes')}, "
            f"{_plural(self.reviews, 'review', 'reviews')} written to "
            f"{self.files[0].parent if self.files else '?'}"
        )
        if self.warnings:
            text += f" ({_plural(len(self.warnings), 'warning', 'warnings')})"
        return text + "."


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
