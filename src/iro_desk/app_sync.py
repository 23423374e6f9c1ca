"""The app's background sync with the unit's server: looking for it, syncing on a timer
and after saves, and showing the state in the header (a mixin of ``IroDeskApp``)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from textual import work

from iro_desk.widgets.sync_state import SyncView, sync_label

SYNC_EVERY = 180.0  # seconds between syncs
SYNC_WATCH = 5.0  # seconds between looks at what waits to be sent (a new save syncs)
SYNC_LABEL_EVERY = 30.0  # seconds between updates of "synced 2 min ago"
HEADER_SPARE = 8 + 10 + len(" — ")  # the header's icon, its clock space, the separator


class SyncMixin:
    """Sync state and workers; the app provides ``desk``, ``notify``, ``sub_title``."""

    sync_view: SyncView
    _sync_flags: threading.Lock

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
