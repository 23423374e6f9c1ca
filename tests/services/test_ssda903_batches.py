"""The 903 import reads a return twice: once whole, keeping a few integers a child, then a
batch of children at a time (issue 11: memory flat however large the return). Read in
batches of one child, with findings kept on disk after two, it must do exactly what it
does in one batch: the same rows, findings, warnings and words."""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from iro_desk.db.models import CarePeriod, Child, Episode, ImportFinding, MeetingChild
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.ssda903 import import_903, importing
from iro_desk.services.ssda903.parsing import EpisodeIn
from iro_desk.services.ssda903.reading import Problems, read_file
from iro_desk.services.ssda903.writing import Writer
from tests.builders import sqlite_desk_from

HEADER = [
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
    "C001,1,12/03/2012,WBRI,B801200005001,,",
    "C002,2,01/09/2023,WOTH,UN1,,",
    "C003,2,05/01/2008,BAFR,A1234,0,",  # UPN finding
    "C004,1,20/07/2015,MWBC,,,",
    "C005,M,02/02/2014,WBRI,,,",
    "C006,F,03/03/2016,WBRI,,2,",  # MOTHER finding
]
EPISODES = [  # children's rows interleaved, as a return need not group them
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
    "C005,01/05/2025,S,C2,N1,U1,PR1,,,,NE33 1AA,odd1,",  # a postcode warning
    "C001,10/04/2024,S,C1,N1,U1,PR1,02/06/2025,X1,CARPL,NE33 1AA,NE34 2BB,",
    "C002,01/05/2025,S,V2,N2,U3,PR1,30/06/2025,E13,,NE32 3CC,NE31 4DD,",
    'C003,20/04/2023,S,V2,N4,K2,PR2,31/12/2025,E8,,NE33 5EE,DH1 1AB,"SC1\r\n23"',
    "C001,02/06/2025,T,C2,N1,U4,PR4,,,,NE33 1AA,ne349xy,",
    "C999,01/05/2025,S,C2,N1,U1,PR1,,,,,,",  # not in header.csv
    "C002,15/09/2025,S,C1,N1,U1,PR1,,,,NE32 3CC,odd2,",  # a postcode warning
    "C006,01/01/2025,S,C2,N1,U1,PR1,,,,,,",
    "C005,01/05/2025,S,C2,N1,U1,PR1,,,,,,",  # the same DECOM again: skipped
    "C004,01/03/2026,S,L2,N1,U6,PR1,,,,NE33,NE33 2AB,",
    "C006,01/06/2025,P,C2,N1,U1,PR1,,,,,,",  # overlaps the open episode above
]
REVIEWS = [
    "CHILD,DOB,REVIEW,REVIEW_CODE",
    "C006,03/03/2016,01/07/2025,PN1",
    "C001,12/03/2012,05/05/2024,PN1",
    "C002,01/09/2023,27/05/2025,PN0",
    "C001,12/03/2012,20/08/2024,PN6",
    "C005,01/01/2001,01/06/2025,PN1",  # DOB differs from header.csv
    "C003,05/01/2008,15/05/2023,PN5",
    "C001,12/03/2012,15/02/2025,XX9",  # rule 167
    "C002,01/09/2023,27/05/2025,PN1",  # the same day again: skipped
    "C001,12/03/2012,10/08/2025,PN7",
    "C777,01/01/2010,01/06/2025,PN1",  # not in header.csv
]


def _write(directory: Path) -> Path:
    directory.mkdir()
    # Each file its own line endings: a lone CR, CRLF (with a byte-order mark), LF.
    (directory / "header.csv").write_bytes("\r".join(HEADER).encode() + b"\r")
    episodes = "\ufeff" + "\r\n".join(EPISODES) + "\r\n\r\n"
    (directory / "episodes.csv").write_bytes(episodes.encode())
    (directory / "reviews.csv").write_bytes(("\n".join(REVIEWS) + "\n").encode())
    return directory


def _rows(desk: Desk) -> dict[str, list[tuple]]:
    with desk.read() as s:
        refs = dict(s.execute(select(Child.id, Child.ref)).all())
        periods = {p.id: p.start_date for p in s.scalars(select(CarePeriod))}
        return {
            "children": sorted(
                (c.ref, c.sex, c.dob, c.upn, c.mother) for c in s.scalars(select(Child))
            ),
            "episodes": sorted(
                (refs[e.child_id], e.start_date, e.end_date, e.urn, e.pl_post, periods[e.period_id])
                for e in s.scalars(select(Episode))
            ),
            "reviews": sorted(
                (refs[r.child_id], r.meeting_date, r.participation, periods.get(r.period_id))
                for r in s.scalars(select(MeetingChild))
            ),
            "findings": sorted(
                (f.child_ref, f.file, f.line or 0, f.rule, f.message, f.child_id is not None)
                for f in s.scalars(select(ImportFinding))
            ),
        }


def _desk(template: Path, folder: Path) -> Desk:
    folder.mkdir()
    return sqlite_desk_from(template, folder)


