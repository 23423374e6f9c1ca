"""SSDA903 import and export, checked by what the database holds and what the files say."""

from __future__ import annotations

import csv
import json
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from iro_desk.db.models import (
    Allocation,
    AuditEvent,
    CarePeriod,
    Child,
    Episode,
    Iro,
    Meeting,
    MeetingChild,
)
from iro_desk.services.children import child_by_ref
from iro_desk.services.context import Desk, open_desk
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.iros import add_iro
from iro_desk.services.ssda903 import (
    EPISODE_COLUMNS,
    HEADER_COLUMNS,
    REVIEW_COLUMNS,
    export_903,
    import_903,
)
from iro_desk.services.ssda903.findings import list_findings
from tests.builders import PG_URL, TODAY, make_ctx, pg_schema_url, sqlite_desk_from, write_903

GOOD = Path(__file__).parent.parent / "data" / "903" / "good"
TABLES = (Child, CarePeriod, Episode, Meeting, MeetingChild, Allocation, AuditEvent)


def counts(session: Session) -> dict[str, int]:
    return {
        t.__tablename__: session.scalar(select(func.count()).select_from(t))  # type: ignore[attr-defined]
        for t in TABLES
    }


def children_of(session: Session) -> dict[str, tuple]:
    return {c.ref: (c.sex, c.dob, c.ethnicity, c.upn) for c in session.scalars(select(Child))}


def periods_of(session: Session) -> dict[str, list[tuple[date, date | None]]]:
    found: dict[str, list[tuple[date, date | None]]] = {}
    rows = session.execute(
        select(Child.ref, CarePeriod.start_date, CarePeriod.end_date)
        .join(Child, Child.id == CarePeriod.child_id)
        .order_by(Child.ref, CarePeriod.start_date)
    )
    for ref, start, end in rows:
        found.setdefault(ref, []).append((start, end))
    return found


def episodes_of(session: Session) -> list[tuple]:
    """Every episode's 903 values plus the start of the period it is filed under."""
    rows = session.execute(
        select(Child.ref, Episode, CarePeriod.start_date)
        .join(Child, Child.id == Episode.child_id)
        .join(CarePeriod, CarePeriod.id == Episode.period_id)
        .order_by(Child.ref, Episode.start_date)
    )
    return [
        (
            ref, e.start_date, e.end_date, e.rne, e.legal_status, e.cin, e.placement,
            e.place_provider, e.rec, e.reason_place_change, e.home_post, e.pl_post, e.urn,
            period_start,
        )
        for ref, e, period_start in rows
    ]  # fmt: skip


def reviews_of(session: Session) -> list[tuple]:
    rows = session.execute(
        select(Child.ref, MeetingChild.meeting_date, MeetingChild.participation, CarePeriod)
        .join(Child, Child.id == MeetingChild.child_id)
        .join(Meeting, Meeting.id == MeetingChild.meeting_id)
        .outerjoin(CarePeriod, CarePeriod.id == MeetingChild.period_id)
        .where(MeetingChild.kind == "LAR", Meeting.kind == "LAR")
        .order_by(Child.ref, MeetingChild.meeting_date)
    )
    return [(ref, d, code, period.start_date if period else None) for ref, d, code, period in rows]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def import_good(desk: Desk, **kwargs) -> object:
    with desk.write() as s:
        return import_903(s, desk.ctx, GOOD, **kwargs)


def with_iro(desk: Desk) -> None:
    with desk.write() as s:
        add_iro(s, desk.ctx, "Ann Example")


# --- a good import ---------------------------------------------------------------------


