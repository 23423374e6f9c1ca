"""Hostile input, generated: no traceback, every refusal names its field, and whatever is
accepted reads back exactly (stripped of outer white space, as the services document).

Hypothesis drives the validators (services/validate.py's Checker and parse_date,
rules/identity.py, rules/text.py, the 903 date), the 903 CSV reading (arbitrary bytes:
a BOM, CRLF, broken quoting, invalid UTF-8, 100,000-character fields) and the main
service writes on SQLite and PostgreSQL, with NUL, right-to-left marks, emoji, huge
strings and dates from year 1 to 9999. Derandomised (seeded) so a run is repeatable.

Lone surrogates are left out of the service writes: no path can deliver them (the
terminal and the 903 files are decoded strictly, and the CLI refuses undecodable
arguments before any service runs; tests/test_cli_hostile_input.py).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from iro_desk.db.models import Child, Enquiry, Iro, RotaDay, Visit
from iro_desk.rules import identity
from iro_desk.rules.plausible import BIRTH, RECORD
from iro_desk.rules.text import control_problem, visible
from iro_desk.services import duty
from iro_desk.services.children import add_child, child_by_ref, start_care
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.iros import add_iro, find_iro
from iro_desk.services.ssda903 import export_903, import_903
from iro_desk.services.ssda903.fileformat import FILES
from iro_desk.services.ssda903.reading import Problems, read_file
from iro_desk.services.ssda903.reading import parse_date as parse_903_date
from iro_desk.services.validate import Checker, parse_date
from iro_desk.services.visits import record_visit
from tests.builders import TODAY

# Text a person or a file could bring: everything but lone surrogates, weighted towards
# the awkward (NUL, controls, bidi marks, zero-width joiners, emoji, combining marks).
AWKWARD = "\x00\x1b\r\n\t\u200f\u202e\u2066\u200d\ufeff\u0301 \U0001f469\u200d\U0001f467"
TEXT: st.SearchStrategy[str] = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    # Printable but foreign: accents, Arabic and Hebrew (right to left), emoji, CJK.
    st.text(st.characters(exclude_categories=["Cs", "Cc", "Cf"]), min_size=1, max_size=60),
    st.text(st.sampled_from(AWKWARD + "aZ0/.,'\""), max_size=30),
    st.builds(lambda c, n: c * n, st.sampled_from("xé🙂\u202e"), st.integers(10_000, 120_000)),
)
DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.dates(min_value=date(2000, 1, 1), max_value=TODAY),  # the plausible ones, often
)
FAST = settings(max_examples=200, deadline=None, derandomize=True)
ON_DB = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fields(exc: InvalidInput) -> set[str]:
    assert exc.problems, "a refusal says what was wrong"
    assert all(p.field and p.reason for p in exc.problems)
    return {p.field for p in exc.problems}


# --- validators -----------------------------------------------------------------------


@FAST
@given(value=TEXT, required=st.booleans(), one_line=st.booleans(), max_len=st.integers(0, 200))
def test_checker_text_names_the_field_or_keeps_the_stripped_text(
    value: str, required: bool, one_line: bool, max_len: int
) -> None:
    check = Checker()
    kept = check.text("views", value, required=required, max_len=max_len, one_line=one_line)
    if check.problems:
        with pytest.raises(InvalidInput) as exc:
            check.done()
        assert fields(exc.value) == {"views"}
    else:
        assert kept == value.strip()
        assert "\x00" not in kept and len(kept) <= max_len
        assert not (one_line and control_problem(value))


@FAST
@given(value=st.one_of(st.none(), TEXT), day=DATES, other=DATES)
def test_checker_choices_and_dates_name_their_fields(value, day: date, other: date) -> None:
    check = Checker()
    check.choice("location", value, ("school", "placement"))
    check.not_future("date", day, TODAY)
    check.plausible("dob", day, BIRTH, TODAY)
    check.plausible("visit_date", other, RECORD, TODAY)
    check.order("start", day, "end", other)
    assert {p.field for p in check.problems} <= {"location", "date", "dob", "visit_date", "end"}


@FAST
@given(value=st.one_of(TEXT, st.from_regex(r"\A-?\d{1,6}[-/]\d{1,3}[-/]\d{1,6}\Z")))
def test_parse_date_gives_a_date_or_names_the_field(value: str) -> None:
    try:
        parsed = parse_date("review_date", value)
    except InvalidInput as exc:
        assert fields(exc) == {"review_date"}
    else:
        assert isinstance(parsed, date)
    parsed_903 = parse_903_date(value)
    assert parsed_903 is None or isinstance(parsed_903, date)


@FAST
@given(value=TEXT)
def test_identity_and_text_rules_never_raise(value: str) -> None:
    for problem in (
        identity.nhs_number_problem(value),
        identity.upn_problem(value),
        identity.text_problem(value),
        control_problem(value),
    ):
        assert problem is None or isinstance(problem, str)
    if identity.nhs_number_problem(value) is None:
        assert identity.normalise_nhs_number(value).isdigit()
    identity.normalise_upn(value)
    tidied, warning = identity.normalise_postcode(value)
    assert isinstance(tidied, str) and (warning is None or isinstance(warning, str))
    shown = visible(value)
    assert "\x1b" not in shown and "\u202e" not in shown  # nothing can drive the terminal


# --- the 903 files ---------------------------------------------------------------------

CELL = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.sampled_from(['"', '""', 'a"b', '"open', "C001", "01/02/2020", "PN1", "U1", ""]),
    st.just("x" * 100_000),
)


@st.composite
def csv_bytes(draw, columns: tuple[str, ...]) -> bytes:
    """A CSV file as bytes: sometimes well formed, sometimes not at all."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=400))
    header = list(columns) if draw(st.booleans()) else draw(st.lists(CELL, max_size=5))
    rows = [header, *draw(st.lists(st.lists(CELL, max_size=len(columns) + 2), max_size=6))]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(",".join(row) for row in rows)
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data  # a BOM
    if draw(st.integers(0, 5)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\xff\xfe\xc3" + data[at:]  # invalid UTF-8
    return data


@st.composite
def returns(draw) -> dict[str, bytes]:
    return {name: draw(csv_bytes(columns)) for name, columns in FILES}


_dirs = itertools.count()


def _write_return(folder: Path, files: dict[str, bytes]) -> Path:
    directory = folder / f"r{next(_dirs)}"
    directory.mkdir()
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return directory


@settings(FAST, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=returns())
def test_reading_any_bytes_gives_rows_or_located_problems(tmp_path: Path, files) -> None:
    directory = _write_return(tmp_path, files)
    problems = Problems()
    for name, columns in FILES:
        read = read_file(directory, name, columns, problems)
        assert all(isinstance(v, str) for row in read.rows for v in row.values.values())
    for problem in problems.sorted():
        assert problem.where and problem.where.split(":")[0] in dict(FILES)
        assert problem.field and problem.reason


@pytest.mark.slow
@ON_DB
@given(files=returns())
def test_importing_any_bytes_is_all_or_nothing_on_each_backend(
    desk: Desk, tmp_path_factory: pytest.TempPathFactory, files
) -> None:
    directory = _write_return(tmp_path_factory.mktemp("903"), files)
    before = _count(desk, Child)
    try:
        with desk.write() as s:
            result = import_903(s, desk.ctx, directory)
    except InvalidInput as exc:
        for problem in exc.problems:
            assert problem.where and problem.where.split(":")[0] in dict(FILES), problem
            assert problem.field and problem.reason
        assert _count(desk, Child) == before
    else:
        assert _count(desk, Child) == before + result.children_added


def _count(desk: Desk, model) -> int:
    with desk.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


# --- service writes on SQLite and PostgreSQL ----------------------------------------------

_refs = itertools.count()


@pytest.mark.slow
@ON_DB
@given(
    name=TEXT,
    username=st.one_of(st.none(), TEXT),
    fte=st.one_of(st.floats(allow_nan=True), st.sampled_from([0.5, 1.0])),
)
def test_add_iro_stores_exactly_or_names_the_field(desk: Desk, name, username, fte) -> None:
    try:
        with desk.write() as s:
            iro_id = add_iro(s, desk.ctx, name, fte=fte, username=username).id
    except InvalidInput as exc:
        assert fields(exc) <= {"name", "username", "fte"}
        event("refused")
        return
    event("accepted")  # --hypothesis-show-statistics: not all refusals
    with desk.read() as s:
        iro = s.get(Iro, iro_id)
        assert iro is not None
        assert (iro.name, iro.username, iro.fte) == (
            name.strip(),
            (username or "").strip() or None,
            fte,
        )


@pytest.mark.slow
@ON_DB
@given(ref=TEXT, first=TEXT, last=TEXT, dob=st.one_of(st.none(), DATES), nhs=TEXT, upn=TEXT)
def test_add_child_stores_exactly_or_names_the_field(
    desk: Desk, ref, first, last, dob, nhs, upn
) -> None:
    ref = f"{next(_refs)}{ref}"  # unique, unless the text makes it invalid
    try:
        with desk.write() as s:
            child_id = add_child(
                s,
                desk.ctx,
                ref=ref,
                first_name=first,
                last_name=last,
                dob=dob,
                nhs_number=nhs,
                upn=upn,
            ).id
    except InvalidInput as exc:
        assert fields(exc) <= {"ref", "first_name", "last_name", "dob", "nhs_number", "upn"}
        event("refused")
        return
    event("accepted")  # --hypothesis-show-statistics: not all refusals
    with desk.read() as s:
        child = s.get(Child, child_id)
        assert child is not None
        assert (child.ref, child.first_name, child.last_name, child.dob) == (
            ref.strip(),
            first.strip(),
            last.strip(),
            dob,
        )


@pytest.fixture
def staffed(desk: Desk) -> Desk:
    with desk.write() as s:
        add_iro(s, desk.ctx, "Ann Hostile")
        add_iro(s, desk.ctx, "Bea Hostile")
        child = add_child(s, desk.ctx, ref="H1", first_name="Amy", dob=date(2012, 2, 2))
        start_care(s, desk.ctx, child, date(2020, 1, 5), legal_status="C2", placement="U1")
    return desk


@pytest.mark.slow
@ON_DB
@given(views=TEXT, day=DATES, location=TEXT, alone=st.booleans())
def test_record_visit_stores_the_views_exactly_or_names_the_field(
    staffed: Desk, views, day, location, alone
) -> None:
    try:
        with staffed.write() as s:
            visit_id = record_visit(
                s,
                staffed.ctx,
                child_by_ref(s, "H1"),
                find_iro(s, "Ann Hostile"),
                visit_date=day,
                location=location if len(location) % 2 else "school",
                purpose="other",
                seen_alone=alone,
                views=views,
            ).id
    except InvalidInput as exc:
        assert fields(exc) <= {"date", "location", "views"}
        event("refused")
        return
    event("accepted")  # --hypothesis-show-statistics: not all refusals
    with staffed.read() as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        assert (visit.views, visit.visit_date, visit.seen_alone) == (views.strip(), day, alone)


@pytest.mark.slow
@ON_DB
@given(
    summary=st.one_of(TEXT, st.sampled_from(["Rang about contact 🙂", "مكالمة"])),
    caller=st.one_of(TEXT, st.sampled_from(["", "Ms Zoë O'Neil"])),
    subject=st.one_of(TEXT, st.just("")),
    category=st.one_of(TEXT, st.sampled_from(["advice", " Advice ", "LADO"])),
    received=st.one_of(st.none(), DATES),
    follow_up=st.one_of(st.none(), st.none(), DATES),
)
def test_log_enquiry_stores_exactly_or_names_the_field(
    staffed: Desk, summary, caller, subject, category, received, follow_up
) -> None:
    at = datetime.combine(received, time(9, 0), tzinfo=UTC) if received else None
    try:
        with staffed.write() as s:
            enquiry_id = duty.log_enquiry(
                s,
                staffed.ctx,
                category=category,
                summary=summary,
                received_at=at,
                taken_by="Ann Hostile",
                caller_name=caller,
                child_ref="H1" if not subject.strip() else None,
                subject=subject,
                follow_up_due=follow_up,
            ).id
    except InvalidInput as exc:
        allowed = {"category", "summary", "received_at", "caller_name", "subject"}
        assert fields(exc) <= allowed | {"follow_up_due", "taken_by", "child_ref"}
        event("refused")
        return
    event("accepted")  # --hypothesis-show-statistics: not all refusals
    with staffed.read() as s:
        row = s.get(Enquiry, enquiry_id)
        assert row is not None
        assert (row.summary, row.caller_name, row.subject, row.follow_up_due) == (  # fmt: skip
            summary.strip(),
            caller.strip(),
            subject.strip(),
            follow_up,
        )


@pytest.mark.slow
@ON_DB
@given(day=DATES, duty_name=st.one_of(TEXT, st.just("ann hostile")), backup=st.none() | TEXT)
def test_assign_duty_names_the_field(staffed: Desk, day, duty_name, backup) -> None:
    try:
        with staffed.write() as s:
            duty.assign_duty(s, staffed.ctx, day, duty_name, backup)
    except InvalidInput as exc:
        assert fields(exc) <= {"day", "duty_iro", "backup_iro"}
        event("refused")
        return
    event("accepted")  # --hypothesis-show-statistics: not all refusals
    with staffed.read() as s:
        row = s.scalars(select(RotaDay).where(RotaDay.day == day)).one()
        assert row.duty_iro_id == find_iro(s, "Ann Hostile").id


# --- exports cannot be steered out of their folder ---------------------------------------


@pytest.mark.parametrize(
    "ref", ["../../escape", "/etc/passwd", "..", "C:\\evil", "a/../../b", "x\u202ecsv.exe"]
)
def test_export_writes_only_its_three_files_whatever_the_records_hold(
    desk: Desk, tmp_path: Path, ref: str
) -> None:
    """The file names are fixed (header.csv, episodes.csv, reviews.csv); a child's
    reference is data in a cell, never part of a path."""
    with desk.write() as s:
        try:
            child = add_child(s, desk.ctx, ref=ref, dob=date(2012, 2, 2), sex="1")
        except InvalidInput:
            child = add_child(s, desk.ctx, ref="SAFE1", dob=date(2012, 2, 2), sex="1")
        start_care(s, desk.ctx, child, date(2025, 5, 1), legal_status="C2", placement="U1")
    exports = tmp_path / "exports"
    exports.mkdir()
    with desk.read() as s:
        export_903(s, desk.ctx, exports / "sub" / "out", year_start=2025)
    everything = sorted(p.relative_to(exports).as_posix() for p in exports.rglob("*"))
    assert everything == [
        "sub",
        "sub/out",
        "sub/out/episodes.csv",
        "sub/out/header.csv",
        "sub/out/reviews.csv",
    ]
