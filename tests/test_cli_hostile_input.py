"""Every command, fed hostile arguments, answers in one line and exits 0, 1 or 2.

The commands are enumerated from the click group, so a new command is covered the day
it is added. Each hostile value replaces one argument of an otherwise ordinary
invocation; whatever happens, no traceback may reach the user and no exception may
escape (a CliRunner result's exception is None or the SystemExit of a clean exit).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from iro_desk.cli import main
from tests.builders import PG_URL, pg_schema_url

# What a user (or a script gone wrong) can type. Lone surrogates are how Python hands
# over argv bytes that are not UTF-8 (`iro add $'\xff\xfe'`).
INVALID_UTF8 = b"\xff\xfe".decode("utf-8", "surrogateescape")
HOSTILE_TEXT = ["", " ", INVALID_UTF8, "x" * 100_000, "a\x00b", "-5", "NO-SUCH-REF", "\t\n"]
HOSTILE_DATE = [
    "",
    "not a date",
    "0001-01-01",
    "9999-12-31",
    "1-01-01",
    "31/02/2024",
    "2026-13-01",
    "-5",
    INVALID_UTF8,
    "x" * 100_000,
]
HOSTILE_NUMBER = ["", "0", "-5", "1", "9999", "-1", "nan", "inf", "1e309", "9" * 30, "x"]
HOSTILE_CHOICE = ["", "NOT-A-CHOICE", INVALID_UTF8, "a\x00b"]

# An ordinary value for each argument, so that the hostile one is what gets judged.
ORDINARY = {
    "ref": "C1",
    "child_ref": "C1",
    "name": "Cy Example",
    "iro_name": "Ada Example",
    "chair": "Ada Example",
    "taken_by": "Ada Example",
    "backup": "Bea Example",
    "day": "2026-11-20",
    "review_date": "2026-11-20",
    "visit_date": "2026-11-20",
    "year_start": "2025",
    "category": "ADVICE",
    "summary": "A call",
    "subject": "A child",
}


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def _is_date(param: click.Parameter) -> bool:
    return getattr(param.callback, "__name__", "") == "parse_date_option"


def _hostile_values(param: click.Parameter) -> list[str]:
    if _is_date(param):
        return HOSTILE_DATE
    if isinstance(param.type, click.Choice):
        return HOSTILE_CHOICE
    if isinstance(param.type, click.types.IntParamType | click.types.FloatParamType):
        return HOSTILE_NUMBER
    return HOSTILE_TEXT


def _takes_value(param: click.Parameter) -> bool:
    return not (isinstance(param, click.Option) and (param.is_flag or param.is_bool_flag))


def _ordinary(param: click.Parameter, folder: Path) -> str:
    if param.name == "directory":
        return str(folder)
    if _is_date(param):
        return "2026-11-20"
    return ORDINARY.get(param.name or "", "x")


def _argv(path: tuple[str, ...], folder: Path, hostile: tuple[str, str] | None) -> list[str]:
    """The command line, with ``hostile`` = (param name, value) replacing one argument."""
    command = _command(path)
    args: list[str] = []
    opts: list[str] = []
    for param in command.params:
        if not _takes_value(param):
            continue
        is_hostile = hostile is not None and param.name == hostile[0]
        if not is_hostile and not param.required:
            continue
        value = hostile[1] if is_hostile and hostile else _ordinary(param, folder)
        if isinstance(param, click.Argument):
            args.append(value)
        else:
            opts += [max(param.opts, key=len), value]
    # "--" keeps a hostile "-5" an argument, not an unknown option.
    return [*path, *opts, "--", *args] if args else [*path, *opts]


def _cases() -> Iterator[tuple[tuple[str, ...], str, str]]:
    for path in _commands(main):
        for param in _command(path).params:
            if _takes_value(param) and param.name not in ("help",):
                for value in _hostile_values(param):
                    yield path, param.name or "", value


CASES = list(_cases())


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small unit made once: two IROs and a looked-after child with a review."""
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "unit.db"
    for argv in (
        ["iro", "add", "Ada Example", "--username", "ada"],
        ["iro", "add", "Bea Example"],
        ["child", "add", "C1", "--first-name", "Amy", "--dob", "2015-03-01"],
    ):
        result = CliRunner().invoke(main, ["--db", str(db), "--user", "ada", *argv])
        assert result.exit_code == 0, result.output
    (folder / "903").mkdir()
    return db


