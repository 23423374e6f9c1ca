"""Every command's help shows how to use it: ``iro-desk X --help`` ends in an example."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from iro_desk.cli import main

MOVED_ELSEWHERE: set[tuple[str, ...]] = set()  # every command is covered here


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


COMMANDS = [path for path in _commands(main) if path not in MOVED_ELSEWHERE]


def test_the_command_list_is_the_whole_cli() -> None:
    assert ("child", "show") in COMMANDS and ("duty", "log") in COMMANDS
    assert len(COMMANDS) >= 25


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "iro-desk")
def test_help_has_an_example_of_the_command(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    _, sep, rest = result.output.partition("Example:")
    assert sep, result.output
    example = rest.split("Options:", 1)[0]
    # Some line of the example runs this very command (after any global options).
    runs = [line.split() for line in example.splitlines() if "iro-desk" in line]
    assert any(_runs(words, path) for words in runs), example


def _runs(words: list[str], path: tuple[str, ...]) -> bool:
    """True if ``words`` is ``iro-desk [global options] *path ...``."""
    rest = words[words.index("iro-desk") + 1 :]
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] in ("--db", "--database-url", "--user", "--config") else rest[1:]
    return tuple(rest[: len(path)]) == path
