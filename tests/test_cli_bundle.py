"""``iro-desk export bundle`` and ``iro-desk import bundle`` as a user types them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from iro_desk.cli import main


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), "--user", "ada", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_export_then_import_into_an_empty_desk(tmp_path: Path) -> None:
    first, second, bundle = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "bundle"
    assert _run(first, "iro", "add", "Ada Lovelace")[0] == 0
    assert _run(first, "child", "add", "C1", "--first-name", "Sam")[0] == 0
    code, out, _ = _run(first, "export", "bundle", str(bundle))
    assert code == 0 and "iros.csv 1" in out and "children.csv 1" in out
    assert (bundle / "children.csv").read_text().splitlines()[1].startswith("C1,Sam,")
    # Records about children: the folder and every file are the user's alone.
    assert bundle.stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in bundle.iterdir()} == {0o600}
    assert len(list(bundle.iterdir())) == 18  # the 903 files and fifteen more, no leftovers
    code, out, _ = _run(second, "import", "bundle", str(bundle))
    assert code == 0 and "2 added" in out
    code, out, _ = _run(second, "import", "bundle", str(bundle))
    assert code == 0 and "0 added, 0 updated" in out


def test_a_bad_file_exits_2_with_file_line_column(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "iros.csv").write_text("IRO,NAME,FTE\n1,Ada Lovelace,lots\n", encoding="utf-8")
    code, _, err = _run(tmp_path / "a.db", "import", "bundle", str(bundle))
    assert code == 2
    assert "error: iros.csv:2: FTE: 'lots' is not a number" in err


def test_the_903_details_of_a_child_not_in_the_return_survive_a_round_trip(
    tmp_path: Path,
) -> None:
    """MOTHER, MC_DOB and the reason for having no UPN travel in children.csv, so a child
    the 903 header does not carry (not looked after this year) keeps them."""
    first, second, bundle = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "bundle"
    assert _run(first, "child", "add", "C1", "--dob", "2009-03-01", "--sex", "F")[0] == 0
    details = ["--mother", "1", "--mc-dob", "2025-02-03", "--upn-reason", "UN2"]
    assert _run(first, "child", "903", "C1", *details)[0] == 0
    _, before, _ = _run(first, "child", "show", "C1")
    assert "no UPN (UN2)" in before and "MOTHER 1, MC_DOB 03 Feb 2025" in before
    assert _run(first, "export", "bundle", str(bundle))[0] == 0
    row = (bundle / "children.csv").read_text().splitlines()[1].split(",")
    assert row[0] == "C1" and "UN2" in row and "Y" in row and "2025-02-03" in row
    assert _run(second, "import", "bundle", str(bundle))[0] == 0
    _, after, _ = _run(second, "child", "show", "C1")
    assert [line for line in after.splitlines() if line.startswith("903:")] == [
        line for line in before.splitlines() if line.startswith("903:")
    ]
    # A real UPN in the file replaces the reason for having none.
    text = (bundle / "children.csv").read_text().replace("UN2", "B801200005001")
    (bundle / "children.csv").write_text(text)
    code, out, err = _run(second, "import", "bundle", str(bundle))
    _, shown, _ = _run(second, "child", "show", "C1")
    assert "no UPN" not in shown, (code, out, err)
