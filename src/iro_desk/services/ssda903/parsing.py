"""Parsing the 903 rows: header, episodes and reviews, each cell checked."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from iro_desk.rules import codes
from iro_desk.rules.identity import normalise_upn, upn_problem
from iro_desk.rules.plausible import RECORD, date_problem
from iro_desk.services.errors import Problem
from iro_desk.services.ssda903.fileformat import (
    CIN_CODES,
    HEADER_FILE,
    NO_UPN_CODES,
    PLACE_PROVIDER_CODES,
    REC_SHAPE,
    RNE_CODES,
)
from iro_desk.services.ssda903.reading import Cells, File, Problems, fmt, parse_date

# --- parsed rows ----------------------------------------------------------------------


@dataclass
class ChildIn:
    line: int
    ref: str
    sex: str | None
    dob: date | None
    ethnicity: str | None
    upn: str | None


@dataclass
class EpisodeIn:
    line: int
    ref: str
    start: date
    end: date | None
    dates_ok: bool
    values: dict[str, Any]  # Episode attributes other than the dates


@dataclass
class ReviewIn:
    line: int
    ref: str
    review_date: date | None
    raw_date: str
    code: str


def parse_header(
    file: File, problems: Problems, today: date
) -> tuple[dict[str, ChildIn], dict[str, date | None]]:
    children: dict[str, ChildIn] = {}
    dobs: dict[str, date | None] = {}
    for row in file.rows:
        cells = Cells(file.name, row, problems, today)
        ref = cells.text("CHILD", required=True, max_len=40)
        sex = None
        sex_raw = cells.text("SEX", required=True, max_len=5)
        if sex_raw is not None:
            try:
                sex = codes.normalise_sex(sex_raw)
            except ValueError as exc:
                cells.add("SEX", str(exc))
        dob = cells.date("DOB", required=True)
        ethnicity = cells.code("ETHNIC", codes.ETHNIC_CODES, "ethnicity", required=False)
        upn = None
        upn_raw = cells.text("UPN", max_len=20)
        if upn_raw is not None:
            compact = normalise_upn(upn_raw)
            if compact not in NO_UPN_CODES:
                problem = upn_problem(compact)
                if problem:
                    cells.add("UPN", problem)
                else:
                    upn = compact
        cells.code("MOTHER", ("0", "1"), "mother", required=False)
        mc_dob = cells.date("MC_DOB")
        if mc_dob is not None and dob is not None and mc_dob < dob:
            cells.add("MC_DOB", f"{fmt(mc_dob)} is before the child's own DOB {fmt(dob)}")
        if ref is None:
            continue
        if ref in children:
            cells.add("CHILD", f"{ref!r} is already on line {children[ref].line}")
            continue
        children[ref] = ChildIn(row.line, ref, sex, dob, ethnicity, upn)
        dobs[ref] = dob
    return children, dobs


def parse_episodes(
    file: File,
    problems: Problems,
    today: date,
    known: dict[str, date | None] | None,
    warnings: list[Problem],
) -> dict[str, dict[date, EpisodeIn]]:
    """Episodes by child and DECOM. ``known`` is header.csv's refs -> DOB (None: unusable)."""
    by_child: dict[str, dict[date, EpisodeIn]] = defaultdict(dict)
    for row in file.rows:
        cells = Cells(file.name, row, problems, today)
        ref = cells.text("CHILD", required=True, max_len=40)
        if ref is not None and known is not None and ref not in known:
            cells.add("CHILD", f"{ref!r} is not in {HEADER_FILE}")
        start = cells.date("DECOM", required=True)
        end = cells.date("DEC")
        values = {
            "rne": cells.code("RNE", RNE_CODES, "reason for new episode"),
            "legal_status": cells.code("LS", codes.LEGAL_STATUSES, "legal status"),
            "cin": cells.code("CIN", CIN_CODES, "category of need", required=False),
            "placement": cells.code("PLACE", codes.PLACEMENT_GROUPS, "placement (PLACE)"),
            "place_provider": cells.code(
                "PLACE_PROVIDER", PLACE_PROVIDER_CODES, "placement provider", required=False
            ),
            "rec": None,
            "reason_place_change": cells.code(
                "REASON_PLACE_CHANGE", codes.REASON_PLACE_CHANGE, "reason for placement change",
                required=False,
            ),
            "home_post": cells.postcode("HOME_POST", warnings),
            "pl_post": cells.postcode("PL_POST", warnings),
            "urn": cells.text("URN", max_len=10),
        }  # fmt: skip
        rec = cells.text("REC", max_len=10)
        if rec is not None:
            rec = rec.upper()
            if not REC_SHAPE.match(rec):
                cells.add("REC", f"{rec!r} is not a reason episode ceased code (E2-E17, X1)")
            elif end is None and "DEC" not in cells.bad:
                cells.add("REC", "is given but DEC is blank (the episode has not ended)")
            else:
                values["rec"] = rec
        elif end is not None and "REC" not in cells.bad:
            cells.add("REC", "is required when the episode has ended (DEC is given)")
        if start is not None and end is not None and end < start:
            cells.add("DEC", f"{fmt(end)} is before DECOM {fmt(start)}")
        dob = known.get(ref) if known is not None and ref is not None else None
        if start is not None and dob is not None and start < dob:
            cells.add("DECOM", f"{fmt(start)} is before the child's DOB {fmt(dob)}")
        if ref is None or start is None:
            continue
        same_day = by_child[ref].get(start)
        if same_day is not None:
            cells.add(
                "DECOM", f"another episode of {ref} starts on {fmt(start)} (line {same_day.line})"
            )
            continue
        dates_ok = not ({"DECOM", "DEC"} & cells.bad)
        by_child[ref][start] = EpisodeIn(row.line, ref, start, end, dates_ok, values)
    return by_child


def parse_reviews(
    file: File,
    problems: Problems,
    today: date,
    known: dict[str, date | None] | None,
) -> dict[str, list[ReviewIn]]:
    by_child: dict[str, list[ReviewIn]] = defaultdict(list)
    seen: dict[tuple[str, date], int] = {}
    for row in file.rows:
        cells = Cells(file.name, row, problems, today)
        ref = cells.text("CHILD", required=True, max_len=40)
        if ref is not None and known is not None and ref not in known:
            cells.add("CHILD", f"{ref!r} is not in {HEADER_FILE}")
        dob = cells.date("DOB")
        header_dob = known.get(ref) if known is not None and ref is not None else None
        if dob is not None and header_dob is not None and dob != header_dob:
            cells.add("DOB", f"{fmt(dob)} differs from {HEADER_FILE} ({fmt(header_dob)})")
        # The review date and code are judged by the 903 rules (166/167) later, with the rest.
        raw_date = cells.get("REVIEW")
        raw_code = cells.get("REVIEW_CODE")
        review_date = parse_date(raw_date) if raw_date else None
        if review_date is not None and review_date > today:
            cells.add("REVIEW", f"{fmt(review_date)} is in the future")
        elif review_date is not None and (problem := date_problem(RECORD, review_date, today)):
            cells.add("REVIEW", problem)
        if ref is None or raw_date is None or raw_code is None:
            continue
        if review_date is not None:
            earlier = seen.get((ref, review_date))
            if earlier is not None:
                cells.add("REVIEW", f"a review of {ref} on {fmt(review_date)} is on line {earlier}")
                continue
            seen[(ref, review_date)] = row.line
        by_child[ref].append(
            ReviewIn(row.line, ref, review_date, raw_date, raw_code.strip().upper())
        )
    return by_child