def test_good_import_fills_children_periods_episodes_reviews_and_allocations(desk: Desk):
    with_iro(desk)
    result = import_good(desk, iro_name="ann example")

    with desk.read() as s:
        assert children_of(s) == {
            "C001": ("M", date(2012, 3, 12), "WBRI", "B801200005001"),
            "C002": ("F", date(2023, 9, 1), "WOTH", None),  # UN1: no UPN yet
            "C003": ("F", date(2008, 1, 5), "BAFR", "Q801200005002"),
            "C004": ("M", date(2015, 7, 20), "MWBC", None),
        }
        # C001's two episodes chain (DEC = next DECOM): one period. C002 went home and
        # came back: two periods.
        assert periods_of(s) == {
            "C001": [(date(2024, 4, 10), None)],
            "C002": [(date(2025, 5, 1), date(2025, 6, 30)), (date(2025, 9, 15), None)],
            "C003": [(date(2023, 4, 20), date(2025, 12, 31))],
            "C004": [(date(2026, 3, 1), None)],
        }
        episodes = episodes_of(s)
        assert len(episodes) == 6
        assert episodes[0] == (
            "C001", date(2024, 4, 10), date(2025, 6, 2), "S", "C1", "N1", "U1", "PR1", "X1",
            "CARPL", "NE33 1AA", "NE34 2BB", None, date(2024, 4, 10),
        )  # fmt: skip
        # Postcodes are tidied; the second episode is filed under the same period.
        assert episodes[1][11] == "NE34 9XY"
        assert episodes[1][13] == date(2024, 4, 10)
        assert [e[13] for e in episodes if e[0] == "C002"] == [date(2025, 5, 1), date(2025, 9, 15)]
        assert episodes[4][12] == "SC123456"

        assert reviews_of(s) == [
            ("C001", date(2024, 5, 5), "PN1", date(2024, 4, 10)),
            ("C001", date(2024, 8, 20), "PN6", date(2024, 4, 10)),
            ("C001", date(2025, 2, 15), "PN1", date(2024, 4, 10)),
            ("C001", date(2025, 8, 10), "PN7", date(2024, 4, 10)),
            ("C002", date(2025, 5, 27), "PN0", date(2025, 5, 1)),
            ("C002", date(2025, 10, 10), "PN0", date(2025, 9, 15)),
            ("C003", date(2023, 5, 15), "PN5", date(2023, 4, 20)),
        ]
        # Looked after today (27 Nov 2026) and with no IRO: C001, C002, C004. C003 left care.
        allocated = s.execute(
            select(Child.ref, Iro.name, Allocation.start_date, Allocation.end_date)
            .join(Child, Child.id == Allocation.child_id)
            .join(Iro, Iro.id == Allocation.iro_id)
            .order_by(Child.ref)
        ).all()
        assert [tuple(r) for r in allocated] == [
            (ref, "Ann Example", TODAY, None) for ref in ("C001", "C002", "C004")
        ]
        # Every row written is named in an audit event: one per table's batch of new rows
        # (a meeting and a child row for each review).
        named: dict[str, list[str]] = {}
        for event in s.scalars(select(AuditEvent).where(AuditEvent.action == "import.903.rows")):
            for row in json.loads(event.detail)["rows"]:
                named.setdefault(row["action"], []).append(row["id"])
        assert {action: len(ids) for action, ids in named.items()} == {
            "child.add": 4, "care.start": 5, "episode.add": 6, "meeting.add": 7, "review.add": 7,
        }  # fmt: skip
        assert sorted(named["episode.add"]) == sorted(str(e.id) for e in s.scalars(select(Episode)))
        actions = dict(
            s.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all()
        )
        assert actions["import.903.rows"] == 5 and actions["allocation.add"] == 3
        assert {c.created_by for c in s.scalars(select(Child))} == {"tester"}

    assert (result.children_added, result.periods_added, result.episodes_added) == (4, 5, 6)
    assert (result.reviews_added, result.allocated, result.unchanged) == (7, 3, 0)
    assert (result.children_updated, result.episodes_updated, result.reviews_updated) == (0, 0, 0)
    # "NE33" alone is kept but warned about.
    assert [str(w) for w in result.warnings] == [
        "episodes.csv:7: HOME_POST: 'NE33' does not look like a UK postcode"
    ]
    assert result.summary().startswith("SSDA903 import: 4 children added; 5 periods of care")
    assert "3 children allocated to the IRO" in result.summary()


def test_allocation_as_of_another_day(desk: Desk):
    with_iro(desk)
    # On 1 Jan 2025 only C001 and C003 were looked after.
    result = import_good(desk, iro_name="Ann Example", as_of=date(2025, 1, 1))
    assert result.allocated == 2
    with desk.read() as s:
        refs = s.scalars(
            select(Child.ref).join(Allocation, Allocation.child_id == Child.id).order_by(Child.ref)
        ).all()
        assert refs == ["C001", "C003"]


