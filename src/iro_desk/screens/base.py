"""What every IRO Desk screen shares: the open desk, its help text and the current IRO."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, Protocol, TypeVar, cast

from textual.screen import ModalScreen, Screen
from textual.widgets import Button

from iro_desk.services.context import Desk
from iro_desk.widgets.form_kit import FormKit


class DeskApp(Protocol):
    """What screens may rely on from the app (screens sit below app.py in the layers)."""

    desk: Desk
    me: str | None
    demo: bool  # the demo unit: its files stay beside its database

    @property
    def today(self) -> date: ...

    def open_child(self, ref: str) -> None: ...

    def open_case(self, case_id: uuid.UUID) -> None: ...

    def open_form(
        self, form: str, /, *, on_close: Callable[[Any], None] | None = None, **args: Any
    ) -> None:
        """Open a form by name ("compliance", "review", "visit", "raise_case", "enquiry",
        "enquiry_detail", "child_903"), so that no screen imports another to open it."""

    def changes_saved(self) -> None: ...


class DeskMixin:
    """Shortcuts to the app's desk; screens call services with it, never SQL."""

    HELP: ClassVar[str] = ""

    @property
    def iro_app(self) -> DeskApp:
        return cast(DeskApp, self.app)  # type: ignore[attr-defined]

    @property
    def desk(self) -> Desk:
        return self.iro_app.desk


class DeskScreen(DeskMixin, Screen[None]):
    """A full screen of the desk."""


T = TypeVar("T")


class DeskModal(DeskMixin, ModalScreen[T]):
    """A form or question over the current screen."""


class FormModal(FormKit, DeskModal[T]):
    """A form over the current screen, with the form kit and Save/Cancel buttons (ids
    "save" and "cancel") bound to its save and cancel actions."""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            event.stop()
            self.action_save()
        elif event.button.id == "cancel":
            event.stop()
            self.action_cancel()

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        raise NotImplementedError