def _import(desk: Desk, directory: Path) -> dict[str, object]:
    with desk.write() as s:
        result = import_903(s, desk.ctx, directory)
    return {
        "summary": result.summary(),
        "by_rule": result.findings_by_rule(),
        "findings": [(n.where, n.kind, n.rule, n.child_ref, n.reason) for n in result.findings],
        "warnings": [str(w) for w in result.warnings],
        "rows": _rows(desk),
    }


def test_a_child_at_a_time_with_findings_on_disk_is_the_same_import(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    directory = _write(tmp_path / "return")
    whole = _desk(sqlite_template, tmp_path / "whole")
    expected = _import(whole, directory)
    whole.engine.dispose()
    assert len(expected["findings"]) >= 8 and len(expected["warnings"]) == 3  # type: ignore[arg-type]

    monkeypatch.setattr(importing, "BATCH", 1)
    monkeypatch.setattr(Problems, "SPILL_AT", 2)
    monkeypatch.setattr(Problems, "BLOCK", 1)
    held: list[int] = []
    run = Writer.run

    def alive() -> int:
        gc.collect()  # garbage is not held
        return sum(isinstance(o, EpisodeIn) for o in gc.get_objects())

    before = alive()  # any left by other tests in this process

    def counting_run(self: Writer) -> None:
        # What the import holds of the return's parsed episodes while it writes.
        held.append(alive() - before)
        run(self)

    monkeypatch.setattr(Writer, "run", counting_run)
    batched = _desk(sqlite_template, tmp_path / "batched")
    got = _import(batched, directory)
    batched.engine.dispose()

    assert got == expected
    # One batch for each of header.csv's six children, each holding only its own
    # episodes (at most two here), never the return's ten.
    assert len(held) == 6 and max(held) <= 2, held


def test_strict_refuses_on_a_finding_in_the_last_batch_and_writes_nothing(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    directory = tmp_path / "return"
    directory.mkdir()
    (directory / "header.csv").write_text("\n".join(HEADER[:3] + [HEADER[6]]) + "\n")
    episodes = [EPISODES[0], EPISODES[2], EPISODES[3], EPISODES[8], EPISODES[11]]
    (directory / "episodes.csv").write_text("\n".join(episodes) + "\n")
    (directory / "reviews.csv").write_text("\n".join(REVIEWS[:4]) + "\n")
    monkeypatch.setattr(importing, "BATCH", 1)
    desk = _desk(sqlite_template, tmp_path / "db")
    with desk.write() as s:
        with pytest.raises(InvalidInput) as err:
            import_903(s, desk.ctx, directory, strict=True)
        # C001 and C002 were written before C006's overlap was found: rolled back here,
        # in the caller's own transaction, not only when it ends.
        assert s.scalar(select(func.count()).select_from(Child)) == 0
        assert s.scalar(select(func.count()).select_from(Episode)) == 0
    assert [str(p) for p in err.value.problems] == [
        "header.csv:4: MOTHER: '2' is not 1 (a mother) or 0 (not a mother)",
        "episodes.csv:5: DECOM: 01/06/2025 is inside the episode on line 4 (from 01/01/2025 "
        "to now (still open)) of C006",
    ]
    with desk.read() as s:
        assert s.scalar(select(func.count()).select_from(Child)) == 0
    desk.engine.dispose()


# --- reading a row again from where it starts -------------------------------------------


def _reference_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows as the import read them before rows could be read again: Python's text
    mode with universal newlines, and the csv module's line count."""
    out: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        while True:
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                return out
            if not any(f.strip() for f in fields):
                continue
            if header is None:
                header = [f.strip().upper() for f in fields]
            elif len(fields) >= len(header) and not any(f.strip() for f in fields[len(header) :]):
                out.append((start, {c: f.strip() for c, f in zip(header, fields, strict=False)}))


cells = st.text(alphabet=st.sampled_from(list('ab,"\r\n é')), max_size=6)
endings = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(cells, cells, cells), max_size=8),
    ending=endings,
    bom=st.booleans(),
    blank=st.booleans(),
)
def test_a_row_read_again_at_its_offset_is_the_row_read_in_order(
    tmp_path_factory: pytest.TempPathFactory, rows, ending, bom, blank
):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=ending)
    writer.writerow(["CHILD", "DOB", "X"])
    for i, row in enumerate(rows):
        writer.writerow(row)
        if blank and i % 2:
            buffer.write(ending)
    path = tmp_path_factory.mktemp("csv") / "f.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode())

    file = read_file(path.parent, path.name, ("CHILD", "DOB", "X"), Problems())
    read = list(file.rows)
    assert [(r.line, r.values) for r in read] == _reference_rows(path)
    places = [(r.offset, r.line) for r in reversed(read)]
    again: Iterator = file.rows_at(places)
    assert [(r.line, r.values, r.offset) for r in again] == [
        (r.line, r.values, r.offset) for r in reversed(read)
    ]
