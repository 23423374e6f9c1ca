"""The theme chosen (Ctrl+P, Change theme) is written to the settings file and used at
the next start; a theme the desk does not have is a one-line error naming the setting.
Every settings file here is in the test's own folder, never the user's."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from iro_desk.app import make_app
from iro_desk.config import ConfigError, load_settings, save_theme
from iro_desk.services.context import Desk
from tests.tui.conftest import settle

SETTINGS = """# the unit's settings
user = "Ann Example"
child_population = 29000

[timescales]
compliance_response_wd = 10
"""


def desk_with(desk: Desk, path: Path) -> Desk:
    desk.ctx.settings = load_settings(path)
    return desk


async def test_the_chosen_theme_is_used_at_the_next_start(demo_desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    app = make_app(desk_with(demo_desk, path))
    app.warm_up = False
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme != "nord"
        await pilot.press("ctrl+p")
        await pilot.press(*"theme")
        await settle(pilot)
        await pilot.press("enter")  # Change theme
        await settle(pilot)
        await pilot.press(*"nord")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "nord"
    kept = tomllib.loads(path.read_text(encoding="utf-8"))
    assert kept["theme"] == "nord"
    assert kept["user"] == "Ann Example" and kept["timescales"]["compliance_response_wd"] == 10
    assert path.read_text(encoding="utf-8").startswith("# the unit's settings\n")

    again = make_app(desk_with(demo_desk, path))
    again.warm_up = False
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


def test_a_theme_is_written_over_the_one_before(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_theme(path, "nord")  # no file yet: one is made
    save_theme(path, "gruvbox")
    path.write_text(path.read_text(encoding="utf-8") + SETTINGS, encoding="utf-8")
    save_theme(path, "dracula")
    text = path.read_text(encoding="utf-8")
    assert text.count("theme =") == 1
    assert load_settings(path).theme == "dracula"


def test_a_theme_the_desk_lacks_is_a_one_line_error(demo_desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "no-such-theme"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        make_app(desk_with(demo_desk, path))
    message = str(caught.value)
    assert "theme: 'no-such-theme' is not a theme" in message and "nord" in message
    assert "\n" not in message


def test_a_theme_that_is_not_a_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("theme = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="theme: must be the name of a theme"):
        load_settings(path)


def test_the_cli_says_which_setting_is_wrong(tmp_path: Path) -> None:
    from iro_desk.cli import main

    path = tmp_path / "config.toml"
    path.write_text('theme = "no-such-theme"\n', encoding="utf-8")
    db = tmp_path / "unit.db"
    result = CliRunner().invoke(main, ["--db", str(db), "--user", "ada", "--config", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: config: ")
    assert "theme: 'no-such-theme' is not a theme" in lines[0]
