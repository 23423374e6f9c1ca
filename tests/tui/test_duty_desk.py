"""The duty desk: log an enquiry through the form, then update and close it from its detail."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import DataTable, Input, OptionList, Select, Static, TextArea

from iro_desk.screens.dialogs.confirm import ConfirmDialog
from iro_desk.screens.duty.duty_desk import DutyDeskScreen
from iro_desk.screens.duty.enquiry_detail import EnquiryDetailScreen
from iro_desk.screens.duty.enquiry_form import EnquiryFormScreen
from iro_desk.services.children import search_children
from iro_desk.services.context import Desk
from iro_desk.services.duty import (
    clear_duty,
    close_enquiry,
    enquiries_on,
    enquiry_history,
    get_enquiry,
    log_enquiry,
)
from iro_desk.widgets.child_picker import ChildPicker
from tests.conftest import TODAY
from tests.tui.conftest import settle


def todays(desk: Desk):
    with desk.read() as s:
        return enquiries_on(s, TODAY, desk.ctx)


def a_child(desk: Desk) -> tuple[str, str]:
    """A demo child's reference and name (found the way the picker finds them)."""
    with desk.read() as s:
        hit = next(h for h in search_children(s, "DEMO", limit=20) if " " in h.name)
    return hit.ref, hit.name


async def click(pilot, screen, selector: str) -> None:
    """Scroll a button into view, click it, and wait for what it started."""
    screen.query_one(selector).scroll_visible(animate=False)
    await pilot.pause()
    assert await pilot.click(selector)
    await settle(pilot)


async def open_form(app, pilot) -> EnquiryFormScreen:
    await settle(pilot)
    assert isinstance(app.screen, DutyDeskScreen)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(app.screen, EnquiryFormScreen)
    return app.screen


async def test_an_enquiry_logged_in_the_form_appears_in_todays_list(app_for, demo_desk):
    ref, name = a_child(demo_desk)
    before = {e.id for e in todays(demo_desk)}
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(app, pilot)
        # The time received is filled in with "now", in UTC.
        assert form.query_one("#received_at", Input).value == "2026-11-27 10:30"
        # The cursor starts in the first empty required field: the category.
        assert app.focused is form.query_one("#category", Select)
        form.query_one("#caller_name", Input).focus()
        await pilot.press(*"PC J")
        assert form.query_one("#caller_name", Input).value == "PC J"
        form.query_one("#caller_name", Input).value = "PC Jones"
        form.query_one("#caller_role", Input).value = "Police officer"
        form.query_one("#caller_agency", Input).value = "Demo Constabulary"
        form.query_one("#category", Select).value = "10A"

        # Find the child by name: the matches come from a worker, then ↓ and Enter pick one.
        picker = form.query_one("#child_ref", ChildPicker)
        picker.query_one(Input).focus()
        first, last = name.split()[0], name.split()[-1]
        await pilot.press(*f"{first} {last[:2]}")
        await settle(pilot)
        matches = picker.query_one(OptionList)
        ids = [matches.get_option_at_index(i).id for i in range(matches.option_count)]
        assert ref in ids
        await pilot.press("down", *["down"] * ids.index(ref), "enter")
        await pilot.pause()
        assert picker.ref == ref
        assert ref in str(picker.query_one(".picker-status", Static).content)

        form.query_one("#summary", TextArea).text = "Missing overnight, returned at 7am"
        form.query_one("#action", TextArea).text = "Return interview arranged"
        form.query_one("#follow_up_due", Input).value = "2026-11-30"
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, DutyDeskScreen)
        new = [e for e in todays(demo_desk) if e.id not in before]
        assert len(new) == 1
        enquiry = new[0]
        assert (enquiry.caller_name, enquiry.caller_role, enquiry.caller_agency) == (
            "PC Jones",
            "Police officer",
            "Demo Constabulary",
        )
        assert (enquiry.category, enquiry.child_ref, enquiry.status) == ("10A", ref, "open")
        assert enquiry.summary == "Missing overnight, returned at 7am"
        assert enquiry.follow_up_due == date(2026, 11, 30)
        assert enquiry.taken_by == app.me
        # ... and the desk lists it today, about the child.
        table = app.screen.query_one("#today", DataTable)
        row = table.get_row(str(enquiry.id))
        assert name in str(row[2]) and "10A" in str(row[1])