def _check(result: Result, argv: list[str]) -> None:
    shown = [a if len(a) < 40 else a[:10] + "..." for a in argv]
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        shown,
        repr(result.exception),
    )
    assert result.exit_code in (0, 1, 2), (shown, result.exit_code, result.output[-500:])
    assert "Traceback" not in result.output, (shown, result.output[-2000:])


def test_every_command_is_covered() -> None:
    covered = {path for path, _, _ in CASES}
    assert ("iro", "add") in covered and ("export", "903") in covered
    assert len(covered) >= 12


def test_hostile_arguments_never_crash(
    unit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Relative names (an export folder called "-5") land here, not in the repository.
    monkeypatch.chdir(tmp_path)
    # One copy of the unit for the whole table: commands that write add a row at most.
    db = tmp_path / "unit.db"
    shutil.copy(unit, db)
    failures = []
    runner = CliRunner()
    for path, name, value in CASES:
        argv = ["--db", str(db), "--user", "ada", *_argv(path, unit.parent / "903", (name, value))]
        result = runner.invoke(main, argv)
        try:
            _check(result, argv)
        except AssertionError as exc:
            failures.append(str(exc)[:600])
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("user", ["", INVALID_UTF8, "x" * 101, "a\x00b"])
def test_hostile_user_is_refused_naming_the_option(unit: Path, tmp_path: Path, user: str) -> None:
    db = tmp_path / "unit.db"
    shutil.copy(unit, db)
    result = CliRunner().invoke(main, ["--db", str(db), "--user", user, "iro", "add", "Dee"])
    _check(result, [user])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --user: ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "url",
    [
        "nonsense://",
        "x",
        "postgresql://a:secret@127.0.0.1:port/x",
        "postgresql://nobody:secret@127.0.0.1:1/x",
        INVALID_UTF8,
    ],
)
def test_unusable_database_url_is_one_line(url: str) -> None:
    result = CliRunner().invoke(main, ["--database-url", url, "iro", "list"])
    _check(result, [url])
    assert result.exit_code in (1, 2)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "secret" not in result.stderr  # a password in the URL is never echoed


@pytest.mark.parametrize("db", ["", ".", "./"])
def test_an_empty_db_path_is_refused_and_the_folder_untouched(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    mode = tmp_path.stat().st_mode
    result = CliRunner().invoke(main, ["--db", db, "iro", "list"])
    _check(result, [db])
    assert result.exit_code == 2
    assert tmp_path.stat().st_mode == mode


def test_config_that_is_not_utf8(unit: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(b'user = "\xff\xfe"\n')
    db = tmp_path / "unit.db"
    shutil.copy(unit, db)
    result = CliRunner().invoke(main, ["--db", str(db), "--config", str(config), "iro", "list"])
    _check(result, ["--config"])
    assert result.exit_code == 2
    assert "config:" in result.stderr and "UTF-8" in result.stderr


def test_export_to_an_empty_directory_name_is_refused(
    unit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--db", str(unit), "export", "903", "", "--year", "2025"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: DIRECTORY: ")
    assert not (tmp_path / "header.csv").exists()


def test_long_user_on_postgresql_is_refused_before_any_write() -> None:
    """The created_by column holds 100 characters; PostgreSQL would refuse a longer user
    mid-write with a DataError, so it is checked up front."""
    if not PG_URL:
        pytest.skip("IRO_DESK_TEST_PG_URL is not set: no PostgreSQL server to test against")
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        argv = ["--database-url", pg_schema_url(schema), "--user", "u" * 101]
        result = CliRunner().invoke(main, [*argv, "iro", "add", "Dee Example"])
        _check(result, argv)
        assert result.exit_code == 2
        assert result.stderr.startswith("error: --user: is too long")
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
