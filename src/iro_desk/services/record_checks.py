"""What a child's open import findings mean for the caseload: read on every caseload,
so this module stays light (the 903 import itself is in ``services/ssda903``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from iro_desk.db.models import CarePeriod, ImportFinding, MeetingChild
from iro_desk.db.types import utcnow

# Findings that make a child's review clock uncertain: the due date is shown with
# "check the record" beside it (docs/domain.md, "SSDA903 files").
CLOCK_RULES = frozenset({"OUTSIDE", "OVERLAP"})
HISTORY = "HISTORY"
# The reviews of a period of care (as services/caseload.PERIOD_REVIEWS).
PERIOD_REVIEWS = ("LAR", "SHORTBREAK")
CHUNK = 500  # ids per IN list


@dataclass(frozen=True)
class RecordCheck:
    """What the caseload says beside a child's next review date."""

    history_incomplete: bool = False  # the last review before the files is not known
    check_record: bool = False  # findings make the review clock uncertain


def record_checks(
    session: Session, child_ids: Sequence[uuid.UUID], today: date
) -> dict[uuid.UUID, RecordCheck]:
    """For each of ``child_ids`` with open clock-related findings, what the caseload says.

    Read by rule (an index), not by child: a whole-unit caseload asks about every child,
    and only a few have such findings.
    """
    wanted = set(child_ids)
    found: dict[uuid.UUID, RecordCheck] = {}
    history: dict[uuid.UUID, date] = {}
    for child_id, rule, on_date in session.execute(
        select(ImportFinding.child_id, ImportFinding.rule, ImportFinding.on_date).where(
            ImportFinding.rule.in_([*CLOCK_RULES, HISTORY]),
            ImportFinding.cleared_at.is_(None),
        )
    ):
        if child_id not in wanted:
            continue
        if rule == HISTORY and on_date is not None:
            history[child_id] = min(on_date, history.get(child_id, on_date))
        elif rule in CLOCK_RULES:
            found[child_id] = RecordCheck(check_record=True)
    for child_id in _history_unknown(session, history, today):
        found[child_id] = RecordCheck(True, found.get(child_id, RecordCheck()).check_record)
    return found


def _history_unknown(
    session: Session, history: dict[uuid.UUID, date], today: date
) -> set[uuid.UUID]:
    """The children whose current period began before their files' first day with no
    review held in it before then (the IRO has not yet entered the last one)."""
    ids = sorted(history)
    starts: dict[uuid.UUID, date] = {}
    held: dict[uuid.UUID, list[date]] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        for child_id, start in session.execute(
            select(CarePeriod.child_id, CarePeriod.start_date).where(
                CarePeriod.child_id.in_(chunk), CarePeriod.start_date <= today
            )
        ):
            starts[child_id] = max(start, starts.get(child_id, start))
        for child_id, day in session.execute(
            select(MeetingChild.child_id, MeetingChild.meeting_date).where(
                MeetingChild.child_id.in_(chunk),
                MeetingChild.kind.in_(PERIOD_REVIEWS),
                MeetingChild.meeting_date < max(history[c] for c in chunk),
            )
        ):
            held.setdefault(child_id, []).append(day)
    return {
        child_id
        for child_id, before in history.items()
        if (start := starts.get(child_id)) is not None
        and start < before
        and not any(start <= day < before for day in held.get(child_id, ()))
    }


def open_finding_lines(session: Session, child_ref: str) -> list[str]:
    """The child's open import findings, one line each: rule, where, field and reason."""
    rows = session.execute(
        select(
            ImportFinding.kind, ImportFinding.rule, ImportFinding.file, ImportFinding.line,
            ImportFinding.field, ImportFinding.message,
        )
        .where(ImportFinding.child_ref == child_ref, ImportFinding.cleared_at.is_(None))
        .order_by(ImportFinding.file, ImportFinding.line)
    )  # fmt: skip
    return [
        f"{rule} ({kind}) {file}{f':{line}' if line else ''}: {field}: {message}"
        for kind, rule, file, line, field, message in rows
    ]


def clear_for_child(session: Session, user: str, child_ref: str, rules: Sequence[str]) -> int:
    """The desk corrected these of the child's details: their open findings are cleared."""
    now = utcnow()
    result = session.execute(
        update(ImportFinding)
        .where(
            ImportFinding.child_ref == child_ref,
            ImportFinding.rule.in_(list(rules)),
            ImportFinding.cleared_at.is_(None),
        )
        .values(cleared_at=now, updated_at=now, updated_by=user)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
