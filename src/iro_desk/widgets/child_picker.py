"""Find a child by name or reference as you type, and pick one from a short list.

Each keystroke starts a database search in a thread (the UI never waits for it); only the
answer to the latest query is shown, so a slow early answer never overwrites a later one.
"""

from __future__ import annotations

from functools import partial
from typing import Protocol, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from iro_desk.services.child_actions import find_children
from iro_desk.services.children import ChildHit
from iro_desk.services.context import Desk
from iro_desk.services.display import literal

__all__ = ["ChildPicker", "hit_label"]

# Enough to spot the child; the search narrows as more is typed.
MATCH_LIMIT = 8


class _HasDesk(Protocol):
    desk: Desk


def _born(hit: ChildHit) -> str:
    """What tells two children of the same name apart: birth date and allocated IRO."""
    born = f" · born {hit.dob.day} {hit.dob:%b %Y}" if hit.dob else ""
    return f"{born} · IRO {hit.iro}" if hit.iro else f"{born} · no IRO"


def hit_label(hit: ChildHit) -> str:
    """One line naming a found child: name, reference, date of birth, IRO."""
    return f"{hit.name or '(no name)'} · {hit.ref}{_born(hit)}"


class ChildPicker(Vertical):
    """An Input plus the children matching it; posts ``Picked`` / ``Cleared``."""

    DEFAULT_CSS = """
    ChildPicker { height: auto; }
    ChildPicker > OptionList { height: auto; max-height: 8; display: none; }
    ChildPicker > OptionList.-open { display: block; }
    ChildPicker > .picker-status { height: auto; padding: 0 1; }
    ChildPicker > .picker-status.-chosen { color: $success; text-style: bold; }
    """

    BINDINGS = [
        Binding("down", "to_matches", "Matches", show=False),
    ]

    class Picked(Message):
        """A child was chosen."""

        def __init__(self, picker: ChildPicker, ref: str, name: str) -> None:
            super().__init__()
            self.picker = picker
            self.ref = ref
            self.name = name

        @property
        def control(self) -> ChildPicker:
            return self.picker

    class Cleared(Message):
        """The chosen child was let go (the search text changed)."""

        def __init__(self, picker: ChildPicker) -> None:
            super().__init__()
            self.picker = picker

        @property
        def control(self) -> ChildPicker:
            return self.picker

    def __init__(
        self,
        *,
        placeholder: str = "Type a name or reference",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.placeholder = placeholder
        self.ref: str | None = None
        self.child_name: str | None = None
        self._seq = 0  # the number of the latest query; older answers are dropped
        self._hits: dict[str, ChildHit] = {}
        self._echo: str | None = None  # text we put in the input ourselves

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.placeholder, max_length=100, classes="picker-input")
        yield OptionList(classes="picker-matches")
        status = Static("", classes="picker-status muted")
        status.display = False
        yield status

    # --- what the form reads --------------------------------------------------------

    @property
    def text(self) -> str:
        return self.query_one(".picker-input", Input).value

    def clear(self) -> None:
        self._echo = ""
        self.query_one(".picker-input", Input).value = ""
        self._forget()
        self._close_matches()
        self._status("")

    # --- searching ------------------------------------------------------------------

    @on(Input.Changed, ".picker-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._echo is not None and event.value == self._echo:
            self._echo = None
            return
        self._echo = None
        if self.ref is not None:
            self._forget()
            self.post_message(self.Cleared(self))
        self._seq += 1
        term = event.value.strip()
        if not term:
            self._close_matches()
            self._status("")
            return
        self.run_worker(
            partial(self._search, self._seq, term),
            thread=True,
            exclusive=True,
            group=f"child-picker-{id(self)}",
            exit_on_error=False,
        )

    def _search(self, seq: int, term: str) -> None:
        desk = cast(_HasDesk, self.app).desk
        try:
            hits = find_children(desk, term=term, limit=MATCH_LIMIT)
        except Exception as exc:  # a failed search must not end the app; say so instead
            self.app.call_from_thread(self._failed, seq, str(exc))
            return
        self.app.call_from_thread(self._show, seq, term, hits)

    def _show(self, seq: int, term: str, hits: list[ChildHit]) -> None:
        if seq != self._seq:
            return  # a newer query is on its way
        self._hits = {hit.ref: hit for hit in hits}
        matches = self.query_one(".picker-matches", OptionList)
        matches.set_options(
            Option(
                literal(hit_label(hit), multiline=False),
                id=hit.ref,
            )
            for hit in hits
        )
        if hits:
            matches.highlighted = 0
            matches.add_class("-open")
            matches.scroll_visible(animate=False)
            more = " (type more to narrow)" if len(hits) == MATCH_LIMIT else ""
            self._status(f"↓ then Enter to choose{more}")
        else:
            self._close_matches()
            self._status(f"No child matches {term!r}")

    def _failed(self, seq: int, reason: str) -> None:
        if seq == self._seq:
            self._close_matches()
            self._status(f"The search failed: {reason}")

    # --- choosing -------------------------------------------------------------------

    def action_to_matches(self) -> None:
        matches = self.query_one(".picker-matches", OptionList)
        if matches.has_class("-open"):
            matches.focus()

    @on(Input.Submitted, ".picker-input")
    def _enter_in_input(self, event: Input.Submitted) -> None:
        event.stop()
        matches = self.query_one(".picker-matches", OptionList)
        option = matches.highlighted_option
        if matches.has_class("-open") and option is not None and option.id:
            self.pick(option.id)

    @on(OptionList.OptionSelected, ".picker-matches")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.pick(event.option.id)

    def pick(self, ref: str, name: str | None = None) -> None:
        """Choose a child (from the matches, or given by the caller, e.g. when restoring)."""
        hit = self._hits.get(ref)
        self.ref = ref
        self.child_name = name if name is not None else (hit.name if hit else ref)
        detail = _born(hit) if hit else ""
        box = self.query_one(".picker-input", Input)
        if box.value != ref:
            self._echo = ref
            box.value = ref
        self._close_matches()
        self._status(f"✓ {self.child_name or '(no name)'} · {ref}{detail}", chosen=True)
        box.focus()
        self.post_message(self.Picked(self, ref, self.child_name or ""))

    # --- helpers --------------------------------------------------------------------

    def _forget(self) -> None:
        self.ref = None
        self.child_name = None

    def _close_matches(self) -> None:
        matches = self.query_one(".picker-matches", OptionList)
        matches.remove_class("-open")
        matches.clear_options()

    def _status(self, text: str, *, chosen: bool = False) -> None:
        status = self.query_one(".picker-status", Static)
        status.update(literal(text))  # names the child and echoes what was typed
        status.set_class(chosen, "-chosen")
        status.set_class(not chosen, "muted")
        status.display = bool(text)
