"""``iro-desk export bundle DIR`` and ``iro-desk import bundle DIR`` (docs/formats.md)."""

from __future__ import annotations

from pathlib import Path

import click

from iro_desk.cli import SafePath, handles_errors, opened_desk
from iro_desk.cli_ssda903 import export_group, import_group


@export_group.command("bundle")
@click.argument("directory", type=SafePath(file_okay=False))
@handles_errors
def export_bundle_cmd(directory: str) -> None:
    """Write every record as the bundle's CSV files.

    Example: iro-desk export bundle ~/bundle-2026-11
    """
    from iro_desk.services.bundle import export_bundle
    from iro_desk.services.errors import InvalidInput

    if not directory.strip():
        raise InvalidInput.one("directory", "is required (the folder to write the files to)")
    with opened_desk() as desk:  # a write: the export is audited
        result = desk.save(export_bundle, Path(directory))
    click.echo(result.summary())


@import_group.command("bundle")
@click.argument("directory", type=SafePath(file_okay=False, exists=True, path_type=Path))
@handles_errors
def import_bundle_cmd(directory: Path) -> None:
    """Read a bundle's CSV files; all or nothing, and a second import changes nothing.

    Example: iro-desk import bundle ~/bundle-2026-11
    """
    from iro_desk.services.bundle import import_bundle

    with opened_desk() as desk:
        result = desk.save(import_bundle, directory)
    click.echo(result.summary())
