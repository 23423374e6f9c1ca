"""The Textual application: built by ``make_app`` so tests hand it their own database.

Top-level screens are modes (each keeps its own stack, so Escape goes back within
it); screens are imported when first shown, which keeps the first paint quick.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import signal
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.notifications import SeverityLevel

from iro_desk import textual_private
from iro_desk.app_routes import (
    CHILD_SCREEN,
    DRAFT_FORMS,
    FORMS,
    MODES,
    WARM_UP_DELAY,
    WARM_UP_ORDER,
    WARM_UP_STEP,
)
from iro_desk.app_sync import SyncMixin
from iro_desk.services.context import Desk
from iro_desk.services.display import literal, plain
from iro_desk.textual_private import QuietTeardownApp
from iro_desk.widgets.form_kit import FormKit
from iro_desk.widgets.sync_state import SyncView


class DeskCommands(Provider):
    """Ctrl+P: jump to a screen, find a child by name or reference, run an action."""

    @property
    def desk_app(self) -> IroDeskApp:
        return self.app  # type: ignore[return-value]

    def _actions(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        app = self.desk_app
        for mode, (title, text, _factory) in MODES.items():
            yield f"Go to {title}", text, partial(app.action_go, mode)
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


class IroDeskApp(SyncMixin, QuietTeardownApp):
    TITLE = "IRO Desk"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {DeskCommands}
    MODES = {name: factory for name, (_t, _h, factory) in MODES.items()}
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f2", "go('duty')", "Duty", id="go_duty"),
        Binding("f3", "go('caseload')", "Caseload", id="go_caseload"),
        Binding("f4", "go('rota')", "Rota", id="go_rota"),
        Binding("f5", "go('forms')", "Forms", id="go_forms"),
        Binding("f6", "go('resolution')", "Resolution", id="go_resolution"),
        Binding("f7", "conflicts", "Conflicts", id="sync_conflicts"),
        Binding("f8", "sync_now", "Sync", id="sync_now"),
        Binding("f9", "go('reports')", "Reports", id="go_reports"),
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
        # The theme from the settings (checked by make_app), set when the app mounts.
        self._theme_kept: str | None = desk.ctx.settings.theme

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
        if self._theme_kept is not None:
            self.theme = self._theme_kept
        # Closing the terminal (SIGHUP) keeps what is typed as drafts, then closes.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.hang_up)
        self.sub_title = self.base_sub_title
        self.switch_mode(self.start_mode)
        self.offer_drafts()
        self._look_for_server()
        if self.demo:
            self.ask_demo_iro()  # the screens are built for the IRO chosen, after
        elif self.start_mode != "duty":
            self._start_warming()
        # On the duty desk the warm-up waits for the desk's data (below): started earlier,
        # it delays the first thing the user sees.

    def on_duty_desk_screen_data_shown(self) -> None:
        if self.start_mode == "duty" and not self.demo:
            self._start_warming()

    def _start_warming(self) -> None:
        # Build the other main screens while the user reads the first, so that the first
        # F3/F4/... shows a ready screen instead of composing one.
        if self.warm_up:
            self.set_timer(WARM_UP_DELAY, self._warm_next_mode)

    # --- the theme chosen is kept for the next start ----------------------------------

    def watch_theme(self, name: str) -> None:
        if not self.is_running or name == self._theme_kept:
            return
        self._theme_kept = name
        path = self.desk.ctx.settings.source
        if path is not None:
            self.run_worker(partial(self._keep_theme, path, name), thread=True, group="theme")

    def _keep_theme(self, path: Path, name: str) -> None:
        from iro_desk.config import ConfigError, save_theme

        try:
            save_theme(path, name)
        except (ConfigError, OSError) as exc:
            self._from_thread(self.notify, f"The theme is not kept for the next start: {exc}")
            return
        self._from_thread(self.notify, f"Theme {name} is kept for the next start.")

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
        """Build the next screen of WARM_UP_ORDER not built yet (then, on a timer, the
        next); once all are built, make them ready to show."""
        if not self.is_running:
            return  # closing: building a screen now would race the shutdown
        for name in WARM_UP_ORDER:
            if name == CHILD_SCREEN:
                if self.is_screen_installed(CHILD_SCREEN):
                    continue
                self._keep_child_screen()
                textual_private.build_screen(self, CHILD_SCREEN)
            elif name == self.current_mode or textual_private.mode_is_built(self, name):
                continue
            else:
                # Built, a mode's screen is also resumed unseen, so it reads its data now:
                # F3 finds the caseload filled, and its re-read finds nothing changed.
                textual_private.build_mode(self, name)
            self.set_timer(WARM_UP_STEP, self._warm_next_mode)
            return
        # Styled, laid out and drawn now, unseen: F3, Enter and the rest show them at once.
        unseen = textual_private.other_mode_screens(self)
        if self.is_screen_installed(CHILD_SCREEN):
            child = self.get_screen(CHILD_SCREEN)
            if not textual_private.screen_is_stacked(self, child):
                unseen.append(child)
        textual_private.prepare_unseen(self, unseen)

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

    def open_form(
        self, form: str, /, *, on_close: Callable[[Any], None] | None = None, **args: Any
    ) -> None:
        """Open a form by name (see FORMS); its arguments go to the screen as given, and
        ``on_close`` (if given) receives what the form returns when it closes."""
        module, name = FORMS[form]
        screen_class = getattr(importlib.import_module(module), name)
        self.push_screen(screen_class(**args), on_close)

    def _keep_child_screen(self) -> None:
        from iro_desk.screens.children.child import ChildScreen

        if not self.is_screen_installed(CHILD_SCREEN):
            self.install_screen(ChildScreen(), CHILD_SCREEN)

    # --- leaving: nothing typed is lost without asking ---------------------------------

    def unsaved_forms(self) -> list[FormKit]:
        """The open forms holding something typed that is not saved as a record."""
        return [s for s in self.screen_stack if isinstance(s, FormKit) and s.unsaved]

    async def action_quit(self) -> None:
        """Ctrl+Q asks first, as Escape does, when a form holds unsaved changes."""
        from iro_desk.screens.dialogs.confirm import ConfirmDialog

        forms = self.unsaved_forms()
        if not forms:
            self.exit()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self._discard_then(forms, self.exit)

        what = "this form" if len(forms) == 1 else f"these {len(forms)} forms"
        self.push_screen(
            ConfirmDialog(
                f"Quit and discard {what}? What you typed will be lost.",
                yes="Discard and quit",
                no="Keep editing",
            ),
            answer,
        )

    @work(thread=True, group="discard")
    def _discard_then(self, forms: list[FormKit], then: Callable[[], object]) -> None:
        """Drop the drafts of forms the user chose to discard, then go on."""
        for form in forms:
            form.end_draft()
        self._from_thread(then)

    def hang_up(self) -> None:
        """The terminal closed: write every open form's draft now, then close."""
        for screen in self.screen_stack:
            if isinstance(screen, FormKit):
                with contextlib.suppress(Exception):  # one form failing must not lose others
                    screen.flush_draft()
        self.exit()

    def on_unmount(self) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    def action_go(self, mode: str) -> None:
        """F2-F6 and the palette: show that main screen's list, clearing what was stacked
        on this one (asking first if a form there holds unsaved changes)."""
        from iro_desk.screens.dialogs.confirm import ConfirmDialog

        def go() -> None:
            while len(self.screen_stack) > 1:
                self.pop_screen()
            if mode != self.current_mode:
                self.switch_mode(mode)

        forms = self.unsaved_forms()
        if not forms:
            go()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self._discard_then(forms, go)

        title = MODES[mode][0]
        self.push_screen(
            ConfirmDialog(
                f"Go to {title} and discard what you typed? It has not been saved.",
                yes="Discard",
                no="Keep editing",
            ),
            answer,
        )

    def action_back(self) -> None:
        if self.screen.query("HelpPanel"):  # Escape closes the keys panel first
            self.action_hide_help_panel()
        elif len(self.screen_stack) > 1:
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

    # --- drafts left by a closed terminal ------------------------------------------

    def offer_drafts(self) -> None:
        self.run_worker(self._find_drafts, thread=True, group="drafts")

    def _find_drafts(self) -> None:
        from iro_desk.services.drafts import pending_drafts

        with self.desk.read() as session:
            drafts = pending_drafts(session, self.desk.ctx)
        offered = [d for d in drafts if d.kind in DRAFT_FORMS]
        if offered:
            self.call_from_thread(self._ask_restore, offered)

    def _ask_restore(self, drafts: list[Any]) -> None:
        """Offer each draft back in turn, the most recently typed first."""
        from iro_desk.screens.dialogs.confirm import ConfirmDialog

        draft, rest = drafts[0], drafts[1:]
        what, form, args = DRAFT_FORMS[draft.kind]
        label = what.format(key=draft.key)

        def answer(restore: bool | None) -> None:
            if restore:
                self.open_form(form, **args(draft.key), restore=draft.payload)
            else:
                self.notify(f"The draft of {label} is kept; IRO Desk offers it at the next start.")
            if rest:
                self._ask_restore(rest)

        self.push_screen(
            ConfirmDialog(
                f"Unsaved: {label}, left open when IRO Desk last closed. Restore it now?",
                yes="Restore",
                no="Later",
            ),
            answer,
        )


def make_app(desk: Desk, *, start: str = "duty", demo: bool = False) -> IroDeskApp:
    """The app for this desk; a theme in the settings that the app lacks is a ConfigError
    (one line, before the screen is taken over)."""
    from iro_desk.config import check_theme
    from iro_desk.services.iros import iro_for_user

    with desk.read() as session:
        me = iro_for_user(session, desk.ctx.user)
    app = IroDeskApp(desk, me=me.name if me else None, start=start, demo=demo)
    check_theme(desk.ctx.settings, app.available_themes)
    return app


def run(desk: Desk, *, demo: bool = False) -> None:
    make_app(desk, demo=demo).run()
