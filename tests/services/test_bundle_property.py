"""Round trip of generated records: whatever another system writes that the desk accepts,
the desk writes back the same, and a second import changes nothing."""

from __future__ import annotations

import csv
import shutil
import uuid
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iro_desk.db.engine import sqlite_url
from iro_desk.rules import codes
from iro_desk.services.bundle import export_bundle, import_bundle
from iro_desk.services.context import open_desk
from tests.builders import TODAY, make_ctx

_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz' -", min_size=1, max_size=20).map(
    lambda s: s.strip().title() or "A"
)
_days = st.integers(min_value=0, max_value=3000).map(lambda n: TODAY - timedelta(days=n))


@st.composite
def _bundle(draw: st.DrawFn) -> dict[str, list[list[str]]]:
    iro_names = draw(st.lists(_names, min_size=1, max_size=3, unique_by=str.lower))
    iros = [
        [f"I{n}", name, str(draw(st.sampled_from([0.5, 0.8, 1.0])))]
        for n, name in enumerate(iro_names)
    ]
    children = []
    visits = []
    for n in range(draw(st.integers(min_value=1, max_value=5))):
        dob: date = draw(_days)
        children.append(
            [
                f"C{n}", draw(_names), draw(_names), draw(st.sampled_from(["M", "F", "U", ""])),
                dob.isoformat(), "", draw(st.sampled_from(["", *list(codes.ETHNIC_CODES)[:5]])),
                "", "",
            ]
        )  # fmt: skip
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            visits.append(
                [
                    f"C{n}", draw(st.sampled_from(iros))[0], draw(_days).isoformat(),
                    draw(st.sampled_from(codes.VISIT_LOCATIONS)),
                    draw(st.sampled_from(["Y", "N"])),
                    draw(st.sampled_from(codes.VISIT_PURPOSES)),
                ]
            )  # fmt: skip
    # Rows the same in every column are one visit (docs/formats.md, visits.csv).
    unique = [list(v) for v in dict.fromkeys(tuple(v) for v in visits)]
    return {"iros.csv": iros, "children.csv": children, "visits.csv": unique}


_COLUMNS = {
    "iros.csv": ["IRO", "NAME", "FTE"],
    "children.csv": [
        "CHILD", "GIVEN_NAME", "FAMILY_NAME", "SEX", "DOB", "EXPECTED_DOB", "ETHNIC",
        "NHS_NUMBER", "UPN",
    ],
    "visits.csv": ["CHILD", "IRO", "DATE", "LOCATION", "SEEN_ALONE", "PURPOSE"],
}  # fmt: skip


def _read(path: Path, columns: list[str]) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [[row[c] for c in columns] for row in csv.DictReader(handle)]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files=_bundle())
def test_generated_records_come_back_as_written(
    files: dict[str, list[list[str]]], sqlite_template: Path, tmp_path: Path
) -> None:
    work = tmp_path / uuid.uuid4().hex
    source, back = work / "in", work / "out"
    source.mkdir(parents=True)
    for name, rows in files.items():
        with (source / name).open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([_COLUMNS[name], *rows])
    shutil.copy(sqlite_template, work / "desk.db")
    desk = open_desk(sqlite_url(work / "desk.db"), make_ctx())
    try:
        with desk.write() as s:
            import_bundle(s, desk.ctx, source)
        with desk.write() as s:
            again = import_bundle(s, desk.ctx, source)
        assert not [k for k, n in again.counts.items() if k[1] != "unchanged" and n]
        with desk.write() as s:
            export_bundle(s, desk.ctx, back)
    finally:
        desk.engine.dispose()
    # The desk's keys for IROs are its own ids: compare IROs by name.
    key_to_name = {row[0]: row[1] for row in files["iros.csv"]}
    written = {row[0]: row[1] for row in _read(back / "iros.csv", ["IRO", "NAME"])}
    assert sorted(_read(back / "iros.csv", ["NAME", "FTE"])) == sorted(
        [[name, str(float(fte))] for _, name, fte in files["iros.csv"]]
    )
    assert sorted(_read(back / "children.csv", _COLUMNS["children.csv"])) == sorted(
        files["children.csv"]
    )
    visits = [
        [r[0], written[r[1]], *r[2:]] for r in _read(back / "visits.csv", _COLUMNS["visits.csv"])
    ]
    assert sorted(visits) == sorted(
        [[r[0], key_to_name[r[1]], *r[2:]] for r in files["visits.csv"]]
    )
