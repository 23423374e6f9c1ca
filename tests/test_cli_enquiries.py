"""``duty enquiries``, ``duty update ID`` and ``duty close ID`` as a user types them."""

from __future__ import annotations

import json

from tests.builders import cli_unit as _unit


def _log(run, child: str, caller: str, summary: str) -> str:
    code, out, err = run(
        "duty",
        "log",
        "--category",
        "10A",
        "--summary",
        summary,
        "--child",
        child,
        "--caller",
        caller,
    )
    assert code == 0, err
    return out.split()[2]  # "Logged enquiry 1a2b3c4d (10A)."


def test_find_update_and_close_an_enquiry_by_its_short_id(run) -> None:
    _unit(run)
    short = _log(run, "C1", "Pat Jones", "Missing overnight")
    code, out, _ = run("duty", "enquiries", "--child", "C1", "--open")
    assert code == 0
    assert short in out and "Amy Stone (C1)" in out and "Pat Jones" in out
    assert "1 enquiry." in out
    assert all(len(line) <= 80 for line in out.splitlines())

    code, out, _ = run("duty", "update", short, "--note", "Found safe", "--follow-up", "2026-12-01")
    assert (code, out.strip()) == (0, f"Updated enquiry {short}: follow-up due 01 Dec 2026.")
    code, out, _ = run("duty", "close", short, "--note", "Home")
    assert (code, out.strip()) == (0, f"Closed enquiry {short}.")

    code, out, _ = run("duty", "enquiries", "--open", "--json")
    assert json.loads(out) == []
    code, out, _ = run("duty", "enquiries", "--closed", "--since", "2026-11-27", "--json")
    [row] = json.loads(out)
    # Closing clears the follow-up: nothing is left to follow up on a closed enquiry.
    assert (row["id"][:8], row["status"], row["follow_up_due"]) == (short, "closed", None)


def test_bad_ids_and_filters_exit_2_naming_the_field(run) -> None:
    _unit(run)
    _log(run, "C1", "Pat Jones", "Missing")
    code, _, err = run("duty", "close", "nothex", "--note", "x")
    assert code == 2 and err.startswith("error: ENQUIRY: ")
    code, _, err = run("duty", "close", "00000000", "--note", "x")
    assert code == 2 and "error: ENQUIRY: no enquiry" in err
    code, _, err = run("duty", "enquiries", "--child", "NOPE")
    assert code == 2 and err.startswith("error: --child: ")
    code, _, err = run("duty", "enquiries", "--category", "ZZZ")
    assert code == 2 and err.startswith("error: --category: ")
    code, out, _ = run("duty", "enquiries", "--since", "2027-01-01")
    assert (code, out.strip()) == (0, "No enquiries match.")
