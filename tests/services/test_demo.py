"""The demo unit: shaped like the seed report, the same for the same seed, within the rules.

Every figure is counted from the tables with the test's own queries, not taken from the
generator's summary.
"""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from iro_desk.db.engine import sqlite_url
from iro_desk.db.models import (
    AuditEvent,
    CarePeriod,
    Child,
    CpPlan,
    Enquiry,
    Episode,
    Iro,
    Meeting,
    MeetingChild,
    Visit,
)
from iro_desk.rules.codes import ethnic_group, placement_group
from iro_desk.rules.dates import age_on
from iro_desk.rules.identity import is_test_nhs_number, nhs_number_problem
from iro_desk.rules.participation import check_review
from iro_desk.rules.reviews import lar_timeliness
from iro_desk.services.context import Desk, open_desk
from iro_desk.services.demo import DemoSummary, generate_demo
from iro_desk.services.errors import InvalidInput
from tests.builders import TODAY, make_ctx


@pytest.fixture(scope="module")
def default_unit(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Desk, DemoSummary]]:
    """The default-size unit on SQLite, generated once for the read-only tests below."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(sqlite_template, path)
    path.chmod(0o600)
    desk = open_desk(sqlite_url(path), make_ctx())
    with desk.write() as session:
        summary = generate_demo(session, desk.ctx)
    yield desk, summary
    desk.engine.dispose()


def looked_after_on(session: Session, on: date) -> list[CarePeriod]:
    """Open periods of care on a day (the period's end day is its last day in care)."""
    return list(
        session.scalars(
            select(CarePeriod).where(
                CarePeriod.start_date <= on,
                or_(CarePeriod.end_date.is_(None), CarePeriod.end_date > on),
            )
        )
    )


def on_cp_plan(session: Session, on: date) -> set:
    return set(
        session.scalars(
            select(CpPlan.child_id).where(
                CpPlan.start_date <= on,
                or_(CpPlan.end_date.is_(None), CpPlan.end_date > on),
            )
        )
    )


def episodes_by_child(session: Session) -> dict:
    out: dict = defaultdict(list)
    for episode in session.scalars(select(Episode).order_by(Episode.start_date)):
        out[episode.child_id].append(episode)
    return out


def legal_status_on(episodes: list[Episode], on: date) -> str | None:
    status = None
    for episode in episodes:
        if episode.start_date <= on and (episode.end_date is None or episode.end_date >= on):
            status = episode.legal_status
    return status


def snapshot(session: Session) -> tuple[list, list]:
    children = [
        tuple(r)
        for r in session.execute(
            select(Child.ref, Child.first_name, Child.last_name, Child.dob).order_by(Child.ref)
        )
    ]
    reviews = [
        tuple(r)
        for r in session.execute(
            select(Child.ref, MeetingChild.meeting_date, MeetingChild.participation)
            .join(Child, Child.id == MeetingChild.child_id)
            .where(MeetingChild.kind == "LAR")
            .order_by(Child.ref, MeetingChild.meeting_date)
        )
    ]
    return children, reviews


# -- the default unit (SQLite) ----------------------------------------------------------


def test_default_unit_has_the_seed_reports_size(default_unit: tuple[Desk, DemoSummary]) -> None:
    desk, summary = default_unit
    with desk.read() as s:
        iros = list(s.scalars(select(Iro)))
        looked_after = looked_after_on(s, TODAY)
        cp = on_cp_plan(s, TODAY)
    assert len(iros) == 7
    assert sorted(i.fte for i in iros) == [0.6] + [1.0] * 6
    assert 290 <= len({p.child_id for p in looked_after}) <= 330
    assert 155 <= len(cp) <= 185
    assert summary.cp_now == len(cp)
    assert summary.iros == 7


def test_year_end_mix_looks_like_the_seed(default_unit: tuple[Desk, DemoSummary]) -> None:
    desk, _ = default_unit
    with desk.read() as s:
        periods = looked_after_on(s, TODAY)
        by_child = episodes_by_child(s)
        kids = {c.id: c for c in s.scalars(select(Child))}
    current = {}
    for p in periods:
        episode = [e for e in by_child[p.child_id] if e.period_id == p.id][-1]
        if episode.legal_status not in ("V3", "V4"):  # short breaks are not in the count
            current[p.child_id] = episode
    n = len(current)
    groups = Counter(placement_group(e.placement or "") for e in current.values())
    assert 0.74 <= groups["Fostered"] / n <= 0.84
    assert 0.08 <= groups["Residential"] / n <= 0.15
    assert 0.05 <= groups["Placed for adoption"] / n <= 0.10
    assert sum(e.placement == "K1" for e in current.values()) == 1
    ages = [age_on(kids[c].dob, TODAY) for c in current]
    assert 0.22 <= sum(a < 5 for a in ages) / n <= 0.30
    assert 0.12 <= sum(a >= 16 for a in ages) / n <= 0.20
    assert all(a < 18 for a in ages)
    white_british = sum(ethnic_group(kids[c].ethnicity) == "White British" for c in current)
    assert 0.80 <= white_british / n <= 0.88


def test_every_looked_after_review_passes_the_903_rules(
    default_unit: tuple[Desk, DemoSummary],
) -> None:
    desk, _ = default_unit
    with desk.read() as s:
        by_child = episodes_by_child(s)
        dobs = dict(s.execute(select(Child.id, Child.dob)).all())
        lars = list(s.scalars(select(MeetingChild).where(MeetingChild.kind == "LAR")))
    assert len(lars) > 1000
    for row in lars:
        status = legal_status_on(by_child[row.child_id], row.meeting_date)
        assert status is not None, f"review on {row.meeting_date} outside care"
        assert check_review(row.meeting_date, row.participation, dobs[row.child_id], status) == []
        assert row.period_id is not None


def test_nothing_is_held_after_as_of(default_unit: tuple[Desk, DemoSummary]) -> None:
    desk, _ = default_unit
    with desk.read() as s:
        assert s.scalar(select(func.max(Meeting.meeting_date))) <= TODAY
        assert s.scalar(select(func.max(MeetingChild.meeting_date))) <= TODAY
        assert s.scalar(select(func.max(Visit.visit_date))) <= TODAY
        assert s.scalar(select(func.max(Enquiry.received_at))) <= desk.ctx.now()


def test_looked_after_reviews_are_mostly_on_time(default_unit: tuple[Desk, DemoSummary]) -> None:
    desk, _ = default_unit
    with desk.read() as s:
        starts = dict(s.execute(select(CarePeriod.id, CarePeriod.start_date)).all())
        dates: dict = defaultdict(list)
        for period_id, held in s.execute(
            select(MeetingChild.period_id, MeetingChild.meeting_date).where(
                MeetingChild.kind == "LAR"
            )
        ):
            dates[period_id].append(held)
    timings = [
        t
        for pid, held in dates.items()
        for t in lar_timeliness(starts[pid], held, desk.ctx.calendar)
    ]
    on_time = sum(t.on_time for t in timings) / len(timings)
    assert on_time >= 0.90
    assert on_time < 1.0  # a few are late, as in any real unit


def test_children_carry_valid_test_nhs_numbers(default_unit: tuple[Desk, DemoSummary]) -> None:
    desk, _ = default_unit
    with desk.read() as s:
        numbers = list(s.scalars(select(Child.nhs_number).where(Child.nhs_number.is_not(None))))
        keys = list(s.execute(select(Child.first_name, Child.first_key, Child.last_key)))
    assert numbers
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert nhs_number_problem(number) is None
        assert is_test_nhs_number(number)
    assert all(first.lower() == key for first, key, _ in keys)


def test_one_audit_event_and_stamps_name_the_user(default_unit: tuple[Desk, DemoSummary]) -> None:
    desk, summary = default_unit
    with desk.read() as s:
        events = list(s.scalars(select(AuditEvent)))
        users = set(s.scalars(select(Child.created_by).distinct()))
        users |= set(s.scalars(select(Meeting.updated_by).distinct()))
    assert [e.action for e in events] == ["demo.generate"]
    assert '"seed": 1' in events[0].detail
    assert users == {desk.ctx.user}
    assert summary.rows > summary.children
    assert any("IROs: 7" in line for line in summary.lines())


# -- both backends, a smaller unit --------------------------------------------------------


def test_same_seed_same_unit_and_a_full_database_is_refused(
    desk: Desk, sqlite_template: Path, tmp_path: Path
) -> None:
    with desk.write() as s:
        first = generate_demo(s, desk.ctx, children=300, seed=7)
    with desk.read() as s:
        before = snapshot(s)
    assert first.children == len(before[0])
    assert before[1]

    with pytest.raises(InvalidInput) as refused, desk.write() as s:
        generate_demo(s, desk.ctx, children=300, seed=7)
    assert refused.value.problems[0].field == "database"
    assert "holds records" in refused.value.problems[0].reason
    with desk.read() as s:
        assert snapshot(s) == before
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 1

    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(sqlite_template, again / "again.db")
    other = open_desk(sqlite_url(again / "again.db"), make_ctx())
    try:
        with other.write() as s:
            generate_demo(s, other.ctx, children=300, seed=7)
        with other.read() as s:
            assert snapshot(s) == before
    finally:
        other.engine.dispose()


def test_children_out_of_range_are_refused(desk: Desk) -> None:
    with pytest.raises(InvalidInput) as refused, desk.write() as s:
        generate_demo(s, desk.ctx, children=3)
    assert refused.value.problems[0].field == "children"
    with desk.read() as s:
        assert s.scalar(select(func.count()).select_from(Child)) == 0
