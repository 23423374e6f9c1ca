"""iros.csv, children.csv and allocations.csv: the officers, the children, who holds whom."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iro_desk.db.models import Allocation, Child, Iro
from iro_desk.rules import codes
from iro_desk.rules.identity import nhs_number_problem, normalise_nhs_number, upn_problem
from iro_desk.rules.plausible import AS_OF, BIRTH
from iro_desk.services.bundle.store import Refs, Store, load
from iro_desk.services.bundle.table import Col, Line, Problems, cell, key_id, parse_line
from iro_desk.services.children import name_key

IROS = "iros.csv"
CHILDREN = "children.csv"
ALLOCATIONS = "allocations.csv"
# The 903's stand-ins for a child who has no UPN (UN1-UN5), kept as given.
NO_UPN_CODES = frozenset(f"UN{n}" for n in range(1, 6))

IRO_COLS = (
    Col("IRO", "key", required=True, max_len=100, one_line=True),
    Col("NAME", "name", required=True, max_len=100, one_line=True),
    Col("FTE", "fte", "float", required=True),
    Col("USERNAME", "username", listed=False, max_len=100, one_line=True),
    Col("ACTIVE", "active", "bool", listed=False),
)
CHILD_COLS = (
    Col("CHILD", "ref", required=True, max_len=40, one_line=True),
    Col("GIVEN_NAME", "first_name", max_len=100, one_line=True),
    Col("FAMILY_NAME", "last_name", max_len=100, one_line=True),
    Col("SEX", "sex", max_len=1, one_line=True),
    Col("DOB", "dob", "date", dates=BIRTH),
    Col("EXPECTED_DOB", "expected_dob", "date", dates=AS_OF),
    Col("ETHNIC", "ethnicity", choices=codes.ETHNIC_CODES),
    Col("NHS_NUMBER", "nhs_number", max_len=12, one_line=True),
    Col("UPN", "upn", max_len=13, one_line=True),
    Col("NOTES", "notes", listed=False),
    Col("LEGAL_HOLD", "legal_hold", "bool", listed=False),
    Col("MOTHER", "mother", "bool", listed=False),
    Col("MC_DOB", "mc_dob", "date", dates=BIRTH, listed=False),
)
ALLOCATION_COLS = (
    Col("CHILD", "child", required=True, max_len=40),
    Col("IRO", "iro", required=True, max_len=100),
    Col("START", "start_date", "date", required=True),
    Col("END", "end_date", "date"),
)

Parsed = list[tuple[Line, dict[str, Any]]]


# --- export ------------------------------------------------------------------------------


def iro_rows(session: Session) -> Iterator[list[str]]:
    for iro in session.scalars(select(Iro).order_by(Iro.name)):
        yield [str(iro.id), iro.name, cell(iro.fte), iro.username or "", cell(iro.active)]


def child_rows(session: Session) -> Iterator[list[str]]:
    for child in session.scalars(select(Child).order_by(Child.ref)):
        # UPN holds the reason code (UN1-UN5) when the child has none, as the 903 does.
        upn = child.upn or child.upn_reason
        yield [cell(upn if col.attr == "upn" else getattr(child, col.attr)) for col in CHILD_COLS]


def allocation_rows(session: Session) -> Iterator[list[str]]:
    query = (
        select(Allocation, Child.ref)
        .join(Child, Child.id == Allocation.child_id)
        .order_by(Child.ref, Allocation.start_date, Allocation.iro_id)
    )
    for row, ref in session.execute(query):
        yield [ref, str(row.iro_id), cell(row.start_date), cell(row.end_date)]


# --- import: reading ---------------------------------------------------------------------


def read_iros(lines: list[Line], refs: Refs, today: date, problems: Problems) -> Parsed:
    out: Parsed = []
    for line in lines:
        values = parse_line(line, IRO_COLS, today, problems)
        fte = values.get("fte")
        if fte is not None and not 0 < fte <= 1.5:
            problems.add(line.where, "FTE", f"{fte} is not between 0 and 1.5")
        if values["key"] in refs.iro_keys:
            problems.add(line.where, "IRO", f"{values['key']!r} appears twice")
        refs.iro_keys[values["key"]] = None
        out.append((line, values))
    return out


def _identity(values: dict[str, Any], problems: Problems, where: str) -> None:
    """The identity checks of services/children, with the bundle's column names."""
    if values.get("sex"):
        try:
            values["sex"] = codes.normalise_sex(values["sex"])
        except ValueError as exc:
            problems.add(where, "SEX", str(exc))
    if values.get("dob") and values.get("expected_dob"):
        problems.add(where, "EXPECTED_DOB", "give DOB or EXPECTED_DOB, not both")
    nhs = values.get("nhs_number")
    if nhs:
        problem = nhs_number_problem(nhs)
        if problem:
            problems.add(where, "NHS_NUMBER", problem)
        else:
            values["nhs_number"] = normalise_nhs_number(nhs)
    upn = (values.get("upn") or "").upper()
    if upn in NO_UPN_CODES:  # the reason there is none, kept apart from a UPN
        values["upn"], values["upn_reason"] = None, upn
    elif upn:
        values["upn"] = upn
        problem = upn_problem(upn)
        if problem:
            problems.add(where, "UPN", problem)
    dob, mc_dob = values.get("dob"), values.get("mc_dob")
    if dob and mc_dob and mc_dob < dob:
        problems.add(where, "MC_DOB", f"{mc_dob} is before the young woman's own DOB {dob}")