def test_an_unknown_iro_is_refused_before_anything_else(desk: Desk, tmp_path: Path):
    empty = tmp_path / "nothing-here"
    with desk.write() as s, pytest.raises(NotFound) as err:
        import_903(s, desk.ctx, empty, iro_name="Nobody")
    assert [(p.field, p.where) for p in err.value.problems] == [("iro", None)]
    with desk.read() as s:
        assert sum(counts(s).values()) == 0


# --- a bad import ----------------------------------------------------------------------

BAD_HEADER = (
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n"
    "C001,1,12/03/2012,WBRI,B801200005001,,\r\n"
    "C002,3,01/09/2023,WOTH,,,\r\n"
    "C003,2,05/01/2008,XXXX,A801200005001,,\r\n"
    "\r\n"
    "C004,1,31/02/2015,MWBC,,,\r\n"
    'C005,M,20/07/2015,WBRI,,"0\r\n",\r\n'  # a quoted line break: the row spans lines 7-8
    "C001,2,01/01/2010,WBRI,,,\r\n"
    "C006,F,01/01/2014,WB\x00RI,,,\r\n"
)
BAD_EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "C001,10/04/2024,S,C1,N1,U1,PR1,02/06/2025,X1,CARPL,NE33 1AA,NE34 2BB,\n"
    "C001,02/06/2025,T,C2,N1,U4,PR4,01/05/2025,E8,,,,\n"
    "C002,01/05/2025,S,V3,N2,U3,PR1,,,,,,\n"
    "C999,01/05/2025,S,C1,N1,U1,PR1,,,,,,\n"
    "C003,20/04/2023,S,V2,N4,K2,PR2,31/12/2025,E8,,,,\n"
    "C003,01/06/2025,P,V2,N4,U1,PR1,,,,,,\n"
    "C005,01/03/2026,S,Q9,N1,U6,PR1,,,,,,\n"
    "C006,01/01/2026,S,C1,N1,U1,PR1,,,,,,\n"
)
BAD_REVIEWS = (
    "CHILD,DOB,REVIEW,REVIEW_CODE\n"
    "C001,12/03/2012,05/05/2024,PN0\n"
    "C002,01/09/2023,10/05/2025,PN1\n"
    "C001,12/03/2012,01/01/2024,PN1\n"
    "C001,12/03/2012,31/02/2025,PN1\n"
    "C001,12/03/2012,15/02/2025,\n"
    "C777,01/01/2010,15/02/2025,PN1\n"
    "C001,01/01/2011,20/08/2024,PN6\n"
)


def test_bad_rows_in_every_file_are_all_reported_and_nothing_is_written(desk: Desk, tmp_path: Path):
    with_iro(desk)
    directory = write_903(
        tmp_path / "bad", header=BAD_HEADER, episodes=BAD_EPISODES, reviews=BAD_REVIEWS
    )
    with desk.write() as s:
        before = counts(s)
        with pytest.raises(InvalidInput) as err:
            import_903(s, desk.ctx, directory, iro_name="Ann Example")
        # Nothing was even added to the session: all checking comes before the first write.
        assert not s.new and not s.dirty
        assert counts(s) == before
    got = [str(p) for p in err.value.problems]
    expected = [
        ("header.csv:3: SEX:", "'3' is not one of 1, 2, M, F, U"),
        ("header.csv:4: ETHNIC:", "'XXXX' is not a known ethnicity code"),
        ("header.csv:4: UPN:", "check letter does not match"),
        ("header.csv:6: DOB:", "'31/02/2015' is not a date (dd/mm/yyyy)"),
        ("header.csv:9: CHILD:", "'C001' is already on line 2"),
        ("header.csv:10: ETHNIC:", "NUL character"),
        ("episodes.csv:3: DEC:", "01/05/2025 is before DECOM 02/06/2025"),
        ("episodes.csv:5: CHILD:", "'C999' is not in header.csv"),
        ("episodes.csv:7: DECOM:", "01/06/2025 is inside the episode on line 6"),
        ("episodes.csv:8: LS:", "'Q9' is not one of C1, C2, D1, E1, V2"),
        ("reviews.csv:2: REVIEW_CODE:", "rule 440"),
        ("reviews.csv:3: REVIEW_CODE:", "rule 441"),
        ("reviews.csv:3: REVIEW:", "rule 399"),
        ("reviews.csv:4: REVIEW:", "C001 was not looked after on 01/01/2024"),
        ("reviews.csv:5: REVIEW:", "rule 166"),
        ("reviews.csv:6: REVIEW_CODE:", "rule 167"),
        ("reviews.csv:7: CHILD:", "'C777' is not in header.csv"),
        ("reviews.csv:8: DOB:", "01/01/2011 differs from header.csv (12/03/2012)"),
    ]
    assert len(got) == len(expected), "\n".join(got)
    for line, (prefix, reason) in zip(got, expected, strict=True):
        assert line.startswith(prefix) and reason in line, line
    with desk.read() as s:
        assert counts(s) == before
        assert s.scalar(select(func.count()).select_from(Child)) == 0


