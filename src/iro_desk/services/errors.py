"""Errors a user can fix: each problem names the field and the reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str
    where: str | None = None  # e.g. "episodes.csv:12" for a file row

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{self.field}: {self.reason}"


class InvalidInput(Exception):
    """Bad input; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @classmethod
    def one(cls, field: str, reason: str, where: str | None = None) -> InvalidInput:
        return cls([Problem(field, reason, where)])


class NotFound(InvalidInput):
    """A named record (child reference, IRO name) does not exist."""


class Conflict(InvalidInput):
    """Someone else changed the record since it was read."""