def read_children(lines: list[Line], refs: Refs, today: date, problems: Problems) -> Parsed:
    out: Parsed = []
    seen: set[str] = set()
    for line in lines:
        values = parse_line(line, CHILD_COLS, today, problems)
        _identity(values, problems, line.where)
        if values["ref"] in seen:
            problems.add(line.where, "CHILD", f"{values['ref']!r} appears twice")
        seen.add(values["ref"])
        refs.child_refs.add(values["ref"])
        out.append((line, values))
    return out


def read_allocations(lines: list[Line], refs: Refs, today: date, problems: Problems) -> Parsed:
    out: Parsed = []
    seen: dict[tuple, int] = {}
    for line in lines:
        values = parse_line(line, ALLOCATION_COLS, today, problems)
        slot = (values["child"], values["iro"], values.get("start_date"))
        if slot in seen:
            problems.add(line.where, "START", f"repeats line {seen[slot]}")
        seen.setdefault(slot, line.number)
        refs.check_child(values["child"], problems, line.where, "CHILD")
        refs.check_iro(values["iro"], problems, line.where, "IRO")
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end < start:
            problems.add(line.where, "END", f"{end} is before START {start}")
        out.append((line, values))
    return out


# --- import: writing ---------------------------------------------------------------------


def write_iros(parsed: Parsed, refs: Refs, store: Store) -> None:
    for _line, values in parsed:
        key = values.pop("key")
        found = store.session.scalars(
            select(Iro).where(func.lower(Iro.name) == values["name"].lower())
        ).first()
        new_id = key_id(IROS, key)
        if found is None:
            found = store.session.get(Iro, new_id)
        values["username"] = values.get("username") or None
        if values.get("active") is None:
            values.pop("active", None)
        row = store.put(IROS, Iro, found, values, new_id=new_id)
        refs.iro_keys[key] = row.id
    store.session.flush()


def write_children(parsed: Parsed, store: Store) -> None:
    """Names and identity; a blank cell leaves what the desk (or header.csv) holds."""
    held = {c.ref: c for c in load(store.session, Child, Child.ref, [v["ref"] for _, v in parsed])}
    for _line, values in parsed:
        ref = values.pop("ref")
        kept = {k: v for k, v in values.items() if v not in ("", None)}
        # A UPN and a reason for having none exclude each other: the file's one clears the other.
        if kept.get("upn"):
            kept["upn_reason"] = None
        elif kept.get("upn_reason"):
            kept["upn"] = None
        if "first_name" in kept:
            kept["first_key"] = name_key(kept["first_name"])
        if "last_name" in kept:
            kept["last_key"] = name_key(kept["last_name"])
        store.put(CHILDREN, Child, held.get(ref), {"ref": ref, **kept})
    store.session.flush()


def write_allocations(parsed: Parsed, refs: Refs, store: Store) -> None:
    child_ids = [refs.child(v["child"]) for _, v in parsed]
    held = {
        (a.child_id, a.iro_id, a.start_date): a
        for a in load(store.session, Allocation, Allocation.child_id, child_ids)
    }
    for (_line, values), child_id in zip(parsed, child_ids, strict=True):
        iro_id = refs.iro(values["iro"])
        slot = (child_id, iro_id, values["start_date"])
        wanted = {
            "child_id": child_id,
            "iro_id": iro_id,
            "start_date": values["start_date"],
            "end_date": values.get("end_date"),
        }
        held[slot] = store.put(ALLOCATIONS, Allocation, held.get(slot), wanted)  # type: ignore[assignment]
    store.session.flush()
