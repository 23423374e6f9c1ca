"""The README's screenshots are the snapshot pictures themselves, so they cannot go stale."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PICTURES = sorted((ROOT / "docs" / "screenshots").glob("*.svg"))


@pytest.mark.parametrize("picture", PICTURES, ids=lambda p: p.stem)
def test_readme_picture_matches_its_snapshot(picture: Path) -> None:
    snapshot = (
        ROOT / "tests/tui/__snapshots__/test_snapshots" / f"test_screen[{picture.stem}-120x40].raw"
    )
    assert picture.read_text() == snapshot.read_text(), (
        f"copy {snapshot.name} to docs/screenshots/{picture.name} after updating snapshots"
    )
    assert picture.name in (ROOT / "README.md").read_text()