async def test_an_empty_summary_is_refused_next_to_the_field_and_nothing_is_written(
    app_for, demo_desk
):
    before = len(todays(demo_desk))
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        await pilot.press(*"Head")
        form.query_one("#category", Select).value = "ADVICE"
        form.query_one("#subject", Input).value = "A boy in year 9, name not given"
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert app.screen is form
        error = form.query_one("#error-summary", Static)
        assert error.display and "required" in str(error.content)
        assert len(todays(demo_desk)) == before

        # A typed date that is not a date is refused as it is typed.
        form.query_one("#follow_up_due", Input).value = "2026-13-01"
        await pilot.pause()
        assert "not a date" in str(form.query_one("#error-follow_up_due", Static).content)

        # Escape with typed content asks before discarding it.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, DutyDeskScreen)
    assert len(todays(demo_desk)) == before


async def test_an_enquiry_is_updated_and_closed_from_its_detail(app_for, demo_desk):
    ctx = demo_desk.ctx
    with demo_desk.write() as s:
        enquiry_id = log_enquiry(
            s,
            ctx,
            category="LADO",
            summary="Coach seen pushing a child",
            caller_name="Club secretary",
            subject="Allegation against a football coach",
        ).id
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        desk = app.screen
        # The LADO list shows its two clocks, not yet done.
        await pilot.press("3")
        lado = desk.query_one("#lado", DataTable)
        row = lado.get_row(str(enquiry_id))
        assert str(row[2]).startswith("due") and str(row[3]).startswith("due")
        lado.move_cursor(row=lado.get_row_index(str(enquiry_id)))
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, EnquiryDetailScreen)
        assert "Coach seen pushing a child" in str(detail.query_one("#summary", Static).content)

        # An update with a follow-up date and the day the LADO referral was made.
        await pilot.press("u", *"Refe")  # u: to the note (the screen opens on the enquiry)
        detail.query_one("#note", TextArea).insert("rred to the LADO")
        detail.query_one("#follow_up_due", Input).value = "2026-12-02"
        detail.query_one("#lado_referred", Input).value = "2026-11-27"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert detail.query_one("#note", TextArea).text == ""

        # Closing needs a note: refused without one, next to the note.
        await click(pilot, detail, "#close")
        assert "required" in str(detail.query_one("#error-note", Static).content)
        detail.query_one("#note", TextArea).text = "LADO has taken it on"
        await pilot.pause()  # the error goes, and the buttons move up a line
        await click(pilot, detail, "#close")
        assert isinstance(app.screen, ConfirmDialog)  # closing asks first
        await pilot.press("y")
        await settle(pilot)
        assert "closed" in str(detail.query_one("#title", Static).content)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DutyDeskScreen)
        assert str(enquiry_id) not in [k.value for k in lado.rows]  # closed: off the list

    with demo_desk.read() as s:
        history = enquiry_history(s, enquiry_id)
        after = get_enquiry(s, ctx, enquiry_id)
    assert [(u.status, u.note) for u in history] == [
        ("open", "logged"),
        ("open", "Referred to the LADO"),
        ("closed", "LADO has taken it on"),
    ]
    assert history[1].follow_up_due == date(2026, 12, 2)
    assert after.status == "closed"
    assert after.lado_referral is not None and after.lado_referral.done == date(2026, 11, 27)
    assert after.lado_referral.state == "done"


