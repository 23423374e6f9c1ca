"""The demo unit's 903 returns pass the DfE's own validator (``csc-validator-be-903``).

The default demo is exported for 2023-24, 2024-25 and 2025-26; 2024-25 and 2025-26 are
validated with their year's ruleset, each with the year before as "last year" (as a
local authority uploads them). No rule may fail on data the app wrote, except the few
listed in EXEMPT, each with the reason.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from iro_desk.db.engine import sqlite_url
from iro_desk.services.context import Desk, open_desk
from iro_desk.services.demo import generate_demo
from iro_desk.services.demo.places import DEMO_LA_CODE
from iro_desk.services.ssda903.export import export_903
from iro_desk.services.ssda903.fileformat import SEX_TO_OLD
from tests.builders import TODAY, make_ctx
from tests.dfe.validator_env import ValidatorUnavailable, ensure_validator, validate

pytestmark = [pytest.mark.slow, pytest.mark.dfe]

# (return's first year, rule) -> why it may fail, and which rows (None: any row). Nothing
# else may fail.
Rows = Callable[[dict[str, str]], bool] | None
EXEMPT: dict[tuple[int, str], tuple[str, Rows]] = {
    # Validator limitation: rule 202 compares SEX as text with last year's header, but
    # 2023-24 was the last return to code SEX 1/2 and 2024-25 the first with M/F
    # (fileformat.LAST_NUMERIC_SEX_YEAR; the lac2024_25 rules accept only M/F), so every
    # child in both returns "changes" from 1 to M.
    (2024, "202"): ("SEX recoded 1/2 -> M/F between the 2023-24 and 2024-25 returns", None),
    # Validator bug: lac2025_26 rule 218 wants a URN on every episode not in its list of
    # placements (P1, R1 ... Z14) or outside England, short breaks included; but rule 214
    # forbids a URN (and a placement postcode, without which the place cannot be outside
    # England) on a V3/V4 episode. A short break fails one of the two whatever is sent;
    # the 2024-25 rule 218 does not ask.
    (2025, "218"): (
        "contradicts rule 214 on short breaks",
        lambda row: row["LS"] in ("V3", "V4"),
    ),
    # Validator bug: rule 435 ("placement changed but not the legal status") takes RNE P
    # and T alike and fails either when LS differs from the episode before; but T is the
    # code for a change of both legal status and placement, so every T episode fails.
    # (Not seen in the default unit today; other seeds and sizes have T episodes.)
    **{
        (year, "435"): ("treats RNE T (both changed) as P", lambda row: row["RNE"] == "T")
        for year in (2024, 2025)
    },
}
# Validator bugs: these rules raise KeyError on any CSV return, because they read columns
# that no CSV file has (config.column_names): 231 reads UASC_STATUS (CSV returns give
# UASC, from uasc.csv), 233 reads DATE_EPISODE_CEASED (the XML name of DEC).
CRASH_EXEMPT: dict[str, str] = {
    "231": "reads UASC_STATUS, a column no CSV return has",
    "233": "reads DATE_EPISODE_CEASED, the XML name of the CSV column DEC",
}


@pytest.fixture(scope="module")
def validator() -> Path:
    try:
        return ensure_validator()
    except ValidatorUnavailable as exc:
        pytest.skip(f"the DfE validator's environment could not be made: {exc}")


@pytest.fixture(scope="module")
def returns(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The default demo unit (as `iro-desk --demo` makes it) and its three returns."""
    folder = tmp_path_factory.mktemp("dfe")
    path = folder / "demo.db"
    shutil.copy(sqlite_template, path)
    desk: Desk = open_desk(sqlite_url(path), make_ctx())
    with desk.write() as session:
        generate_demo(session, desk.ctx, as_of=TODAY)
        for year in (2023, 2024, 2025):
            export_903(session, desk.ctx, folder / str(year), year_start=year)
    desk.engine.dispose()
    yield folder


@pytest.mark.parametrize(("year", "ruleset"), [(2024, "lac2024_25"), (2025, "lac2025_26")])
def test_demo_return_passes_the_dfe_validator(
    validator: Path, returns: Path, year: int, ruleset: str
) -> None:
    result = validate(
        validator, ruleset, year + 1, DEMO_LA_CODE, returns / str(year), returns / str(year - 1)
    )
    assert sorted(set(result["crashed"]) - set(CRASH_EXEMPT)) == []
    failing = [f for f in result["failures"] if not _exempt(year, f, returns / str(year))]
    counts = Counter((f["rule"], f["table"], f["message"]) for f in failing)
    examples = {f["rule"]: f["child"] for f in failing}
    assert not counts, "\n".join(
        f"rule {rule} ({table}, {n} rows, e.g. {examples[rule]}): {message}"
        for (rule, table, message), n in sorted(counts.items())
    )
    # The return is not empty: the validator saw the year's children.
    header = _rows(returns / str(year) / "header.csv")
    assert len(header) > 100
    if (year, "202") in EXEMPT:
        # What rule 202 cannot check across the recoding: each child's SEX is unchanged.
        last = {row["CHILD"]: row["SEX"] for row in _rows(returns / str(year - 1) / "header.csv")}
        moved = [
            r["CHILD"]
            for r in header
            if last.get(r["CHILD"], SEX_TO_OLD.get(r["SEX"])) != SEX_TO_OLD.get(r["SEX"])
        ]
        assert moved == []


def _exempt(year: int, failure: dict, folder: Path) -> bool:
    if (year, failure["rule"]) not in EXEMPT:
        return False
    _, rows = EXEMPT[(year, failure["rule"])]
    if rows is None:
        return True
    # The validator's row number is the row's place in its file (header line aside).
    return rows(_rows(folder / f"{failure['table'].lower()}.csv")[failure["row"]])


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))
