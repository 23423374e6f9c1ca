"""What every IRO Desk screen shares: the open desk, its help text and the current IRO."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, ClassVar, Protocol, TypeVar, cast

from textual.screen import ModalScreen, Screen

from iro_desk.services.context import Desk


class DeskApp(Protocol):
    """What screens may rely on from the app (screens sit below app.py in the layers)."""

    desk: Desk
    me: str | None

    @property
    def today(self) -> date: ...

    def open_child(self, ref: str) -> None: ...

    def open_case(self, case_id: uuid.UUID) -> None: ...

    def open_form(self, form: str, /, **args: Any) -> None:
        """Open a form by name ("compliance", "review", "visit", "raise_case", "enquiry",
        "enquiry_detail"), so that no screen imports another to open it."""

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