async def test_nobody_on_duty_today_is_shown_in_red(app_for, demo_desk):
    with demo_desk.write() as s:
        clear_duty(s, demo_desk.ctx, TODAY)
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#duty-line", Static)
        text = line.content
        assert isinstance(text, Text) and "Nobody on duty today" in text.plain
        red = app.theme_variables["error"]  # the theme's red: the overdue deadline state
        assert any(str(span.style) == f"bold {red}" for span in text.spans)


async def test_a_closed_enquiry_is_reopened_with_a_new_follow_up(app_for, demo_desk):
    ctx = demo_desk.ctx
    with demo_desk.write() as s:
        enquiry = log_enquiry(s, ctx, category="ADVICE", summary="Advice", subject="A girl")
        close_enquiry(s, ctx, enquiry.id, "Advice given")
        enquiry_id = enquiry.id
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EnquiryDetailScreen(str(enquiry_id)))
        await settle(pilot)
        detail = app.screen
        assert detail.query_one("#reopen").display and not detail.query_one("#close").display
        detail.query_one("#note", TextArea).text = "Caller rang back: new worry"
        detail.query_one("#follow_up_due", Input).value = "2026-12-01"
        await pilot.pause()
        await click(pilot, detail, "#reopen")
        assert "· open" in str(detail.query_one("#title", Static).content)
    with demo_desk.read() as s:
        history = enquiry_history(s, enquiry_id)
        after = get_enquiry(s, ctx, enquiry_id)
    assert [u.status for u in history] == ["open", "closed", "open"]
    assert history[-1].note == "Caller rang back: new worry"
    assert after.follow_up_due == date(2026, 12, 1) and after.status == "open"


async def test_enquiry_keys_work_at_once_and_closing_asks_and_clears_the_follow_up(
    app_for, demo_desk
):
    ctx = demo_desk.ctx
    with demo_desk.write() as s:
        enquiry = log_enquiry(
            s,
            ctx,
            category="ADVICE",
            summary="Advice",
            subject="A boy",
            follow_up_due=date(2026, 12, 3),
        )
        enquiry_id = enquiry.id
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EnquiryDetailScreen(str(enquiry_id)))
        await settle(pilot)
        detail = app.screen
        # The first key is the screen's, not text in a box: u goes to the note.
        await pilot.press("u")
        note = detail.query_one("#note", TextArea)
        assert note.text == "" and app.focused is note
        await pilot.press(*"No further action")
        await pilot.press("ctrl+o")  # from inside the note: close, asking first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "follow-up due Thu 3 Dec 2026 is cleared" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is detail
        await pilot.press("ctrl+o", "y")
        await settle(pilot)
        assert "closed" in str(detail.query_one("#title", Static).content)
    with demo_desk.read() as s:
        after = get_enquiry(s, ctx, enquiry_id)
    assert (after.status, after.follow_up_due) == ("closed", None)


async def test_received_is_typed_and_shown_in_local_time(app_for, demo_desk):
    """00:30 on 15 July in London is 23:30 UTC on the 14th: stored in UTC, counted on the
    15th, and shown back as 00:30."""
    from datetime import UTC, datetime

    summer = date(2026, 7, 15)
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(app, pilot)
        typed = {
            "received_at": "15/07/2026 00:30",  # local time, a date as people write it
            "caller_name": "PC Jones",
            "subject": "A girl of 15, name not given",
            "follow_up_due": "30 Nov 2026",
        }
        for field, value in typed.items():
            form.query_one(f"#{field}", Input).value = value
        form.query_one("#category", Select).value = "10A"
        form.query_one("#summary", TextArea).text = "Missing after midnight"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DutyDeskScreen)
        with demo_desk.read() as s:
            (row,) = [
                e for e in enquiries_on(s, summer, demo_desk.ctx) if e.subject.startswith("A girl")
            ]
        assert row.received_at == datetime(2026, 7, 14, 23, 30, tzinfo=UTC)
        assert row.received_date == summer
        app.push_screen(EnquiryDetailScreen(row.id))
        await settle(pilot)
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Wed 15 Jul 2026 00:30" in shown
