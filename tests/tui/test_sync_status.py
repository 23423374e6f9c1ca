"""Sync in the TUI: the header's few words, background syncs, and the Conflicts screen.

Tests with a real unit server use the PostgreSQL fixtures of tests/sync and skip, with
the reason, when IRO_DESK_TEST_PG_URL is not set.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, Static

from iro_desk.app import IroDeskApp, make_app
from iro_desk.db.engine import write_connection
from iro_desk.db.sync_models import SyncConflict
from iro_desk.screens.sync.conflicts import ConflictsScreen
from iro_desk.services.child_details import update_child
from iro_desk.services.context import Desk
from iro_desk.services.sync import list_conflicts, start_capture, sync_status
from iro_desk.services.sync.state import write_state
from iro_desk.widgets.sync_state import SyncView, sync_label
from tests.builders import child_row, server_desk, sync
from tests.conftest import NOW
from tests.sync.conftest import laptop, server_url  # noqa: F401  (fixtures)
from tests.tui.conftest import settle

UNREACHABLE = "postgresql://postgres@127.0.0.1:9/x"


def build(desk: Desk, start: str = "duty") -> IroDeskApp:
    app = make_app(desk, start=start)
    app.animation_level = "none"
    app.warm_up = False  # as tests/tui/conftest.py: screens are built when opened
    return app


async def until(pilot, done: Callable[[], bool], seconds: float = 20.0) -> None:
    """Background syncs talk to a server: wait for what they change, then settle."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while not done():
        assert loop.time() < end, f"timed out; header: {pilot.app.sub_title!r}"
        await pilot.pause(0.05)
    await settle(pilot)


def edit(desk: Desk, ref: str, **changes: str) -> None:
    with desk.write() as s:
        update_child(s, desk.ctx, ref, **changes)


# --- the words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "words"),
    [
        (SyncView(), ""),
        (SyncView(server="pg", last_sync=NOW - timedelta(minutes=2)), "synced 2 min ago"),
        (SyncView(server="pg", last_sync=NOW, pending=3, offline=True), "offline · 3 to send"),
        (SyncView(server="pg", last_sync=NOW, conflicts=1), "synced just now · 1 conflict"),
        (SyncView(server="pg", syncing=True), "syncing…"),
        (
            SyncView(server="pg", pending=2, failed=True, conflicts=2),
            "not synced · 2 to send · 2 conflicts",
        ),
    ],
)
def test_the_header_words(view: SyncView, words: str) -> None:
    assert sync_label(view, NOW) == words


# --- the header -------------------------------------------------------------------------


async def test_without_a_server_nothing_is_said_about_sync(app_for, demo_desk: Desk) -> None:
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.sub_title == app.base_sub_title
        assert "sync" not in app.sub_title.lower()
        keys = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "sync_now" not in keys and "conflicts" not in keys
        assert app.sync_view.server is None


async def test_a_replica_syncs_on_start_and_says_synced(server_url, laptop) -> None:  # noqa: F811
    ann = laptop()
    sync(ann, server_url)
    office = server_desk(server_url)
    edit(office, "C1", notes="Changed at the office")
    office.engine.dispose()
    app = build(ann)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "synced" in app.sub_title and not app.sync_view.syncing)
        assert app.sub_title.endswith(" · synced just now")
        assert child_row(ann.engine, "C1")["notes"] == "Changed at the office"
        keys = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "sync_now" in keys and "conflicts" not in keys  # F7 only with conflicts
        # A save on the laptop is sent soon after, without a key pressed.
        edit(ann, "C2", notes="Written on the laptop")
        app._watch_outbox()
        await until(pilot, lambda: sync_status(ann.engine).pending == 0)
    office = server_desk(server_url)
    assert child_row(office.engine, "C2")["notes"] == "Written on the laptop"
    office.engine.dispose()