def test_missing_columns_and_files_are_reported_once(desk: Desk, tmp_path: Path):
    directory = tmp_path / "broken"
    directory.mkdir()
    (directory / "header.csv").write_text("CHILD,SEX,DOB\nC001,1,12/03/2012\n")
    (directory / "episodes.csv").write_text("")
    with desk.write() as s, pytest.raises(InvalidInput) as err:
        import_903(s, desk.ctx, directory)
    got = [str(p) for p in err.value.problems]
    assert got[:4] == [
        "header.csv:1: ETHNIC: column is missing from the header row",
        "header.csv:1: UPN: column is missing from the header row",
        "header.csv:1: MOTHER: column is missing from the header row",
        "header.csv:1: MC_DOB: column is missing from the header row",
    ]
    assert got[4:] == [
        "episodes.csv:1: file: is empty (no header row)",
        f"reviews.csv: file: is missing from {directory}",
    ]


def test_a_review_of_a_child_on_short_breaks_is_a_finding_and_refused_if_strict(
    desk: Desk, tmp_path: Path
):
    directory = write_903(
        tmp_path / "v3",
        header=f"{','.join(HEADER_COLUMNS)}\nS1,F,01/01/2015,WBRI,,,\n",
        episodes=(f"{','.join(EPISODE_COLUMNS)}\nS1,01/02/2026,S,V3,N1,U1,PR1,03/02/2026,E8,,,,\n"),
        reviews=f"{','.join(REVIEW_COLUMNS)}\nS1,01/01/2015,02/02/2026,PN1\n",
    )
    with desk.write() as s, pytest.raises(InvalidInput) as err:
        import_903(s, desk.ctx, directory, strict=True)
    assert [(p.where, p.field) for p in err.value.problems] == [("reviews.csv:2", "REVIEW")]
    assert "rule 399" in err.value.problems[0].reason
    with desk.write() as s:
        result = import_903(s, desk.ctx, directory)
    assert [(n.where, n.kind, n.rule) for n in result.findings] == [
        ("reviews.csv:2", "finding", "399")
    ]
    with desk.read() as s:  # the review is stored as given, the finding with it
        assert reviews_of(s) == [("S1", date(2026, 2, 2), "PN1", date(2026, 2, 1))]
        assert [(f.child_ref, f.rule) for f in list_findings(s)] == [("S1", "399")]


# --- importing again ---------------------------------------------------------------------


