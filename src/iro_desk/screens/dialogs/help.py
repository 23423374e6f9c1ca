"""F1 / ?: what the screen in view is for and the keys that work on it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown


def _keys_table(screen: Screen) -> str:
    lines = ["| Key | Does |", "|---|---|"]
    seen: set[str] = set()
    for binding in screen.active_bindings.values():
        b = binding.binding
        # Only the screen's and the app's own keys, not each focused widget's scrolling keys.
        if binding.node is not screen and binding.node is not screen.app:
            continue
        if not b.show or not b.description or b.description in seen:
            continue
        seen.add(b.description)
        key = screen.app.get_key_display(b)
        lines.append(f"| `{key}` | {b.description} |")
    lines.append("| `escape` | Back, or close a form (asks first if anything was typed) |")
    lines.append("| `ctrl+p` | Command palette: go to a screen, find a child, run an action |")
    lines.append("| `ctrl+q` | Quit |")
    return "\n".join(lines)


class HelpDialog(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close help"),
        Binding("f1", "dismiss", "Close help", show=False),
        Binding("q", "dismiss", "Close help", show=False),
    ]

    def __init__(self, for_screen: Screen) -> None:
        super().__init__()
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        text = getattr(self.for_screen, "HELP", "") or "No help for this screen."
        with VerticalScroll(classes="dialog"):
            yield Markdown(f"{text}\n\n## Keys\n\n{_keys_table(self.for_screen)}")

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