async def test_an_unreachable_server_says_offline_and_typing_goes_on(demo_desk: Desk) -> None:
    start_capture(demo_desk)  # a replica: every record waits to be sent
    with write_connection(demo_desk.engine) as conn:
        write_state(conn, server_url=UNREACHABLE)
    waiting = sync_status(demo_desk.engine).pending
    assert waiting > 0
    app = build(demo_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "offline" in app.sub_title)
        assert app.sub_title.endswith(f" · offline · {waiting} to send")
        # At 80 columns the date gives way, so that the state is never cut off.
        assert len(f"{app.title} — {app.sub_title}") <= 80 - 18
        # Offline is not an error: no notification, and the desk still takes typing.
        assert not app._notifications
        await pilot.press("n")  # a new enquiry
        await settle(pilot)
        app.screen.query_one("#caller_name", Input).focus()  # it opens in the category
        await pilot.press(*"Jo", "space", *"Caller")
        assert app.screen.query_one("#caller_name", Input).value == "Jo Caller"
        # F8 tries again, and says the same.
        await pilot.press("escape")
        await settle(pilot)
        app.action_sync_now()
        await until(pilot, lambda: not app.sync_view.syncing)
        assert app.sub_title.endswith(" · offline · " + str(waiting) + " to send")


# --- conflicts -------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "expected"), [("m", "Ben's [b]note[/b]"), ("t", "Ann's note")])
async def test_a_conflict_from_two_laptops_is_listed_and_settled(
    server_url,  # noqa: F811
    laptop,  # noqa: F811
    key: str,
    expected: str,
) -> None:
    ann, ben = laptop("ann"), laptop("ben", "Ben Example")
    sync(ann, server_url)
    sync(ben, server_url)
    edit(ann, "C1", notes="Ann's note")
    edit(ben, "C1", notes="Ben's [b]note[/b]")  # markup-like text is shown as typed
    sync(ann)
    assert sync(ben).conflicts == 1
    app = build(ben)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: "1 conflict" in app.sub_title and not app.sync_view.syncing)
        # 120 columns have room for the date as well.
        assert app.sub_title == f"{app.base_sub_title} · synced just now · 1 conflict"
        await pilot.press("f7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConflictsScreen)
        table = screen.query_one("#conflicts", DataTable)
        assert table.row_count == 1
        cells = [str(c) if not isinstance(c, Text) else c.plain for c in table.get_row_at(0)]
        assert cells[1:4] == ["notes", "Ben's [b]note[/b]", "Ann's note"]
        assert cells[4] == "Ben Example (ben-laptop)"
        detail = screen.query_one("#conflict-detail", Static).render()
        assert "Ben's [b]note[/b]" in str(detail)
        await pilot.press(key)
        await until(pilot, lambda: table.row_count == 0)
        assert screen.query_one("#conflicts-empty", Static).display
        # The settlement is saved here and sent to the server by the next sync.
        await until(pilot, lambda: sync_status(ben.engine).pending == 0)
        await until(pilot, lambda: "conflict" not in app.sub_title)
    with ben.read() as s:
        assert list_conflicts(s) == []
        [settled] = list_conflicts(s, open_only=False)
    assert settled.id  # the row stays, settled
    assert child_row(ben.engine, "C1")["notes"] == expected
    office = server_desk(server_url)
    assert child_row(office.engine, "C1")["notes"] == expected
    office.engine.dispose()


# --- pictures --------------------------------------------------------------------------


def add_conflicts(desk: Desk) -> None:
    """Two fixed conflicts on the demo unit (no server: the header stays as it is)."""
    with desk.write() as s:
        for n, (field, mine, theirs) in enumerate(
            [
                ("notes", '"Moved to [b]Leeds[/b] placement"', '"Stays in Bradford"'),
                ("first_name", '"Jay"', '"Jayden"'),
            ]
        ):
            s.add(
                SyncConflict(
                    id=uuid.UUID(int=(n + 1) << 96),  # ids 00000001-…, 00000002-…
                    created_at=NOW - timedelta(hours=2 - n),
                    updated_at=NOW,
                    table_name="child",
                    row_id=uuid.UUID(int=(0xC0 + n) << 96).hex,
                    field=field,
                    mine=mine,
                    theirs=theirs,
                    mine_by="Ben Example",
                    mine_device="ben-laptop",
                    theirs_by="Ann Example",
                )
            )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_conflicts_screen_picture(size, app_for, demo_desk: Desk, snap_compare) -> None:
    add_conflicts(demo_desk)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(ConflictsScreen())
        await settle(pilot)

    assert snap_compare(app_for("caseload"), terminal_size=size, run_before=run_before)
