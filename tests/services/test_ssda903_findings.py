"""A real-shaped 903 return: what is stored, skipped and reported, and what clears it."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from iro_desk.cli import main
from iro_desk.db.models import Child, Episode, ImportFinding
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.ssda903 import import_903
from iro_desk.services.ssda903.findings import list_findings
from tests.services.test_ssda903 import GOOD, episodes_of, import_good, reviews_of, write_903

HEADER = (
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
    "C001,1.0,12/03/2012,WBRI,B801200005001,,\n"  # SEX as a spreadsheet saves it
    "C002,2,01/09/2010,WOTH,UN2, 1.0 ,05/06/2026\n"  # no UPN (UN2); a mother
    "C003,2,05/01/2008,BAFR,E000200005001,0,\n"  # LA 000 is no LA: a finding
    "C004,1,31/02/2015,MWBC,,,\n"  # no such date: the child cannot be stored
)
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "C001,10/04/2024,S,C1,N1,U1,PR1,,E8,,,,\n"  # REC on an open episode
    "C002,01/05/2025,S,V3,N2,U3,PR1,,,,,,\n"
    "C003,20/04/2023,S,V2,N4,K2,PR2,31/12/2025,E8,,,,\n"
    "C003,01/06/2025,P,V2,N4,U1,PR1,,,,,,\n"  # overlaps the one before
    "C004,01/01/2025,S,C1,N1,U1,PR1,,,,,,\n"  # its child was not stored
)
REVIEWS = (
    "CHILD,DOB,REVIEW,REVIEW_CODE\n"
    "C001,12/03/2012,05/05/2024,PN0\n"  # rule 440: PN0 at 12
    "C002,01/09/2010,10/05/2025,PN1\n"  # rule 399: a review on short breaks
    "C001,12/03/2012,01/01/2024,PN1\n"  # before any episode
    "C001,12/03/2012,31/02/2025,PN1\n"  # not a date: skipped
    "C777,01/01/2010,15/02/2025,PN1\n"  # no such child: skipped
)
# (kind, rule, where) of everything the import notes about the messy return, in file order.
EXPECTED = [
    ("finding", "UPN_LA", "header.csv:4"),
    ("skipped", "DOB", "header.csv:5"),
    ("finding", "REC", "episodes.csv:2"),
    ("finding", "OVERLAP", "episodes.csv:5"),
    ("skipped", "CHILD", "episodes.csv:6"),
    ("finding", "440", "reviews.csv:2"),
    ("finding", "399", "reviews.csv:3"),
    ("finding", "OUTSIDE", "reviews.csv:4"),
    ("skipped", "REVIEW", "reviews.csv:5"),
    ("skipped", "CHILD", "reviews.csv:6"),
]


def messy(tmp_path: Path, **changes: str) -> Path:
    files = {"header": HEADER, "episodes": EPISODES, "reviews": REVIEWS} | changes
    return write_903(tmp_path / "messy", **files)


def open_findings(desk: Desk) -> list[tuple[str, str, str, int | None]]:
    with desk.read() as s:
        return [(f.child_ref, f.kind, f.rule, f.line) for f in list_findings(s)]


def test_a_messy_return_stores_what_it_can_and_keeps_the_findings(desk: Desk, tmp_path: Path):
    with desk.write() as s:
        result = import_903(s, desk.ctx, messy(tmp_path))
    assert [(n.kind, n.rule, n.where) for n in result.findings] == EXPECTED
    assert (result.children_added, result.episodes_added, result.reviews_added) == (3, 4, 3)
    assert result.skipped == 4
    assert "4 rows skipped (not storable); 6 findings kept with the rows" in result.summary()
    by_rule = result.findings_by_rule()
    assert by_rule[0].startswith("finding 399: 1 (e.g. reviews.csv:3: rule 399")

    with desk.read() as s:
        children = {c.ref: c for c in s.scalars(select(Child))}
        assert sorted(children) == ["C001", "C002", "C003"]
        assert children["C001"].sex == "M"
        assert (children["C002"].upn, children["C002"].upn_reason) == (None, "UN2")
        assert (children["C002"].mother, children["C002"].mc_dob) == (True, date(2026, 6, 5))
        assert (children["C003"].upn, children["C003"].mother) == ("E000200005001", False)
        # Stored as given: REC on the open episode, both overlapping episodes.
        episodes = {(e[0], e[1]): e for e in episodes_of(s)}
        assert episodes[("C001", date(2024, 4, 10))][8] == "E8"
        assert {ref for ref, _ in episodes} == {"C001", "C002", "C003"}
        assert len(episodes) == 4
        # The review outside every episode is kept, under no period of care.
        assert reviews_of(s) == [
            ("C001", date(2024, 1, 1), "PN1", None),
            ("C001", date(2024, 5, 5), "PN0", date(2024, 4, 10)),
            ("C002", date(2025, 5, 10), "PN1", date(2025, 5, 1)),
        ]
        stored = list_findings(s)
        assert sorted((f.kind, f.rule, f"{f.file}:{f.line}") for f in stored) == sorted(EXPECTED)
        ids = {f.rule: f.child_id for f in stored}
        assert ids["OUTSIDE"] == children["C001"].id and ids["CHILD"] is None


def test_strict_refuses_the_messy_return_and_writes_nothing(desk: Desk, tmp_path: Path):
    with desk.write() as s, pytest.raises(InvalidInput) as err:
        import_903(s, desk.ctx, messy(tmp_path), strict=True)
    assert [p.where for p in err.value.problems] == [where for _, _, where in EXPECTED]
    with desk.read() as s:
        assert s.scalar(select(func.count()).select_from(Child)) == 0
        assert s.scalar(select(func.count()).select_from(ImportFinding)) == 0


@pytest.mark.parametrize(
    ("name", "body", "reason"),
    [
        ("header", HEADER + "C001,1,12/03/2012,WBRI,,,\n", "'C001' is already on line 2"),
        ("episodes", EPISODES.replace(",URN\n", "\n", 1), "URN: column is missing"),
    ],
)
def test_an_unreadable_return_is_refused_whole(
    desk: Desk, tmp_path: Path, name: str, body: str, reason: str
):
    with desk.write() as s, pytest.raises(InvalidInput) as err:
        import_903(s, desk.ctx, messy(tmp_path, **{name: body}))
    assert any(reason in str(p) for p in err.value.problems), err.value.problems
    with desk.read() as s:
        assert s.scalar(select(func.count()).select_from(Episode)) == 0


def test_a_clean_return_has_no_findings(desk: Desk):
    result = import_good(desk)
    assert result.findings == () and result.skipped == 0
    assert open_findings(desk) == []
    assert (GOOD / "header.csv").exists()


def test_a_corrected_file_clears_the_findings_it_fixes(desk: Desk, tmp_path: Path):
    with desk.write() as s:
        import_903(s, desk.ctx, messy(tmp_path))
    fixed = messy(
        tmp_path,
        # The REC is dropped, and C003's first episode ends when the second starts.
        episodes=EPISODES.replace("PR1,,E8,,,,", "PR1,,,,,,").replace(
            "31/12/2025,E8", "01/06/2025,X1"
        ),
    )
    with desk.write() as s:
        result = import_903(s, desk.ctx, fixed)
    assert result.findings_cleared == 2
    assert "2 findings cleared" in result.summary()
    still = open_findings(desk)
    assert ("C001", "finding", "REC", 2) not in still
    assert ("C003", "finding", "OVERLAP", 5) not in still
    assert ("C001", "finding", "OUTSIDE", 4) in still
    assert len(still) == len(EXPECTED) - 2
    with desk.read() as s:
        cleared = list_findings(s, include_cleared=True)
        assert sorted(f.rule for f in cleared if f.cleared_at is not None) == ["OVERLAP", "REC"]


def test_the_cli_prints_findings_by_rule_writes_the_csv_and_lists_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    db = tmp_path / "unit.db"
    runner = CliRunner()
    out_csv = tmp_path / "findings.csv"
    directory = messy(tmp_path)
    result = runner.invoke(
        main, ["--db", str(db), "import", "903", str(directory), "--findings", str(out_csv)]
    )
    assert result.exit_code == 0, result.output
    assert "finding OUTSIDE: 1 (e.g. reviews.csv:4" in result.output
    assert "skipped CHILD: 2 (e.g. episodes.csv:6, reviews.csv:6" in result.output
    with out_csv.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["kind", "rule", "child", "file", "line", "field", "message"]
    assert [(r[0], r[1], f"{r[3]}:{r[4]}") for r in rows[1:]] == EXPECTED

    listed = runner.invoke(main, ["--db", str(db), "findings", "--rule", "outside"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "C001  finding OUTSIDE  reviews.csv:4: REVIEW: C001 was not looked after on 01/01/2024",
        "1 finding.",
    ]
    as_json = runner.invoke(main, ["--db", str(db), "findings", "--child", "C003", "--json"])
    assert '"rule": "UPN_LA"' in as_json.output and '"rule": "OVERLAP"' in as_json.output

    strict = runner.invoke(main, ["--db", str(db), "import", "903", str(directory), "--strict"])
    assert strict.exit_code == 2
    assert "error: reviews.csv:4: REVIEW: C001 was not looked after" in strict.output


# --- a one-year return: the history before it is unknown, not missing -------------------

ONE_YEAR_HEADER = (
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nH1,M,01/01/2012,WBRI,,,\nN1,F,01/01/2013,WBRI,,,\n"
)
ONE_YEAR_EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "H1,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n"  # in care before the return's year began
    "N1,01/05/2025,S,C2,N1,U1,PR1,,,,,,\n"  # came into care in the year
)
ONE_YEAR_REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE\nN1,01/01/2013,20/05/2025,PN1\n"


def _caseload_row(desk: Desk, ref: str):
    from iro_desk.services.caseload import build_caseload
    from iro_desk.services.children import child_by_ref

    with desk.read() as s:
        child = child_by_ref(s, ref)
        result = build_caseload(s, desk.ctx, as_of=desk.ctx.today, child_ids=[child.id])
        return result.header, result.rows[0]


def test_a_one_year_return_does_not_invent_overdue_reviews(desk: Desk, tmp_path: Path):
    from iro_desk.services.children import child_by_ref
    from iro_desk.services.meetings import record_review

    directory = write_903(
        tmp_path / "year", header=ONE_YEAR_HEADER, episodes=ONE_YEAR_EPISODES,
        reviews=ONE_YEAR_REVIEWS,
    )  # fmt: skip
    with desk.write() as s:
        result = import_903(s, desk.ctx, directory)
    assert result.history_incomplete == 1
    assert "1 child with review history before the files unknown" in result.summary()
    assert [(n.child_ref, n.rule, n.on_date) for n in result.findings] == [
        ("H1", "HISTORY", date(2025, 4, 1))
    ]
    header, row = _caseload_row(desk, "H1")
    # Its first review fell due in 2024, but what happened before April 2025 is unknown.
    assert row.history_incomplete and not row.overdue and header.overdue == 0
    assert row.as_json()["history_incomplete"] is True
    _, other = _caseload_row(desk, "N1")
    assert not other.history_incomplete and not other.check_record

    # The IRO enters the last review held before the return: the clock is known again.
    with desk.write() as s:
        record_review(s, desk.ctx, child_by_ref(s, "H1"), date(2025, 3, 3), participation="PN1")
    header, row = _caseload_row(desk, "H1")
    assert not row.history_incomplete
    assert row.last_review == date(2025, 3, 3)
    assert row.overdue == (desk.ctx.today > row.next_review_due) and header.overdue == row.overdue


def test_findings_that_make_the_clock_uncertain_say_check_the_record(desk: Desk, tmp_path: Path):
    with desk.write() as s:
        import_903(s, desk.ctx, messy(tmp_path))
    _, c001 = _caseload_row(desk, "C001")  # a review outside every episode
    _, c002 = _caseload_row(desk, "C002")  # a rule 399 finding: the clock is not in doubt
    assert c001.check_record and c001.as_json()["check_record"] is True
    assert not c002.check_record


def test_mother_and_mc_dob_are_edited_on_the_desk_and_go_out_in_the_return(tmp_path: Path):
    db = tmp_path / "unit.db"
    runner = CliRunner()
    directory = messy(tmp_path)
    assert runner.invoke(main, ["--db", str(db), "import", "903", str(directory)]).exit_code == 0
    bad = runner.invoke(
        main, ["--db", str(db), "child", "903", "C003", "--mother", "2", "--mc-dob", "2001-01-01"]
    )
    assert bad.exit_code == 2
    assert bad.output.splitlines() == [
        "error: --mother: '2' is not one of 1, 0",
        "error: --mc-dob: 2001-01-01 is before the young woman's own DOB 2008-01-05",
    ]
    args = ["child", "903", "C003", "--mother", "1", "--mc-dob", "2025-02-03"]
    assert runner.invoke(main, ["--db", str(db), *args]).exit_code == 0
    shown = runner.invoke(main, ["--db", str(db), "child", "show", "C003"])
    assert "903: MOTHER 1, MC_DOB 03 Feb 2025" in shown.output
    assert "Open findings (2):" in shown.output and "OVERLAP (finding)" in shown.output
    # A reason code for having no UPN does not fit a child who has one.
    refused = runner.invoke(main, ["--db", str(db), "child", "903", "C003", "--upn-reason", "UN1"])
    assert "error: --upn-reason: C003 has a UPN; a reason code is for none" in refused.output
    out = tmp_path / "out"
    assert (
        runner.invoke(
            main, ["--db", str(db), "export", "903", str(out), "--year", "2025"]
        ).exit_code
        == 0
    )
    with (out / "header.csv").open(newline="", encoding="utf-8") as handle:
        rows = {r[0]: r for r in csv.reader(handle)}
    assert rows["C003"][5:] == ["1", "03/02/2025"]
    assert rows["C002"][4:] == ["UN2", "1", "05/06/2026"]


def test_correcting_mother_on_the_desk_clears_its_finding(desk: Desk, tmp_path: Path):
    from iro_desk.services.child_details import update_903_details

    header = HEADER.replace("E000200005001,0,", "E000200005001,yes,")
    with desk.write() as s:
        result = import_903(s, desk.ctx, messy(tmp_path, header=header))
    assert ("C003", "MOTHER") in [(n.child_ref, n.rule) for n in result.findings]
    with desk.write() as s:
        update_903_details(s, desk.ctx, "C003", mother="0")
    with desk.read() as s:
        assert list_findings(s, rule="MOTHER") == []
        assert [f.rule for f in list_findings(s, rule="MOTHER", include_cleared=True)] == ["MOTHER"]
        assert s.scalars(select(Child.mother).where(Child.ref == "C003")).one() is False
