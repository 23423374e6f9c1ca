"""The short-break series setting is read from config.toml like the other timescales."""

from __future__ import annotations

from pathlib import Path

import pytest

from iro_desk.config import ConfigError, load_settings


def test_short_break_series_months_from_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert load_settings(path).timescales.short_break_series_months == 12
    path.write_text("[timescales]\nshort_break_series_months = 18\n", encoding="utf-8")
    assert load_settings(path).timescales.short_break_series_months == 18
    path.write_text("[timescales]\nshort_break_series_months = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="short_break_series_months"):
        load_settings(path)
