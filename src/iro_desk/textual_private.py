"""The only place IRO Desk reaches into Textual's private API (written for Textual 8.2).

pyproject.toml bounds Textual below 9, so an upgrade is a deliberate step: when it comes,
check each function here against the new release first.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual import events
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


# What styles depended on when each screen was last styled whole: Textual's CSS update
# count (raised by a theme change), how many sources the stylesheet had (a widget's
# DEFAULT_CSS is added when one is first mounted), and whether the terminal had focus
# (Textual restyles only the screen shown when that changes).
_STYLED_WITH: WeakKeyDictionary[Screen, tuple[int, int, bool]] = WeakKeyDictionary()


def _stylesheet_state(app: App) -> tuple[int, int, bool]:
    return app._css_update_count, len(app.stylesheet.source), app.app_focus


def restyle_on_resume_only_if_changed(screen: Screen, event: events.ScreenResume) -> None:
    """Skip a resuming screen's whole restyle when the stylesheet has not changed since
    the screen was last styled whole (a handler of ``ScreenResume`` that runs before
    Textual's own).

    Textual restyles every node of a screen each time it is shown again: a kept screen
    with many nodes (the child screen's tabs and tables) pays that on every opening.
    Changes of a node's classes or state (focus, hover, the active tab) restyle that
    node when they happen, so the whole restyle matters only when the stylesheet itself
    changed (or the terminal's focus, which Textual restyles on the shown screen only),
    which is what is checked.
    """
    state = _stylesheet_state(screen.app)
    if _STYLED_WITH.get(screen) == state:
        event.refresh_styles = False
    else:
        _STYLED_WITH[screen] = state  # Textual's handler restyles it whole now


def other_mode_screens(app: App) -> list[Screen]:
    """The screens on the stacks of the modes not shown."""
    return [
        screen
        for mode, stack in app._screen_stacks.items()
        if mode != app.current_mode
        for screen in stack
    ]


def prepare_unseen(app: App, screens: list[Screen]) -> None:
    """Make screens that are built but not shown ready to be shown at once: styled,
    laid out and drawn, unseen.

    Textual counts stylesheet updates, and on switching to a mode whose screen has not
    seen the latest count it re-parses the whole stylesheet and restyles every node of
    the app (``switch_mode`` calling ``refresh_css``). A screen built in the background
    never sees the count (only the shown stack does), so the first switch to it always
    paid that; restyling each such screen here, with the stylesheet as it is, is what
    that refresh would do for it (a later theme change raises the count again, and
    Textual refreshes as before).

    Laying a screen out at the app's size gives its widgets their sizes now. Drawing it
    once fills its widgets' line caches (a table's rows above all), so that the first
    paint on showing it, which comes before the screen's own restyle on resuming,
    reuses them; the whole screen is then marked for repainting, so that first paint is
    still whole.
    """
    stylesheet = app.stylesheet
    for screen in screens:
        if not screen.is_mounted or screen.is_current:
            continue
        if screen._css_update_count != app._css_update_count:
            stylesheet.update(screen, animate=False)
            screen._css_update_count = app._css_update_count
            _STYLED_WITH[screen] = _stylesheet_state(app)
        screen._refresh_layout(app.size)  # Textual paints only the current screen
        compositor = screen._compositor
        compositor.render_update(full=True)
        compositor._dirty_regions.add(compositor.size.region)


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
