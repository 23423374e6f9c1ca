"""The Textual application: built by ``make_app`` so tests hand it their own database.

Top-level screens are modes (each keeps its own stack, so Escape goes back within
it); screens are imported when first shown, which keeps the first paint quick.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from typing import Any

from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.notifications import SeverityLevel
from textual.screen import Screen

from iro_desk import textual_private
from iro_desk.services.context import Desk
from iro_desk.services.display import literal, plain
from iro_desk.textual_private import QuietTeardownApp
from iro_desk.widgets.sync_state import SyncView, sync_label


def _duty() -> Screen:
    from iro_desk.screens.duty.duty_desk import DutyDeskScreen

    return DutyDeskScreen()


def _caseload() -> Screen:
    from iro_desk.screens.children.caseload import CaseloadScreen

    return CaseloadScreen()


def _rota() -> Screen:
    from iro_desk.screens.duty.rota import RotaScreen

    return RotaScreen()


def _forms() -> Screen:
    from iro_desk.screens.compliance.compliance_list import ComplianceListScreen

    return ComplianceListScreen()


def _resolution() -> Screen:
    from iro_desk.screens.resolution.resolution import ResolutionScreen

    return ResolutionScreen()


# mode name -> (title for the palette, help line, factory)
MODES: dict[str, tuple[str, str, Callable[[], Screen]]] = {
    "duty": ("Duty desk", "Today's duty IRO, enquiries, follow-ups and LADO clocks", _duty),
    "caseload": ("Caseload", "Children, next reviews and deadlines", _caseload),
    "rota": ("Rota", "Who is on duty: week and month", _rota),
    "forms": ("Compliance forms", "Forms awaiting the Team Manager's response", _forms),
    "resolution": ("Issues Resolution", "Open cases, stages and deadlines", _resolution),
}


# The forms screens open through the app (name -> module, class): screens never import
# one another, and a form is imported when first opened.
FORMS: dict[str, tuple[str, str]] = {
    "compliance": ("iro_desk.screens.compliance.compliance_form", "ComplianceFormScreen"),
    "review": ("iro_desk.screens.children.review_form", "ReviewFormScreen"),
    "visit": ("iro_desk.screens.children.visit_form", "VisitFormScreen"),
    "raise_case": ("iro_desk.screens.resolution.raise_case", "RaiseCaseScreen"),
    "enquiry": ("iro_desk.screens.duty.enquiry_form", "EnquiryFormScreen"),
    "enquiry_detail": ("iro_desk.screens.duty.enquiry_detail", "EnquiryDetailScreen"),
    "enquiries": ("iro_desk.screens.duty.enquiries", "EnquiriesScreen"),
}

# Warm the most used screens first, one at a time, after the first screen is painted.
WARM_MODES = ("caseload", "rota", "forms", "resolution", "duty")
WARM_UP_DELAY = 1.0  # seconds
CHILD_SCREEN = "child"

# Sync, only on a laptop replica with a server: on start, this often, and soon after a save.
SYNC_EVERY = 180.0  # seconds between syncs
SYNC_WATCH = 5.0  # seconds between looks at what waits to be sent (a new save syncs)
SYNC_LABEL_EVERY = 30.0  # seconds between updates of "synced 2 min ago"
HEADER_SPARE = 8 + 10 + len(" — ")  # the header's icon, its clock space, the separator


class DeskCommands(Provider):
    """Ctrl+P: jump to a screen, find a child by name or reference, run an action."""

    @property
    def desk_app(self) -> IroDeskApp:
        return self.app  # type: ignore[return-value]

    def _actions(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        app = self.desk_app
        for mode, (title, text, _factory) in MODES.items():
            yield f"Go to {title}", text, partial(app.switch_mode, mode)
        yield "New enquiry", "Log a safeguarding enquiry to the duty desk", app.action_new_enquiry
        find = partial(app.open_form, "enquiries")
        yield "Find an enquiry", "Every enquiry: by child, caller, category, dates, open", find
        if app.sync_view.server is not None:
            yield "Sync now", "Send this laptop's changes and fetch the unit's", app.action_sync_now
            yield "Sync conflicts", "Changes that clashed: keep mine or theirs", app.show_conflicts
        if app.demo:
            yield (
                "Act as another demo IRO",
                "The demo unit: choose whose desk it is",
                app.ask_demo_iro,
            )
        yield "Keys and help", "What this screen does and its keys", app.action_help

    async def discover(self) -> Hits:
        for title, text, run in self._actions():
            yield DiscoveryHit(title, run, help=text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, text, run in self._actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=text)
        if len(query.strip()) < 2:
            return
        from iro_desk.services.child_actions import find_children
        from iro_desk.widgets.child_picker import hit_label

        find = partial(find_children, self.desk_app.desk, term=query, limit=10)
        for hit in await asyncio.to_thread(find):
            # A Text prompt: the palette reads a str prompt as markup.
            label = Text("Child: ").append_text(literal(hit_label(hit), multiline=False))
            open_it = partial(self.desk_app.open_child, hit.ref)
            yield Hit(0.9, label, open_it, text=label.plain, help="Open the child")


class IroDeskApp(QuietTeardownApp):
    TITLE = "IRO Desk"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {DeskCommands}
    MODES = {name: factory for name, (_t, _h, factory) in MODES.items()}
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f2", "switch_mode('duty')", "Duty", id="go_duty"),
        Binding("f3", "switch_mode('caseload')", "Caseload", id="go_caseload"),
        Binding("f4", "switch_mode('rota')", "Rota", id="go_rota"),
        Binding("f5", "switch_mode('forms')", "Forms", id="go_forms"),
        Binding("f6", "switch_mode('resolution')", "Resolution", id="go_resolution"),
        Binding("f7", "conflicts", "Conflicts", id="sync_conflicts"),
        Binding("f8", "sync_now", "Sync", id="sync_now"),
        Binding("escape", "back", "Back", show=False),
    ]

    def __init__(
        self, desk: Desk, *, me: str | None = None, start: str = "duty", demo: bool = False
    ) -> None:
        super().__init__()
        self.desk = desk
        self.me = me  # the current user's IRO name, if they are an IRO here
        # The demo unit: the desk acts as a demo IRO the user chooses, and says so.
        self.demo = demo
        self.start_mode = start
        # Tests turn this off: background building on a timer makes timing part of a picture.
        self.warm_up = True
        self.sync_view = SyncView()  # server None: no sync, and nothing shown about it
        self._sync_flags = threading.Lock()
        self._sync_running = False
        self._sync_wanted = False
        self._sync_error_shown: str | None = None

    @property
    def today(self) -> date:
        return self.desk.ctx.today

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """As Textual's, but always plain text: messages quote names, references and
        problems. Screens' and widgets' notify calls come here too."""
        super().notify(
            plain(message), title=plain(title), severity=severity, timeout=timeout, markup=False
        )

    def worker_failed(self, error: BaseException) -> None:
        """The one policy for a worker's unexpected failure: say so plainly and carry on.
        Nothing on screen is touched, so what the user typed is still there to retry."""
        reason = str(error) or type(error).__name__
        self.notify(
            f"That did not work: {reason}. Nothing on screen was lost; you can try again.",
            title="Something went wrong",
            severity="error",
            timeout=30,
        )

    @property
    def base_sub_title(self) -> str:
        who = self.me or self.desk.ctx.user
        if self.demo:
            who = f"Demo: acting as {who}"
        return plain(f"{who} · {self.today:%a %d %b %Y}", multiline=False)

    def on_mount(self) -> None:
        self.sub_title = self.base_sub_title
        self.switch_mode(self.start_mode)
        self.offer_drafts()
        self._look_for_server()
        if self.demo:
            self.ask_demo_iro()  # the screens are built for the IRO chosen, after
        elif self.warm_up:
            self._start_warming()

    def _start_warming(self) -> None:
        # Build the other main screens while the user reads the first, so that the first
        # F3/F4/... shows a ready screen instead of composing one.
        if self.warm_up:
            self.set_timer(WARM_UP_DELAY, self._warm_next_mode)

    # --- the demo unit: whose desk it is ------------------------------------------

    def ask_demo_iro(self) -> None:
        self.run_worker(self._demo_iro_names, thread=True, group="demo-iro")

    def _demo_iro_names(self) -> None:
        from iro_desk.services.child_actions import active_iro_names

        names = active_iro_names(self.desk)
        self.call_from_thread(self._ask_demo_iro, names)

    def _ask_demo_iro(self, names: list[str]) -> None:
        from iro_desk.screens.dialogs.iro_picker import IroPickerDialog

        prompt = (
            "This is the demo unit: fictional children in a database of its own. "
            f"The desk acts as one of its IROs, now {self.me or 'none'}. Which one?"
        )

        def chosen(name: str | None) -> None:
            if name and name != self.me:
                self.act_as(name)
            self.notify(f"Demo: acting as the demo IRO {self.me}. Ctrl+P to choose another.")
            self._start_warming()

        dialog = IroPickerDialog(names, current=self.me, prompt=prompt, allow_all=False)
        self.push_screen(dialog, chosen)

    def act_as(self, name: str) -> None:
        """Work as this (demo) IRO from now on: what is saved is stamped with the name."""
        self.desk.ctx.user = name
        self.me = name
        self.sub_title = self.base_sub_title
        # Screens made for the previous IRO (their caseload, "(you)") are made again,
        # from the duty desk (the start screen, which reloads when it shows again).
        if self.current_mode != "duty":
            self.switch_mode("duty")
        for mode in MODES:
            if mode != self.current_mode and textual_private.mode_is_built(self, mode):
                self.remove_mode(mode)
                self.add_mode(mode, MODES[mode][2])

    def _warm_next_mode(self) -> None:
        if not self.is_running:
            return  # closing: building a screen now would race the shutdown
        for mode in WARM_MODES:
            if mode != self.current_mode and not textual_private.mode_is_built(self, mode):
                textual_private.build_mode(self, mode)
                self.set_timer(WARM_UP_DELAY / 2, self._warm_next_mode)
                return
        if not self.is_screen_installed(CHILD_SCREEN):
            self._keep_child_screen()
            # compose and mount it now, off the user's path
            textual_private.build_screen(self, CHILD_SCREEN)

    # --- navigation -------------------------------------------------------------

    def open_child(self, ref: str) -> None:
        """Show a child. One child screen is kept and reused, so opening is quick."""
        from iro_desk.screens.children.child import ChildScreen

        self._keep_child_screen()
        kept = self.get_screen(CHILD_SCREEN)
        if textual_private.screen_is_stacked(self, kept):
            # The kept screen is already open under this one: open another on top.
            self.push_screen(ChildScreen(ref))
            return
        assert isinstance(kept, ChildScreen)
        kept.show_child(ref)
        self.push_screen(kept)

    def open_case(self, case_id: uuid.UUID) -> None:
        from iro_desk.screens.resolution.resolution_case import CaseScreen

        self.push_screen(CaseScreen(case_id))

    def open_form(self, form: str, /, **args: Any) -> None:
        """Open a form by name (see FORMS); its arguments go to the screen as given."""
        module, name = FORMS[form]
        screen_class = getattr(importlib.import_module(module), name)
        self.push_screen(screen_class(**args))

    def _keep_child_screen(self) -> None:
        from iro_desk.screens.children.child import ChildScreen

        if not self.is_screen_installed(CHILD_SCREEN):
            self.install_screen(ChildScreen(), CHILD_SCREEN)

    def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def action_help(self) -> None:
        from iro_desk.screens.dialogs.help import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog(self.screen))

    def action_new_enquiry(self) -> None:
        self.open_form("enquiry")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Sync's keys exist only on a replica with a server (and F7 only with conflicts),
        # so a single-laptop desk shows nothing about sync in its footer.
        if action == "sync_now":
            return self.sync_view.server is not None
        if action == "conflicts":
            return self.sync_view.server is not None and self.sync_view.conflicts > 0
        return True

    def action_conflicts(self) -> None:
        self.show_conflicts()

    def show_conflicts(self) -> None:
        from iro_desk.screens.sync.conflicts import ConflictsScreen

        if not isinstance(self.screen, ConflictsScreen):
            self.push_screen(ConflictsScreen())

    # --- sync with the unit's server -------------------------------------------------

    @work(thread=True, group="sync-look")
    def _look_for_server(self) -> None:
        from iro_desk.services.sync import sync_status

        try:
            status = sync_status(self.desk.engine)
        except Exception:  # no sync tables to read: this desk does not sync
            return
        if status.server is not None:
            self._from_thread(self._start_syncing, status)

    def _start_syncing(self, status: Any) -> None:
        self._show_status(status)
        self.refresh_bindings()
        self.set_interval(SYNC_EVERY, self.action_sync_now)
        self.set_interval(SYNC_WATCH, self._watch_outbox)
        self.set_interval(SYNC_LABEL_EVERY, self.show_sync_state)
        self.action_sync_now()

    def changes_saved(self) -> None:
        """A screen saved something: send it now (nothing happens without a server)."""
        self.action_sync_now()

    def action_sync_now(self) -> None:
        if self.sync_view.server is None or not self.is_running:
            return
        with self._sync_flags:
            self._sync_wanted = True
            if self._sync_running:
                return  # the running sync goes round once more when it ends
            self._sync_running = True
        self._sync_view(syncing=True)
        self._sync_in_background()

    @work(thread=True, group="sync")
    def _sync_in_background(self) -> None:
        """Runs never overlap (the flags above); each pass pushes, pulls and reports."""
        try:
            while self.is_running:
                with self._sync_flags:
                    if not self._sync_wanted:
                        break
                    self._sync_wanted = False
                self._sync_once()
        finally:
            with self._sync_flags:
                self._sync_running = False

    def _sync_once(self) -> None:
        from iro_desk.services.sync import SyncOffline, sync_now, sync_status

        offline, error = False, None
        try:
            sync_now(self.desk, self.desk.ctx.settings.server_url or None)
        except SyncOffline:
            offline = True
        except Exception as exc:  # refused, or broken: say so once, keep working
            error = str(exc) or type(exc).__name__
        try:
            status = sync_status(self.desk.engine)
        except Exception as exc:
            error = error or str(exc)
            status = None
        self._from_thread(self._synced, status, offline, error)

    def _synced(self, status: Any, offline: bool, error: str | None) -> None:
        if status is not None:
            self._show_status(status, offline=offline, failed=error is not None, syncing=False)
        else:
            self._sync_view(syncing=False, failed=True)
        if error is not None and error != self._sync_error_shown:
            self.notify(error, title="Sync", severity="error", markup=False)
        if error is None:
            self._sync_error_shown = None
        else:
            self._sync_error_shown = error
        self.refresh_bindings()
        from iro_desk.screens.sync.conflicts import ConflictsScreen

        if isinstance(self.screen, ConflictsScreen):
            self.screen.load()

    @work(thread=True, group="sync-look")
    def _watch_outbox(self) -> None:
        from iro_desk.services.sync import sync_status

        try:
            status = sync_status(self.desk.engine)
        except Exception:  # busy or closing: the next look will tell
            return
        self._from_thread(self._outbox_seen, status)

    def _outbox_seen(self, status: Any) -> None:
        grew = status.pending > self.sync_view.pending
        self._show_status(status, offline=self.sync_view.offline, failed=self.sync_view.failed)
        if grew:
            self.action_sync_now()  # something was saved since the last look

    def _show_status(
        self,
        status: Any,
        *,
        offline: bool = False,
        failed: bool = False,
        syncing: bool | None = None,
    ) -> None:
        self.sync_view = SyncView(
            server=status.server,
            last_sync=status.last_sync,
            pending=status.pending,
            conflicts=status.conflicts,
            offline=offline,
            failed=failed,
            syncing=self._sync_running if syncing is None else syncing,
        )
        self.show_sync_state()

    def _sync_view(self, **changes: Any) -> None:
        from dataclasses import replace

        self.sync_view = replace(self.sync_view, **changes)
        self.show_sync_state()

    def show_sync_state(self) -> None:
        """The header says where sync stands, dropping the date rather than the state when
        the terminal is narrow (80 columns leave 51 for the name, the date and the state)."""
        label = sync_label(self.sync_view, self.desk.ctx.now())
        if not label:
            self.sub_title = self.base_sub_title
            return
        room = self.size.width - HEADER_SPARE - len(self.title)
        who = self.me or self.desk.ctx.user
        choices = [
            f"{self.base_sub_title} · {label}",
            f"{who} · {self.today:%a %d %b} · {label}",
            f"{who} · {label}",
        ]
        self.sub_title = next((c for c in choices if len(c) <= room), choices[-1])

    def on_resize(self) -> None:
        if self.sync_view.server is not None:
            self.show_sync_state()

    def _from_thread(self, callback: Callable[..., object], *args: object) -> None:
        if not self.is_running:
            return
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile
            self.call_from_thread(callback, *args)

    # --- drafts left by a closed terminal ------------------------------------------

    def offer_drafts(self) -> None:
        self.run_worker(self._find_drafts, thread=True, group="drafts")

    def _find_drafts(self) -> None:
        from iro_desk.services.drafts import pending_drafts

        with self.desk.read() as session:
            drafts = pending_drafts(session, self.desk.ctx)
        visits = [d for d in drafts if d.kind == "visit"]
        if visits:
            self.call_from_thread(self._ask_restore, visits[0])

    def _ask_restore(self, draft) -> None:
        from iro_desk.screens.dialogs.confirm import ConfirmDialog

        ref = draft.key

        def answer(restore: bool | None) -> None:
            if restore:
                self.open_form("visit", ref=ref, restore=draft.payload)
            else:
                self.notify(f"The visit draft for {ref} is kept; open a visit for {ref} to resume.")

        self.push_screen(
            ConfirmDialog(
                f"An unsaved visit to {ref} was left open when IRO Desk last closed. "
                "Restore it now?",
                yes="Restore",
                no="Later",
            ),
            answer,
        )


def make_app(desk: Desk, *, start: str = "duty", demo: bool = False) -> IroDeskApp:
    from iro_desk.services.iros import iro_for_user

    with desk.read() as session:
        me = iro_for_user(session, desk.ctx.user)
    return IroDeskApp(desk, me=me.name if me else None, start=start, demo=demo)


def run(desk: Desk, *, demo: bool = False) -> None:
    make_app(desk, demo=demo).run()
