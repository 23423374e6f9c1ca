"""The only place IRO Desk reaches into Textual's private API (written for Textual 8.2).

pyproject.toml bounds Textual below 9, so an upgrade is a deliberate step: when it comes,
check each function here against the new release first.
"""

from __future__ import annotations

from textual.app import App
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey as FooterKey  # one clickable footer key
from textual.worker import WorkerFailed


def mode_is_built(app: App, mode: str) -> bool:
    """Whether a mode's screen stack exists (built by a visit or by warming)."""
    return bool(app._screen_stacks.get(mode))


def build_mode(app: App, mode: str) -> None:
    """Compose and mount a mode's screen now, without showing it."""
    app._init_mode(mode)


def build_screen(app: App, name: str) -> None:
    """Compose and mount an installed screen now, without showing it."""
    app._get_screen(name)


def screen_is_stacked(app: App, screen: Screen) -> bool:
    """Whether a screen is on any mode's stack (shown, or under another)."""
    return any(screen in stack for stack in app._screen_stacks.values())


def footer_bindings_ready(footer: Footer) -> bool:
    """Whether a footer has been told its screen's keys (it shows nothing before)."""
    return footer._bindings_ready


class QuietTeardownApp(App[None]):
    """An App that no worker can close, and whose clean exit is not turned into a crash by
    a half-built screen.

    A worker that raises reaches Textual's ``_handle_exception`` as ``WorkerFailed``,
    which would end the app: it goes to ``worker_failed`` instead, the one place the app
    tells the user (the screen, and what was typed on it, stay as they are).

    Textual prunes every screen when the app closes; a screen that was being built in
    the background at that moment runs its mount and resize handlers over children that
    are already gone, and they raise NoMatches. Nothing the user sees or saved is
    involved, so that one error, once shutdown has begun, is dropped; every other error
    still ends the app as Textual intends.
    """

    def worker_failed(self, error: BaseException) -> None:
        """A worker raised ``error``; the app keeps running (subclasses tell the user)."""

    def _handle_exception(self, error: Exception) -> None:
        if isinstance(error, WorkerFailed) and self.is_running:
            self.worker_failed(error.error)
            return
        if isinstance(error, NoMatches) and not self.is_running:
            return
        super()._handle_exception(error)
