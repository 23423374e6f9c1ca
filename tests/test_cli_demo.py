"""The demo never writes into a database that holds records, whatever the flags.

``iro-desk demo --force`` used to delete every row (the audit trail too) of whatever
database it was pointed at. Now a database with records is refused with one line and
exit 2, on SQLite and on PostgreSQL, and left exactly as it was.
"""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import func, select

from iro_desk import locations
from iro_desk.cli import main
from iro_desk.db.models import AuditEvent, Child, Visit
from iro_desk.services.audit import audit
from iro_desk.services.context import Desk


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + result.stderr


def _counts(desk: Desk) -> tuple[int, int, int]:
    with desk.read() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(model))
            for model in (Visit, AuditEvent, Child)
        )


def _real_work(url: str) -> None:
    base = ("--database-url", url, "--user", "ada")
    assert _cli(*base, "iro", "add", "Ada Real", "--username", "ada")[0] == 0
    assert _cli(*base, "child", "add", "R1", "--dob", "2015-03-01")[0] == 0
    code, out = _cli(
        *base,
        "visit",
        "add",
        "R1",
        "--date",
        "2026-11-20",
        "--location",
        "home",
        "--purpose",
        "other",
        "--seen-alone",
    )
    assert code == 0, out


def _url(desk: Desk) -> str:
    return desk.engine.url.render_as_string(hide_password=False)


def test_demo_force_refuses_a_database_with_records(desk: Desk) -> None:
    """SQLite and PostgreSQL alike: exit 2, one clear line, not a row touched."""
    _real_work(_url(desk))
    before = _counts(desk)
    assert before == (1, 3, 1)

    for extra in ([], ["--force"], ["--force", "--seed", "9", "--children", "20"]):
        code, out = _cli("--database-url", _url(desk), "demo", *extra)
        assert code == 2, out
        lines = out.strip().splitlines()
        assert len(lines) == 1, out
        assert lines[0].startswith("error: database: ") and "holds records" in lines[0]
        assert "Traceback" not in out
        assert _counts(desk) == before


def test_demo_force_refuses_a_sqlite_file_given_with_db(sqlite_desk: Desk) -> None:
    path = str(sqlite_desk.engine.url.database)
    _real_work(_url(sqlite_desk))
    before = _counts(sqlite_desk)
    code, out = _cli("--db", path, "demo", "--force")
    assert code == 2 and out.count("\n") == 1 and path in out, out
    assert _counts(sqlite_desk) == before


def test_a_database_with_only_an_audit_trail_is_not_empty(desk: Desk) -> None:
    """No IRO and no child, but an audit event: still someone's records."""
    with desk.write() as s:
        audit(s, desk.ctx, "settings.note", "database", None)
    code, out = _cli("--database-url", _url(desk), "demo", "--children", "20")
    assert code == 2 and "holds records" in out, out
    assert _counts(desk) == (0, 1, 0)


def test_demo_cannot_be_pointed_at_another_database(tmp_path) -> None:
    code, out = _cli("--demo", "--db", str(tmp_path / "real.db"), "demo", "--force")
    assert code == 2 and out.strip() == (
        "error: --demo: uses its own database; leave out --db and --database-url"
    )
    assert not (tmp_path / "real.db").exists()


def test_force_with_demo_rebuilds_only_the_demo_file() -> None:
    code, out = _cli("--demo", "demo", "--children", "20", "--seed", "3")
    assert code == 0, out
    demo_file = locations.demo_database_path()
    assert demo_file.exists()
    code, out = _cli("--demo", "demo", "--children", "20", "--seed", "3")
    assert code == 2 and "holds records" in out
    code, out = _cli("--demo", "demo", "--children", "20", "--seed", "4", "--force")
    assert code == 0, out


def test_a_headless_demo_command_says_which_demo_iro_it_acts_as() -> None:
    """Who a command acts as is never guessed silently: it stamps what the command writes."""
    acting = CliRunner().invoke(main, ["--demo", "caseload"])
    assert acting.exit_code == 0, acting.output
    [said] = [line for line in acting.stderr.splitlines() if line.startswith("demo:")]
    name = said.removeprefix("demo: acting as the demo IRO ").removesuffix(
        " (--user NAME to act as another)"
    )
    assert acting.stdout.startswith(f"{name} as of ")
    chosen = CliRunner().invoke(main, ["--demo", "--user", "Dev Example", "caseload"])
    assert chosen.exit_code == 0, chosen.output
    assert "demo:" not in chosen.stderr
    assert chosen.stdout.startswith("Dev Example as of ")
