"""Options that several commands share, written once (as sqlite-utils does).

``@as_of_option()`` and ``@json_option()`` give every command the same spelling, parsing and
help for ``--as-of`` and ``--json``; ``@date_option("--date", "review_date")`` parses any
other date. Only click is imported here, so a headless command still starts quickly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def today() -> date:
    from iro_desk import clock

    return clock.today()


def parse_date_option(_ctx: click.Context, param: click.Parameter, value: str | None):
    if value is None:
        return None
    from iro_desk.services.errors import InvalidInput
    from iro_desk.services.validate import parse_date

    try:
        day = parse_date(param.name or "date", value)
    except InvalidInput as exc:
        raise click.BadParameter(exc.problems[0].reason) from None
    if param.name == "as_of":
        # Deadlines are counted forward from it: keep it where date arithmetic cannot overflow.
        from iro_desk.rules.plausible import AS_OF, date_problem

        problem = date_problem(AS_OF, day, today())
        if problem:
            raise click.BadParameter(problem)
    return day


def as_of_option(help: str | None = None) -> Callable[[F], F]:
    """``--as-of YYYY-MM-DD``: answer as on that day (the command reads None as today)."""
    return click.option("--as-of", callback=parse_date_option, help=help)


def json_option(help: str | None = None) -> Callable[[F], F]:
    """``--json``: print JSON for scripts instead of text (the parameter is ``as_json``)."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def date_option(*decls: str, required: bool = False, help: str | None = None) -> Callable[[F], F]:
    """Any other date option, parsed and range-checked like ``--as-of``."""
    return click.option(*decls, required=required, callback=parse_date_option, help=help)


def date_argument(name: str) -> Callable[[F], F]:
    """A date given as an argument (``duty assign 2026-12-01 ...``)."""
    return click.argument(name, callback=parse_date_option)
