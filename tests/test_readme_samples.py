"""The README's sample outputs are what the demo prints: each ``$ uv run iro-desk --demo``
line in a ``console`` block is run, and its output must be the lines under it (a last
line ``...`` stands for the rest of a long output)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from iro_desk.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
PROMPT = "$ uv run iro-desk "
MORE = "..."


def demo_samples(text: str) -> list[tuple[list[str], list[str]]]:
    """(arguments, expected lines) for each demo command shown in a console block."""
    samples: list[tuple[list[str], list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        current: list[str] | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                current = None
                if line.startswith(PROMPT + "--demo "):
                    current = []
                    samples.append((shlex.split(line[len(PROMPT) :]), current))
            elif current is not None:
                current.append(line)
    return samples


FIRST_USE = "Making the demo unit"  # printed once, by whichever test makes the demo first


def _printed(args: list[str]) -> list[str]:
    """What the terminal shows: standard output and error, as they came."""
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if not line.startswith(FIRST_USE)]


def test_the_readme_shows_what_the_demo_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a sample that writes a file writes it here
    samples = demo_samples(README.read_text())
    assert len(samples) >= 4  # the caseloads, the JSON and the report
    for args, expected in samples:
        printed = _printed(args)
        while expected and not expected[-1].strip():
            expected.pop()
        if expected and expected[-1] == MORE:
            expected = expected[:-1]
            printed = printed[: len(expected)]
        while printed and not printed[-1].strip():
            printed.pop()
        assert [line.rstrip() for line in printed] == [line.rstrip() for line in expected], args
