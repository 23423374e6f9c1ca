"""The Textual application: built by ``make_app`` so tests can hand it their own database."""

from __future__ import annotations

from textual.app import App

from iro_desk.services.context import Desk


class IroDeskApp(App[None]):
    TITLE = "IRO Desk"

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk


def make_app(desk: Desk) -> IroDeskApp:
    return IroDeskApp(desk)


def run(desk: Desk) -> None:
    make_app(desk).run()
