"""The one clock: pinned by IRO_DESK_NOW in every test, the real clock otherwise."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner

from iro_desk import clock
from iro_desk.cli import main
from iro_desk.services.context import Ctx
from tests.builders import NOW, TODAY


def test_the_default_is_the_real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # The one test that reads the real clock: it proves what runs outside the tests.
    monkeypatch.delenv(clock.ENV)
    real = datetime.now(UTC)
    assert abs(clock.now() - real) < timedelta(seconds=5)
    assert clock.now().tzinfo is not None


def test_the_suite_runs_on_the_pinned_clock() -> None:
    assert clock.today() == TODAY
    assert NOW <= clock.now() < NOW + timedelta(hours=1)
    ctx = Ctx(user="someone")
    assert ctx.today == TODAY
    assert NOW <= ctx.now() < NOW + timedelta(hours=1)


def test_a_pinned_clock_still_moves_forward(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV, "2028-02-29T23:59:00+00:00")
    first = clock.now()
    second = clock.now()
    assert first >= datetime(2028, 2, 29, 23, 59, tzinfo=UTC)
    assert second >= first


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2027-03-15", datetime(2027, 3, 15, 9, 0, tzinfo=UTC)),
        ("2027-06-01T23:30:00+01:00", datetime(2027, 6, 1, 22, 30, tzinfo=UTC)),
        ("2027-06-01T08:00:00", datetime(2027, 6, 1, 8, 0, tzinfo=UTC)),
    ],
)
def test_pinned_values(monkeypatch: pytest.MonkeyPatch, raw: str, expected: datetime) -> None:
    monkeypatch.setenv(clock.ENV, raw)
    assert expected <= clock.now() < expected + timedelta(minutes=5)


def test_a_bad_pin_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV, "next tuesday")
    with pytest.raises(clock.BadClock, match="IRO_DESK_NOW"):
        clock.now()


def test_the_cli_answers_on_the_pinned_day(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv(clock.ENV, "2028-02-29")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "u.db"), "duty", "today", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["date"] == date(2028, 2, 29).isoformat()


def test_the_cli_names_a_bad_pin(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv(clock.ENV, "soon")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "u.db"), "duty", "today"])
    assert result.exit_code == 1
    assert "IRO_DESK_NOW" in result.stderr
    assert "Traceback" not in result.output


def test_today_is_the_local_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """23:30 UTC on a summer evening is already tomorrow in London (BST); in winter the
    two agree, and a unit that keeps UTC (the timezone setting) gets the UTC day."""
    monkeypatch.setenv(clock.ENV, "2027-07-14T23:30:00+00:00")
    assert clock.today() == date(2027, 7, 15)
    assert Ctx(user="someone").today == date(2027, 7, 15)
    assert clock.local(clock.now()).strftime("%H:%M") == "00:30"
    assert clock.day_start(date(2027, 7, 15)) == datetime(2027, 7, 14, 23, 0, tzinfo=UTC)
    monkeypatch.setenv(clock.ENV, "2027-12-14T23:30:00+00:00")
    assert clock.today() == date(2027, 12, 14)
    monkeypatch.setenv(clock.ENV, "2027-07-14T23:30:00+00:00")
    clock.set_zone("UTC")
    assert clock.today() == date(2027, 7, 14)


def test_the_timezone_setting_is_read_and_checked(tmp_path, monkeypatch) -> None:
    from iro_desk.config import ConfigError, load_settings

    config = tmp_path / "config.toml"
    assert load_settings(config).timezone == "Europe/London"
    config.write_text('timezone = "America/New_York"\n')
    assert load_settings(config).timezone == "America/New_York"
    config.write_text('timezone = "Mars/Olympus"\n')
    with pytest.raises(ConfigError, match="timezone: 'Mars/Olympus' is not a time zone"):
        load_settings(config)
    # The CLI takes "today" from the setting: 21:00 UTC in summer is 17:00 in New York.
    config.write_text('timezone = "America/New_York"\n')
    monkeypatch.setenv(clock.ENV, "2027-07-15T03:00:00+00:00")
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "u.db"), "--config", str(config), "duty", "today", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["date"] == "2027-07-14"
