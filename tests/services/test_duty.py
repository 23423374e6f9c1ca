"""The duty rota and the duty log, on SQLite and PostgreSQL (the ``desk`` fixture)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select

from iro_desk import clock
from iro_desk.db.models import AuditEvent, Enquiry, EnquiryUpdate, RotaDay
from iro_desk.services import duty
from iro_desk.services.children import add_child
from iro_desk.services.context import Ctx, Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.iros import add_iro, set_active
from tests.builders import TODAY

MON, TUE, WED, THU = (date(2026, 11, 30) + timedelta(days=i) for i in range(4))
TABLES = (RotaDay, Enquiry, EnquiryUpdate, AuditEvent)


@pytest.fixture
def staffed(desk: Desk) -> Desk:
    """Three active IROs (Ann is the logged-in user "tester"), one who left, one child."""
    with desk.write() as s:
        add_iro(s, desk.ctx, "Ann Duty", username="tester")
        add_iro(s, desk.ctx, "Ben Backup")
        add_iro(s, desk.ctx, "Cara Cover")
        add_iro(s, desk.ctx, "Dev Gone")
        set_active(s, desk.ctx, "Dev Gone", False)
        add_child(s, desk.ctx, ref="C1001", first_name="Alice", last_name="Smith")
    return desk


def counts(desk: Desk) -> dict[str, int]:
    with desk.read() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}


def actions_for(desk: Desk, entity_id: uuid.UUID) -> list[str]:
    with desk.read() as s:
        return list(
            s.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity_id == entity_id)
                .order_by(AuditEvent.at)
            )
        )


def fields_of(exc: pytest.ExceptionInfo[InvalidInput]) -> set[str]:
    return {p.field for p in exc.value.problems}


def future_moment() -> datetime:
    """Two days after the pinned TODAY (the tests' clock), whatever the real date."""
    return datetime.combine(TODAY + timedelta(days=2), time(9), UTC)


# --- the rota -----------------------------------------------------------------------


def test_assign_replace_and_unassigned_days_in_the_rota(staffed: Desk) -> None:
    ctx = staffed.ctx
    with staffed.write() as s:
        duty.assign_duty(s, ctx, MON, "Ann Duty", "Ben Backup")
        duty.assign_duty(s, ctx, WED, "cara cover")  # names match regardless of case
    with staffed.read() as s:
        assert duty.rota(s, MON, THU) == [
            duty.DutyDay(MON, "Ann Duty", "Ben Backup"),
            duty.DutyDay(TUE, None, None),
            duty.DutyDay(WED, "Cara Cover", None),
            duty.DutyDay(THU, None, None),
        ]

    with staffed.write() as s:
        duty.assign_duty(s, ctx, MON, "Ben Backup", "Cara Cover")
    with staffed.read() as s:
        assert duty.duty_on(s, MON) == duty.DutyDay(MON, "Ben Backup", "Cara Cover")
        row = s.scalars(select(RotaDay).where(RotaDay.day == MON)).one()
        assert row.version == 2
    assert counts(staffed)["rota_day"] == 2  # replaced, not duplicated
    assert actions_for(staffed, row.id) == ["rota.assign", "rota.assign"]


def test_swap_clear_and_duty_days(staffed: Desk) -> None:
    ctx = staffed.ctx
    with staffed.write() as s:
        duty.assign_duty(s, ctx, MON, "Ann Duty", "Ben Backup")
        duty.assign_duty(s, ctx, WED, "Cara Cover", "Ann Duty")
        duty.swap_duty(s, ctx, MON, WED)
    with staffed.read() as s:
        assert duty.duty_on(s, MON) == duty.DutyDay(MON, "Cara Cover", "Ann Duty")
        assert duty.duty_on(s, WED) == duty.DutyDay(WED, "Ann Duty", "Ben Backup")

    # Swapping with an empty day moves the assignment there.
    with staffed.write() as s:
        duty.swap_duty(s, ctx, WED, TUE)
    with staffed.read() as s:
        assert [d.duty for d in duty.rota(s, MON, THU)] == ["Cara Cover", "Ann Duty", None, None]
        assert duty.duty_days_of(s, "Ann Duty", MON, THU) == [TUE]
        assert duty.duty_days_of(s, "Ann Duty", MON, THU, include_backup=True) == [MON, TUE]

    with staffed.write() as s:
        duty.clear_duty(s, ctx, MON)
    with staffed.read() as s:
        assert duty.duty_on(s, MON) == duty.DutyDay(MON, None, None)
        assert duty.duty_days_of(s, "Cara Cover", MON, THU) == []
        mon = s.scalars(select(RotaDay).where(RotaDay.day == MON)).one()
        tue = s.scalars(select(RotaDay).where(RotaDay.day == TUE)).one()
    assert actions_for(staffed, mon.id) == ["rota.assign", "rota.swap", "rota.clear"]
    assert actions_for(staffed, tue.id) == ["rota.swap"]


def test_rota_is_one_query_whatever_the_range(staffed: Desk) -> None:
    with staffed.write() as s:
        for i in range(0, 60, 3):
            duty.assign_duty(s, staffed.ctx, MON + timedelta(days=i), "Ann Duty")
    selects: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(staffed.engine, "before_cursor_execute", seen)
    try:
        with staffed.read() as s:
            days = duty.rota(s, MON, MON + timedelta(days=89))
    finally:
        event.remove(staffed.engine, "before_cursor_execute", seen)
    assert len(selects) == 1
    assert len(days) == 90
    assert [d.day for d in days] == [MON + timedelta(days=i) for i in range(90)]
    assert sum(d.duty == "Ann Duty" for d in days) == 20


@pytest.mark.parametrize(
    ("duty_name", "backup_name", "fields"),
    [
        ("Nobody", None, {"duty_iro"}),
        ("Ann Duty", "Nobody", {"backup_iro"}),
        ("Nobody", "No One", {"duty_iro", "backup_iro"}),  # both reported at once
        ("Ann Duty", "ann duty", {"backup_iro"}),  # same person twice
        ("Dev Gone", "Ann Duty", {"duty_iro"}),  # no longer active
        ("", None, {"duty_iro"}),
        ("Ann\x00Duty", None, {"duty_iro"}),
    ],
)
def test_assign_validation_names_the_field_and_writes_nothing(
    staffed: Desk, duty_name: str, backup_name: str | None, fields: set[str]
) -> None:
    with staffed.write() as s:
        duty.assign_duty(s, staffed.ctx, TUE, "Cara Cover")
    before = counts(staffed)
    with pytest.raises(InvalidInput) as exc, staffed.write() as s:
        duty.assign_duty(s, staffed.ctx, TUE, duty_name, backup_name)
    assert fields_of(exc) == fields
    assert counts(staffed) == before
    with staffed.read() as s:
        assert duty.duty_on(s, TUE) == duty.DutyDay(TUE, "Cara Cover", None)


def test_rota_refusals(staffed: Desk) -> None:
    with pytest.raises(InvalidInput) as exc, staffed.write() as s:
        duty.clear_duty(s, staffed.ctx, MON)
    assert fields_of(exc) == {"day"}
    with pytest.raises(InvalidInput) as exc, staffed.write() as s:
        duty.swap_duty(s, staffed.ctx, MON, TUE)
    assert fields_of(exc) == {"day_a"}
    with pytest.raises(InvalidInput) as exc, staffed.write() as s:
        duty.swap_duty(s, staffed.ctx, MON, MON)
    assert fields_of(exc) == {"day_b"}
    with pytest.raises(InvalidInput) as exc, staffed.read() as s:
        duty.rota(s, TUE, MON)
    assert fields_of(exc) == {"end"}
    assert counts(staffed)["rota_day"] == 0


# --- enquiries ----------------------------------------------------------------------

GOOD: dict[str, Any] = {
    "received_at": datetime(2026, 11, 26, 9, 30, tzinfo=UTC),
    "taken_by": "Ann Duty",
    "caller_name": "PC Jones",
    "caller_role": "Police officer",
    "caller_agency": "Northumbria Police",
    "category": "10A",
    "child_ref": "C1001",
    "summary": "Missing overnight; returned at 7am.",
    "action": "Return interview arranged.",
    "follow_up_due": date(2026, 11, 30),
}


def log(desk: Desk, ctx: Ctx | None = None, **changes: Any) -> uuid.UUID:
    with desk.write() as s:
        return duty.log_enquiry(s, ctx or desk.ctx, **{**GOOD, **changes}).id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"taken_by": "Nobody"}, "taken_by"),
        ({"category": "99Z"}, "category"),
        ({"category": ""}, "category"),
        ({"summary": "   "}, "summary"),
        ({"summary": "Missing\x00 overnight"}, "summary"),
        ({"caller_name": "x" * 101}, "caller_name"),
        ({"follow_up_due": date(2026, 11, 25)}, "follow_up_due"),
        ({"child_ref": "NOPE"}, "child_ref"),
        ({"child_ref": None, "subject": ""}, "subject"),
        ({"received_at": datetime(2026, 11, 26, 9, 30)}, "received_at"),  # no time zone
        ({"received_at": future_moment()}, "received_at"),
    ],
)
def test_log_validation_names_the_field_and_writes_nothing(
    staffed: Desk, changes: dict[str, Any], field: str
) -> None:
    before = counts(staffed)
    with pytest.raises(InvalidInput) as exc:
        log(staffed, **changes)
    assert fields_of(exc) == {field}
    assert counts(staffed) == before


