"""What a 903 import noticed, kept: stored, listed, cleared, and read by the caseload.

A finding stays open until a later import of the same child's rows no longer finds it
(it is then cleared, not deleted: the unit can see what was corrected and when), or
the record is corrected on the desk.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from iro_desk.db.models import Child, ImportFinding
from iro_desk.db.types import utcnow
from iro_desk.services.audit import audit
from iro_desk.services.context import Ctx
from iro_desk.services.ssda903.fileformat import CHUNK, SOURCE
from iro_desk.services.ssda903.reading import Noted

FINDINGS_COLUMNS = ("kind", "rule", "child", "file", "line", "field", "message")


def _key(kind: str, rule: str, file: str, field: str, message: str) -> tuple[str, ...]:
    return (kind, rule, file, field, message)


@dataclass(frozen=True)
class Stored:
    """What storing an import's findings did."""

    added: int
    kept: int
    cleared: int


def store_findings(
    session: Session,
    ctx: Ctx,
    noted: Sequence[Noted],
    refs: Collection[str],
) -> Stored:
    """Keep this import's findings; clear the open ones of its children it did not find.

    ``refs`` are every child the import read rows of (and wrote): a finding of theirs
    that the files no longer give rise to was corrected. A finding of one of them points
    at the child's row. Findings not tied to a child (a row with no CHILD) belong to the
    last import only. Written in bulk, with one audit event.
    """
    now = utcnow()
    # The children whose open findings this import can keep or clear: ``refs``, the
    # few others the findings name (rows of children missing from header.csv), and ""
    # (rows with no CHILD). Looked up a chunk at a time, without a set of them all.
    others = sorted({n.child_ref for n in noted if n.child_ref not in refs} | {""})
    open_rows: dict[tuple[str, ...], ImportFinding] = {}
    for chunk in _chunks(chain(sorted(refs), others)):
        for row in session.scalars(
            select(ImportFinding).where(
                ImportFinding.source == SOURCE,
                ImportFinding.cleared_at.is_(None),
                ImportFinding.child_ref.in_(chunk),
            )
        ):
            key = (row.child_ref, *_key(row.kind, row.rule, row.file, row.field, row.message))
            open_rows[key] = row
    fresh: list[dict[str, object]] = []  # the rows not yet inserted: a chunk at most
    added = kept = 0
    for n in noted:
        key = (n.child_ref, *_key(n.kind, n.rule, n.file, n.field, n.reason))
        if open_rows.pop(key, None) is not None:
            kept += 1  # still there: the finding stays open, as first recorded
            continue
        fresh.append(
            {
                "id": uuid.uuid4(),
                "created_at": now,
                "updated_at": now,
                "created_by": ctx.user,
                "updated_by": ctx.user,
                "version": 1,
                "source": SOURCE,
                "kind": n.kind,
                "rule": n.rule,
                "child_ref": n.child_ref,
                "child_id": None,  # filled in by _insert
                "file": n.file,
                "line": n.line,
                "field": n.field,
                "message": n.reason,
                "on_date": n.on_date,
                "cleared_at": None,
            }
        )
        if len(fresh) == CHUNK:  # inserted as they come: a national return has thousands
            added += _insert(session, fresh, refs)
            fresh = []
    added += _insert(session, fresh, refs)
    gone = [row.id for row in open_rows.values()]
    for i in range(0, len(gone), CHUNK):
        session.execute(
            update(ImportFinding)
            .where(ImportFinding.id.in_(gone[i : i + CHUNK]))
            .values(cleared_at=now, updated_at=now, updated_by=ctx.user)
            .execution_options(synchronize_session=False)
        )
    if added or gone:
        audit(
            session, ctx, "import.903.findings", "import_finding", None,
            added=added, cleared=len(gone), kept=kept,
        )  # fmt: skip
    return Stored(added, kept, len(gone))


def _chunks(refs: Iterable[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for ref in refs:
        chunk.append(ref)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(session: Session, rows: list[dict[str, object]], refs: Collection[str]) -> int:
    # The children's keys, a chunk at a time (the import holds no map of them all).
    wanted = {ref for row in rows if (ref := str(row["child_ref"])) in refs}
    if wanted:
        ids = dict(session.execute(select(Child.ref, Child.id).where(Child.ref.in_(wanted))).all())
        for row in rows:
            row["child_id"] = ids.get(str(row["child_ref"]))
    # render_nulls: every row the same columns (a blank line or child sent as NULL, no
    # default overridden), so the chunk is one executemany.
    if rows:
        session.execute(insert(ImportFinding).execution_options(render_nulls=True), rows)
    return len(rows)


def list_findings(
    session: Session,
    *,
    rule: str | None = None,
    child_ref: str | None = None,
    include_cleared: bool = False,
) -> list[ImportFinding]:
    """Findings by child, file and line; open ones only unless asked."""
    query = select(ImportFinding).where(ImportFinding.source == SOURCE)
    if not include_cleared:
        query = query.where(ImportFinding.cleared_at.is_(None))
    if rule is not None:
        query = query.where(ImportFinding.rule == rule.strip().upper())
    if child_ref is not None:
        query = query.where(ImportFinding.child_ref == child_ref)
    query = query.order_by(ImportFinding.child_ref, ImportFinding.file, ImportFinding.line)
    return list(session.scalars(query))


def finding_json(row: ImportFinding) -> dict[str, object]:
    return {
        "child": row.child_ref,
        "kind": row.kind,
        "rule": row.rule,
        "file": row.file,
        "line": row.line,
        "field": row.field,
        "message": row.message,
        "found_at": row.created_at.isoformat(),
        "cleared_at": row.cleared_at.isoformat() if row.cleared_at else None,
    }


def write_findings_csv(path: Path, noted: Sequence[Noted]) -> None:
    """Every finding and skipped row of one import, one per line, in file order."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FINDINGS_COLUMNS)
        for n in noted:
            writer.writerow([n.kind, n.rule, n.child_ref, n.file, n.line or "", n.field, n.reason])