def test_importing_the_same_files_again_changes_nothing(desk: Desk):
    with_iro(desk)
    import_good(desk, iro_name="Ann Example")
    with desk.read() as s:
        before = counts(s)
        snapshot = (children_of(s), periods_of(s), episodes_of(s), reviews_of(s))
        versions = sorted(s.scalars(select(Episode.version)).all())

    again = import_good(desk, iro_name="Ann Example")

    assert again.unchanged == 4 + 6 + 7  # every header, episode and review row
    assert (again.children_added, again.children_updated) == (0, 0)
    assert (again.periods_added, again.periods_updated) == (0, 0)
    assert (again.episodes_added, again.episodes_updated) == (0, 0)
    assert (again.reviews_added, again.reviews_updated, again.allocated) == (0, 0, 0)
    assert again.summary().startswith("SSDA903 import: nothing to change; 17 rows already")
    with desk.read() as s:
        # No new rows and no row's event: only the one event saying an import was run.
        assert counts(s) == {**before, "audit_event": before["audit_event"] + 1}
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last is not None and last.action == "import.903" and last.entity_id is None
        assert (children_of(s), periods_of(s), episodes_of(s), reviews_of(s)) == snapshot
        assert sorted(s.scalars(select(Episode.version)).all()) == versions


def test_a_later_return_updates_only_what_changed(desk: Desk, tmp_path: Path):
    import_good(desk)
    later = tmp_path / "later"
    shutil.copytree(GOOD, later)
    episodes = (later / "episodes.csv").read_text()
    episodes = episodes.replace(
        "C001,02/06/2025,T,C2,N1,U4,PR4,,,,", "C001,02/06/2025,T,C2,N1,U4,PR4,01/09/2026,E8,,"
    )
    (later / "episodes.csv").write_text(episodes)
    header = (
        (later / "header.csv")
        .read_text()
        .replace("C004,1,20/07/2015,MWBC", "C004,1,20/07/2015,MOTH")
    )
    (later / "header.csv").write_text(header)

    with desk.write() as s:
        result = import_903(s, desk.ctx, later)
    assert (result.children_updated, result.episodes_updated, result.periods_updated) == (1, 1, 1)
    assert result.unchanged == 3 + 5 + 7
    assert result.children_added == result.episodes_added == result.reviews_added == 0
    with desk.read() as s:
        assert periods_of(s)["C001"] == [(date(2024, 4, 10), date(2026, 9, 1))]
        assert child_by_ref(s, "C004").ethnicity == "MOTH"
        assert child_by_ref(s, "C004").version == 2

    # The earlier return (C001 still open at its date) does not reopen the episode.
    again = import_good(desk)
    assert again.episodes_updated == again.periods_updated == 0
    with desk.read() as s:
        assert periods_of(s)["C001"] == [(date(2024, 4, 10), date(2026, 9, 1))]


def test_an_episode_that_contradicts_the_desk_is_a_finding_and_refused_if_strict(
    desk: Desk, tmp_path: Path
):
    import_good(desk)
    directory = write_903(
        tmp_path / "overlap",
        header=f"{','.join(HEADER_COLUMNS)}\nC003,2,05/01/2008,BAFR,,,\n",
        episodes=f"{','.join(EPISODE_COLUMNS)}\nC003,01/06/2024,P,V2,N4,U1,PR1,,,,,,\n",
        reviews=f"{','.join(REVIEW_COLUMNS)}\n",
    )
    overlap = (
        "episodes.csv:2: DECOM: 01/06/2024 is inside the episode already recorded from "
        "20/04/2023 to 31/12/2025 of C003"
    )
    with desk.write() as s, pytest.raises(InvalidInput) as err:
        import_903(s, desk.ctx, directory, strict=True)
    assert [str(p) for p in err.value.problems] == [overlap]
    with desk.write() as s:
        result = import_903(s, desk.ctx, directory)
    assert result.episodes_added == 1
    assert [str(n.problem()) for n in result.findings] == [overlap]
    with desk.read() as s:
        assert [(f.rule, f.line) for f in list_findings(s, child_ref="C003")] == [("OVERLAP", 2)]


# --- SEX codes ------------------------------------------------------------------------------


def test_sex_accepts_the_old_and_the_new_codes(desk: Desk, tmp_path: Path):
    directory = write_903(
        tmp_path / "sex",
        header=(
            f"{','.join(HEADER_COLUMNS)}\n"
            "A1,1,01/01/2010,WBRI,,,\nA2,2,01/01/2010,WBRI,,,\nA3,M,01/01/2010,WBRI,,,\n"
            "A4,F,01/01/2010,WBRI,,,\nA5,u,01/01/2010,WBRI,,,\n"
        ),
        episodes=f"{','.join(EPISODE_COLUMNS)}\n",
        reviews=f"{','.join(REVIEW_COLUMNS)}\n",
    )
    with desk.write() as s:
        import_903(s, desk.ctx, directory)
    with desk.read() as s:
        assert {ref: v[0] for ref, v in children_of(s).items()} == {
            "A1": "M", "A2": "F", "A3": "M", "A4": "F", "A5": "U",
        }  # fmt: skip


