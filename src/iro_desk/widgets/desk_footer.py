"""The one footer of every screen: every key it names is on screen, at 80 columns too.

Textual's Footer is one line that cuts off what does not fit (at 80 columns, everything
after F3). This footer puts the screen's own keys (and the palette's) on one line and the
F-keys that go to the main screens on the line under it, and wraps a line that is too
wide for the terminal onto another, so no key is ever cut off. Each key is Textual's
FooterKey, so a click presses it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup
from textual.screen import Screen
from textual.widgets import Footer

from iro_desk.textual_private import FooterKey, footer_bindings_ready


@dataclass(frozen=True)
class FooterEntry:
    """A key the footer shows."""

    binding: Binding
    key_display: str
    enabled: bool
    tooltip: str
    palette: bool = False

    @property
    def width(self) -> int:
        # " F1 Help ": the key padded by one each side, the description and one space.
        return cell_len(self.key_display) + cell_len(self.binding.description) + 3


def wrap(entries: Iterable[FooterEntry], width: int) -> list[list[FooterEntry]]:
    """The entries in lines of at most ``width`` cells, in order (a key never split)."""
    lines: list[list[FooterEntry]] = []
    used = width  # start a new line with the first entry
    for entry in entries:
        if used + entry.width > width and (used > 0 or not lines):
            lines.append([])
            used = 0
        lines[-1].append(entry)
        used += entry.width
    return lines


class DeskFooter(Footer):
    """The screen's own keys over the F-keys, wrapped to the terminal's width."""

    DEFAULT_CSS = """
    DeskFooter {
        layout: vertical;
        height: auto;
        .footer-line { width: 1fr; height: 1; }
        .footer-line.-navigation { background: $footer-background; }
        FooterKey.-command-palette { dock: none; border-left: none; padding-right: 0; }
    }
    """

    def __init__(self) -> None:
        super().__init__(show_command_palette=True)
        self._shown: list[tuple[tuple[str, str, bool], ...]] = []  # the lines, as composed

    def entries(self) -> tuple[list[FooterEntry], list[FooterEntry]]:
        """(the screen's own keys and the palette's, the app's F-keys), as shown."""
        own: list[FooterEntry] = []
        navigation: list[FooterEntry] = []
        actions: set[str] = set()
        palette_key = self.app.COMMAND_PALETTE_BINDING
        palette: FooterEntry | None = None
        for key, (node, binding, enabled, tooltip) in self.screen.active_bindings.items():
            if key == palette_key and self.app.ENABLE_COMMAND_PALETTE:
                palette = FooterEntry(
                    binding,
                    self.app.get_key_display(binding),
                    enabled,
                    binding.tooltip or binding.description,
                    palette=True,
                )
                continue
            if not binding.show or binding.action in actions:
                continue  # one key per action, as Textual's footer shows
            actions.add(binding.action)
            entry = FooterEntry(binding, self.app.get_key_display(binding), enabled, tooltip)
            (navigation if node is self.app else own).append(entry)
        if palette is not None:
            own.append(palette)
        return own, navigation

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def _lines(self) -> list[tuple[list[FooterEntry], str]]:
        """Each line's keys and its classes, for the width now."""
        width = self._width()
        own, navigation = self.entries()
        return [
            (line, classes)
            for entries, classes in ((own, "footer-line"), (navigation, "footer-line -navigation"))
            for line in wrap(entries, width)
        ]

    @staticmethod
    def _shape(
        lines: list[tuple[list[FooterEntry], str]],
    ) -> list[tuple[tuple[str, str, bool], ...]]:
        return [
            tuple((e.key_display, e.binding.description, e.enabled) for e in line)
            for line, _ in lines
        ]

    def compose(self) -> ComposeResult:
        if not footer_bindings_ready(self):
            return
        lines = self._lines()
        self._shown = self._shape(lines)
        # A set height: while the keys are composed again the footer keeps its lines (an
        # auto height would fold to nothing for a moment and the screen jump).
        self.styles.height = len(lines)
        for line, classes in lines:
            with HorizontalGroup(classes=classes):
                for entry in line:
                    yield self._key(entry)

    def _key(self, entry: FooterEntry) -> FooterKey:
        binding = entry.binding
        key = FooterKey(
            binding.key,
            entry.key_display,
            binding.description,
            binding.action,
            disabled=not entry.enabled,
            tooltip=entry.tooltip,
            classes="-command-palette" if entry.palette else "",
        )
        return key.data_bind(compact=Footer.compact)

    def _changed(self) -> bool:
        return self._shape(self._lines()) != self._shown

    def bindings_changed(self, screen: Screen) -> None:
        # Compose again only when what the footer shows changes (focus moves often).
        if footer_bindings_ready(self) and self.is_attached and not self._changed():
            return
        super().bindings_changed(screen)

    def on_resize(self, _event: events.Resize) -> None:
        # The lines are cut for a width: a new width may cut them elsewhere.
        if footer_bindings_ready(self) and self.is_attached and self._changed():
            self.call_after_refresh(self.recompose)