def test_log_reports_every_problem_at_once(staffed: Desk) -> None:
    before = counts(staffed)
    with pytest.raises(InvalidInput) as exc:
        log(
            staffed,
            taken_by="Nobody",
            category="nope",
            summary="",
            follow_up_due=date(2026, 11, 1),
        )
    assert fields_of(exc) == {"taken_by", "category", "summary", "follow_up_due"}
    assert counts(staffed) == before


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    head=st.text(max_size=20),
    tail=st.text(max_size=20),
)
def test_any_nul_in_the_summary_is_refused(staffed: Desk, head: str, tail: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        log(staffed, summary=f"{head}\x00{tail}")
    assert fields_of(exc) == {"summary"}
    assert counts(staffed)["enquiry"] == 0


def test_defaults_taker_from_the_user_and_time_from_the_clock(staffed: Desk) -> None:
    with staffed.write() as s:
        enquiry = duty.log_enquiry(
            s, staffed.ctx, category="advice", subject="A foster carer", summary="Asked about"
        )
    with staffed.read() as s:
        row = duty.get_enquiry(s, staffed.ctx, enquiry.id)
    assert row.taken_by == "Ann Duty"  # ctx.user "tester" is Ann's login
    assert row.received_at == staffed.ctx.now()
    assert (row.category, row.category_label) == ("ADVICE", "Advice only")
    assert (row.child_ref, row.about) == (None, "A foster carer")
    assert row.lado_referral is None and row.lado_meeting is None


def test_log_update_close_reopen_keeps_every_update(staffed: Desk) -> None:
    ctx = staffed.ctx
    enquiry_id = log(staffed)
    with staffed.write() as s:
        duty.update_enquiry(
            s, ctx, enquiry_id, note="Spoke to the social worker.", follow_up_due=date(2026, 12, 2)
        )
        duty.update_enquiry(s, ctx, enquiry_id, note="Return interview done.")
        duty.close_enquiry(s, ctx, enquiry_id, "No further action.")
    before = counts(staffed)
    with pytest.raises(InvalidInput) as exc, staffed.write() as s:
        duty.close_enquiry(s, ctx, enquiry_id, "Closing again.")
    assert fields_of(exc) == {"status"}
    assert counts(staffed) == before
    with staffed.write() as s:
        duty.reopen_enquiry(s, ctx, str(enquiry_id), "Missing again.", follow_up_due=TODAY)

    with staffed.read() as s:
        history = duty.enquiry_history(s, enquiry_id)
        row = duty.get_enquiry(s, ctx, enquiry_id)
        stored = s.get(Enquiry, enquiry_id)
    assert [(u.status, u.note, u.follow_up_due) for u in history] == [
        ("open", "logged", date(2026, 11, 30)),
        ("open", "Spoke to the social worker.", date(2026, 12, 2)),
        ("open", "Return interview done.", date(2026, 12, 2)),
        ("closed", "No further action.", None),  # closing clears the follow-up
        ("open", "Missing again.", TODAY),
    ]
    assert [u.at for u in history] == sorted(u.at for u in history)
    assert all(u.by == "tester" for u in history)
    assert stored is not None
    assert stored.summary == GOOD["summary"] and stored.action == GOOD["action"]
    assert (row.status, row.follow_up_due, row.about) == ("open", TODAY, "Alice Smith (C1001)")
    assert actions_for(staffed, enquiry_id) == [
        "enquiry.log",
        "enquiry.update",
        "enquiry.update",
        "enquiry.close",
        "enquiry.reopen",
    ]
    for update in history:
        assert actions_for(staffed, update.id) == ["enquiry_update.add"]

    with pytest.raises(InvalidInput) as exc, staffed.write() as s:
        duty.reopen_enquiry(s, ctx, enquiry_id, "Already open.")
    assert fields_of(exc) == {"status"}
    with pytest.raises(InvalidInput) as exc, staffed.write() as s:
        duty.update_enquiry(s, ctx, enquiry_id, note="")
    assert fields_of(exc) == {"note"}
    with pytest.raises(InvalidInput) as exc, staffed.write() as s:
        duty.update_enquiry(s, ctx, enquiry_id, note="x", follow_up_due=date(2026, 11, 1))
    assert fields_of(exc) == {"follow_up_due"}
    assert counts(staffed)["enquiry_update"] == 5


def test_open_enquiries_put_overdue_follow_ups_first(staffed: Desk) -> None:
    ids = {
        name: log(staffed, summary=name, received_at=received, follow_up_due=due)
        for name, received, due in [
            ("later", datetime(2026, 11, 18, 9, tzinfo=UTC), date(2026, 11, 30)),
            ("none", datetime(2026, 11, 17, 9, tzinfo=UTC), None),
            ("overdue-20", datetime(2026, 11, 18, 9, tzinfo=UTC), date(2026, 11, 20)),
            ("due-today", datetime(2026, 11, 18, 9, tzinfo=UTC), TODAY),
            ("overdue-26", datetime(2026, 11, 19, 9, tzinfo=UTC), date(2026, 11, 26)),
            ("closed", datetime(2026, 11, 18, 9, tzinfo=UTC), date(2026, 11, 19)),
        ]
    }
    with staffed.write() as s:
        duty.close_enquiry(s, staffed.ctx, ids["closed"], "Done.")
    with staffed.read() as s:
        rows = duty.open_enquiries(s, staffed.ctx, TODAY)
        first_two = duty.open_enquiries(s, staffed.ctx, TODAY, limit=2)
        next_week = duty.open_enquiries(s, staffed.ctx, date(2026, 12, 4))
    assert [(r.summary, r.overdue) for r in rows] == [
        ("overdue-20", True),
        ("overdue-26", True),
        ("due-today", False),  # due today is not yet overdue
        ("later", False),
        ("none", False),
    ]
    assert [r.summary for r in first_two] == ["overdue-20", "overdue-26"]
    assert [r.overdue for r in next_week] == [True, True, True, True, False]


def test_enquiries_on_a_day_use_utc_boundaries(staffed: Desk) -> None:
    log(staffed, summary="late", received_at=datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    log(staffed, summary="afternoon", received_at=datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    # 00:10 in London during BST would be 23:10 UTC the day before; in November they agree.
    log(staffed, summary="small hours", received_at=datetime(2026, 11, 26, 0, 10, tzinfo=UTC))
    with staffed.read() as s:
        day = duty.enquiries_on(s, date(2026, 11, 26), staffed.ctx)
        before = duty.enquiries_on(s, date(2026, 11, 25), staffed.ctx)
        empty = duty.enquiries_on(s, date(2026, 11, 24), staffed.ctx)
    assert [r.summary for r in day] == ["small hours", "afternoon"]
    assert [r.summary for r in before] == ["late"]
    assert empty == []
    row = day[0]
    assert (row.taken_by, row.caller_name, row.caller_agency) == (
        "Ann Duty",
        "PC Jones",
        "Northumbria Police",
    )
    assert (row.category_label, row.child_name, row.received_date) == (
        "Missing",
        "Alice Smith",
        date(2026, 11, 26),
    )


def test_a_summer_call_after_midnight_is_the_local_days(
    staffed: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pinned at 23:30 UTC on Wed 14 July 2027, which is 00:30 on Thu 15 July in London:
    "today", the day's log and the LADO clocks follow the local day."""
    monkeypatch.setenv(clock.ENV, "2027-07-14T23:30:00+00:00")
    assert clock.today() == date(2027, 7, 15)
    ctx = dataclasses.replace(staffed.ctx, today=clock.today(), clock=clock.now)
    due = {"follow_up_due": date(2027, 7, 20)}
    now = {"received_at": None, **due}  # logged as the call comes in: the clock's time
    after_midnight = log(staffed, ctx, category="LADO", child_ref=None, subject="Coach", **now)
    before = datetime(2027, 7, 14, 22, 59, tzinfo=UTC)  # 23:59 on Wednesday in London
    log(staffed, ctx, summary="before", received_at=before, **due)
    with staffed.read() as s:
        thursday = duty.enquiries_on(s, date(2027, 7, 15), ctx)
        wednesday = duty.enquiries_on(s, date(2027, 7, 14), ctx)
        (lado,) = duty.lado_referrals(s, ctx, ctx.today)
    assert [r.id for r in thursday] == [after_midnight]
    assert [r.summary for r in wednesday] == ["before"]
    assert thursday[0].received_date == date(2027, 7, 15)
    # One working day from Thursday 15 July: Friday (from the UTC Wednesday it was Thursday).
    assert lado.lado_referral == duty.LadoClock(due=date(2027, 7, 16), done=None, late=False)
    clock.set_zone("UTC")  # the setting: a unit keeping UTC days gets them
    assert clock.today() == date(2027, 7, 14)


def test_lado_clocks_across_christmas_bank_holidays(staffed: Desk) -> None:
    # Thu 24 Dec 2026: Fri 25 and Mon 28 (Boxing Day substitute) are bank holidays, 26/27 a
    # weekend, and Fri 1 Jan 2027 a holiday.
    later = datetime(2027, 1, 8, 12, tzinfo=UTC)
    ctx = dataclasses.replace(staffed.ctx, today=later.date(), clock=lambda: later)
    lado = log(
        staffed,
        ctx,
        category="lado",
        child_ref=None,
        subject="Residential worker at Oak House",
        received_at=datetime(2026, 12, 24, 10, 0, tzinfo=UTC),
        follow_up_due=None,
    )
    log(
        staffed,
        ctx,
        category="19C",
        received_at=datetime(2026, 12, 24, 11, tzinfo=UTC),
        follow_up_due=None,
    )
    closed = log(
        staffed,
        ctx,
        category="LADO",
        subject="Teacher",
        received_at=datetime(2026, 12, 21, 9, 0, tzinfo=UTC),
        follow_up_due=None,
    )
    with staffed.write() as s:
        duty.close_enquiry(s, ctx, closed, "LADO took it on.")

    with staffed.read() as s:
        due_day = duty.lado_referrals(s, ctx, date(2026, 12, 29))
        day_after = duty.lado_referrals(s, ctx, date(2026, 12, 30))
    assert [r.id for r in due_day] == [lado]  # the other category and the closed one are out
    referral, meeting = due_day[0].lado_referral, due_day[0].lado_meeting
    assert referral == duty.LadoClock(due=date(2026, 12, 29), done=None, late=False)
    assert referral.state == "due"
    assert meeting == duty.LadoClock(due=date(2027, 1, 5), done=None, late=False)
    assert day_after[0].lado_referral is not None
    assert day_after[0].lado_referral.state == "overdue"

    with staffed.write() as s:
        duty.update_enquiry(
            s, ctx, lado, note="Referred to LADO.", lado_referred=date(2026, 12, 30)
        )
        duty.update_enquiry(s, ctx, lado, note="AMM held.", lado_meeting=date(2027, 1, 5))
    with staffed.read() as s:
        (row,) = duty.lado_referrals(s, ctx, date(2027, 1, 8))
        history = duty.enquiry_history(s, lado)
    assert row.lado_referral is not None and row.lado_meeting is not None
    assert (row.lado_referral.state, row.lado_meeting.state) == ("done late", "done")
    assert [(u.lado_referred, u.lado_meeting) for u in history] == [
        (None, None),
        (date(2026, 12, 30), None),
        (date(2026, 12, 30), date(2027, 1, 5)),
    ]


def test_lado_dates_are_checked(staffed: Desk) -> None:
    later = datetime(2027, 1, 8, 12, tzinfo=UTC)
    ctx = dataclasses.replace(staffed.ctx, today=later.date(), clock=lambda: later)
    christmas_eve = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
    lado = log(staffed, ctx, category="LADO", received_at=christmas_eve, follow_up_due=None)
    missing = log(staffed, ctx, received_at=christmas_eve, follow_up_due=None)
    before = counts(staffed)
    cases: list[tuple[uuid.UUID, dict[str, Any], set[str]]] = [
        (missing, {"lado_referred": date(2026, 12, 29)}, {"lado_referred"}),  # not a LADO case
        (lado, {"lado_referred": date(2026, 12, 23)}, {"lado_referred"}),  # before received
        (lado, {"lado_meeting": date(2027, 1, 9)}, {"lado_meeting"}),  # in the future
        (
            lado,
            {"lado_referred": date(2027, 1, 4), "lado_meeting": date(2026, 12, 30)},
            {"lado_meeting"},  # meeting before the referral
        ),
    ]
    for enquiry_id, changes, fields in cases:
        with pytest.raises(InvalidInput) as exc, staffed.write() as s:
            duty.update_enquiry(s, ctx, enquiry_id, note="dates", **changes)
        assert fields_of(exc) == fields, changes
    assert counts(staffed) == before