# --- export -----------------------------------------------------------------------------------


def test_export_writes_the_years_own_codes_and_rows(desk: Desk, tmp_path: Path):
    import_good(desk)
    with desk.read() as s:
        old = export_903(s, desk.ctx, tmp_path / "2023", year_start=2023)
        new = export_903(s, desk.ctx, tmp_path / "2025", year_start=2025)

    # 2023-24: only C003 was looked after; SEX as 1/2; the episode ended after 31 March 2024,
    # so the return shows it open.
    assert read_csv(tmp_path / "2023" / "header.csv") == [
        list(HEADER_COLUMNS),
        ["C003", "2", "05/01/2008", "BAFR", "Q801200005002", "0", ""],
    ]
    assert read_csv(tmp_path / "2023" / "episodes.csv") == [
        list(EPISODE_COLUMNS),
        ["C003", "20/04/2023", "S", "V2", "N4", "K2", "PR2", "", "", "", "NE33 5EE", "DH1 1AB",
         "SC123456"],
    ]  # fmt: skip
    assert read_csv(tmp_path / "2023" / "reviews.csv") == [
        list(REVIEW_COLUMNS),
        ["C003", "05/01/2008", "15/05/2023", "PN5"],
    ]
    assert (old.children, old.episodes, old.reviews) == (1, 1, 1)

    # 2025-26: everyone, SEX as M/F, reviews of that year only.
    header = read_csv(tmp_path / "2025" / "header.csv")
    assert header[0] == list(HEADER_COLUMNS)
    assert [(r[0], r[1]) for r in header[1:]] == [
        ("C001", "M"), ("C002", "F"), ("C003", "F"), ("C004", "M"),
    ]  # fmt: skip
    # The UPN reason code and MOTHER go back out as they came in (rules 442, 393).
    assert [(r[0], r[4], r[5]) for r in header[1:]] == [
        ("C001", "B801200005001", ""), ("C002", "UN1", ""), ("C003", "Q801200005002", "0"),
        ("C004", "", ""),
    ]  # fmt: skip
    episodes = read_csv(tmp_path / "2025" / "episodes.csv")
    assert episodes[0] == list(EPISODE_COLUMNS)
    assert episodes[1][:10] == [
        "C001", "10/04/2024", "S", "C1", "N1", "U1", "PR1", "02/06/2025", "X1", "CARPL",
    ]  # fmt: skip
    assert len(episodes) == 1 + 6
    reviews = read_csv(tmp_path / "2025" / "reviews.csv")
    assert [r[2] for r in reviews[1:]] == ["10/08/2025", "27/05/2025", "10/10/2025"]
    assert new.summary().startswith("SSDA903 2025-26: 4 children, 6 episodes, 3 reviews")

    # Only the three files, no temporary leftovers, and private (records about children).
    for year in ("2023", "2025"):
        files = sorted(p.name for p in (tmp_path / year).iterdir())
        assert files == ["episodes.csv", "header.csv", "reviews.csv"]
        assert all(((tmp_path / year / f).stat().st_mode & 0o077) == 0 for f in files)


def test_export_sex_from_2024_is_m_f_u(desk: Desk, tmp_path: Path):
    import_good(desk)
    with desk.read() as s:
        export_903(s, desk.ctx, tmp_path / "y", year_start=2024)
    header = read_csv(tmp_path / "y" / "header.csv")
    assert [(r[0], r[1]) for r in header[1:]] == [("C001", "M"), ("C003", "F")]


def test_export_replaces_an_older_file(desk: Desk, tmp_path: Path):
    import_good(desk)
    out = tmp_path / "out"
    out.mkdir()
    (out / "header.csv").write_text("stale\n")
    with desk.read() as s:
        export_903(s, desk.ctx, out, year_start=2025)
    assert read_csv(out / "header.csv")[0] == list(HEADER_COLUMNS)


# --- round trip -------------------------------------------------------------------------------


@pytest.fixture
def fresh_desk(desk: Desk, sqlite_template: Path, tmp_path: Path) -> Iterator[Desk]:
    """A second empty database on the same backend as ``desk``."""
    if desk.engine.dialect.name == "sqlite":
        (tmp_path / "fresh").mkdir()
        other = sqlite_desk_from(sqlite_template, tmp_path / "fresh")
        yield other
        other.engine.dispose()
        return
    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    other = open_desk(pg_schema_url(schema), make_ctx())
    try:
        yield other
    finally:
        other.engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_round_trip_export_then_import_into_a_fresh_database(
    desk: Desk, fresh_desk: Desk, tmp_path: Path
):
    import_good(desk)
    with desk.read() as s:
        original = (children_of(s), periods_of(s), episodes_of(s), reviews_of(s))
        for year in (2023, 2024, 2025):
            export_903(s, desk.ctx, tmp_path / str(year), year_start=year)

    # One return per year, in order: each later one ends what the earlier left open.
    for year in (2023, 2024, 2025):
        with fresh_desk.write() as s:
            import_903(s, fresh_desk.ctx, tmp_path / str(year))
    with fresh_desk.read() as s:
        assert (children_of(s), periods_of(s), episodes_of(s), reviews_of(s)) == original

    # And the newest return alone gives that year's children, episodes and reviews exactly.
    with desk.read() as s:
        export_903(s, desk.ctx, tmp_path / "again", year_start=2025)
    for name in ("header.csv", "episodes.csv", "reviews.csv"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "2025" / name).read_bytes()


def test_the_import_matches_what_was_recorded_on_the_desk(desk: Desk, tmp_path: Path):
    from iro_desk.services.children import add_child, start_care
    from iro_desk.services.meetings import record_review

    with desk.write() as s:
        child = add_child(s, desk.ctx, ref="D1", first_name="Dee", dob=date(2015, 6, 1), sex="F")
        start_care(s, desk.ctx, child, date(2026, 1, 5), legal_status="C2", placement="U1")
        record_review(s, desk.ctx, child, date(2026, 1, 30), participation="PN1")
    directory = write_903(
        tmp_path / "desk",
        header=f"{','.join(HEADER_COLUMNS)}\nD1,2,01/06/2015,WBRI,,,\n",
        episodes=(
            f"{','.join(EPISODE_COLUMNS)}\n"
            "D1,05/01/2026,S,C2,N1,U1,PR1,01/05/2026,X1,CARPL,,,\n"
            "D1,01/05/2026,P,C2,N1,U4,PR4,,,,,,\n"
        ),
        reviews=f"{','.join(REVIEW_COLUMNS)}\nD1,01/06/2015,30/01/2026,PN1\nD1,,20/07/2026,PN6\n",
    )
    with desk.write() as s:
        result = import_903(s, desk.ctx, directory)
    # Same child (ethnicity added), same first episode (now ended, with its CIN), same review.
    assert (result.children_added, result.children_updated) == (0, 1)
    assert (result.episodes_added, result.episodes_updated) == (1, 1)
    assert (result.periods_added, result.periods_updated) == (0, 0)
    assert (result.reviews_added, result.unchanged) == (1, 1)
    with desk.read() as s:
        assert children_of(s) == {"D1": ("F", date(2015, 6, 1), "WBRI", None)}
        assert child_by_ref(s, "D1").first_name == "Dee"  # names are not in the return
        assert periods_of(s) == {"D1": [(date(2026, 1, 5), None)]}
        assert [(e[1], e[2], e[5]) for e in episodes_of(s)] == [
            (date(2026, 1, 5), date(2026, 5, 1), "N1"),
            (date(2026, 5, 1), None, "N1"),
        ]
        assert reviews_of(s) == [
            ("D1", date(2026, 1, 30), "PN1", date(2026, 1, 5)),
            ("D1", date(2026, 7, 20), "PN6", date(2026, 1, 5)),
        ]
