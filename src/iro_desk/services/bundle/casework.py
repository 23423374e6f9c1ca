"""The casework files: CP plans, visits, the duty rota and enquiries, compliance forms and
issues resolution. Each is a ``Spec`` (generic.py) except cp_plans.csv, whose OUTCOME is
a short code while the desk keeps the outcome in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk.db.models import (
    Child,
    ComplianceForm,
    ComplianceItem,
    CpPlan,
    Enquiry,
    EnquiryUpdate,
    ResolutionCase,
    ResolutionStage,
    RotaDay,
    Visit,
)
from iro_desk.rules import codes
from iro_desk.rules.plausible import AS_OF
from iro_desk.services.bundle.generic import Spec
from iro_desk.services.bundle.store import Refs, Store, load
from iro_desk.services.bundle.table import Col, Line, Problems, cell, parse_line

CP_PLANS = "cp_plans.csv"
OUTCOMES = {
    "closed": "Closed",
    "transferred": "Transferred to another local authority",
    "cin": "CIN plan",
    "lac": "Looked after / legal proceedings",
}
CP_COLS = (
    Col("CHILD", "child", required=True, max_len=40),
    Col("STRATEGY_DATE", "strategy_date", "date", required=True, past=True),
    Col("ICPC_DATE", "icpc_date", "date", past=True),
    Col("START", "start_date", "date", past=True),
    Col("CATEGORY", "category", choices=codes.CP_CATEGORIES),
    Col("END", "end_date", "date", past=True),
    Col("OUTCOME", "outcome_code", choices=tuple(OUTCOMES)),
    Col("OUTCOME_TEXT", "outcome", listed=False, max_len=40, one_line=True),
)


def _key(name: str) -> Col:
    return Col(name, "id", "key", required=True, max_len=100, one_line=True)


def _child(name: str = "CHILD", attr: str = "child_id", required: bool = True) -> Col:
    return Col(name, attr, "child", required=required, max_len=40)


def _iro(name: str, attr: str, required: bool = False) -> Col:
    return Col(name, attr, "iro", required=required, max_len=100)


VISITS = Spec(
    "visits.csv",
    Visit,
    (
        _child(),
        _iro("IRO", "iro_id", required=True),
        Col("DATE", "visit_date", "date", required=True, past=True),
        Col("LOCATION", "location", required=True, choices=codes.VISIT_LOCATIONS),
        Col("SEEN_ALONE", "seen_alone", "bool", required=True),
        Col("PURPOSE", "purpose", required=True, choices=codes.VISIT_PURPOSES),
        Col("VISIT", "id", "key", listed=False, max_len=100, one_line=True),
        Col("AMENDS", "amends_id", "ref", listed=False, ref="visits.csv", max_len=100),
        Col("VIEWS", "views", listed=False),
    ),
    append_only=True,
)
ROTA = Spec(
    "rota.csv",
    RotaDay,
    (
        Col("DAY", "day", "date", required=True, dates=AS_OF),
        _iro("DUTY", "duty_iro_id"),
        _iro("BACKUP", "backup_iro_id"),
    ),
    match=("day",),
)
ENQUIRIES = Spec(
    "enquiries.csv",
    Enquiry,
    (
        _key("ENQUIRY"),
        Col("RECEIVED_AT", "received_at", "datetime", required=True, past=True),
        _iro("TAKEN_BY", "taken_by_iro_id"),
        Col("CALLER_NAME", "caller_name", max_len=100),
        Col("CALLER_ROLE", "caller_role", max_len=100),
        Col("CALLER_AGENCY", "caller_agency", max_len=100),
        Col("CATEGORY", "category", required=True, choices=codes.ENQUIRY_CATEGORIES),
        _child(required=False),
        Col("SUBJECT", "subject", max_len=200),
        Col("SUMMARY", "summary"),
        Col("ACTION", "action"),
        Col("FOLLOW_UP_DUE", "follow_up_due", "date", dates=AS_OF),
        Col("STATUS", "status", required=True, max_len=10, one_line=True),
        Col("LADO_REFERRED", "lado_referred", "date", past=True),
        Col("LADO_MEETING", "lado_meeting", "date", past=True),
    ),
)
ENQUIRY_UPDATES = Spec(
    "enquiry_updates.csv",
    EnquiryUpdate,
    (
        _key("UPDATE"),
        Col("ENQUIRY", "enquiry_id", "ref", required=True, ref="enquiries.csv", max_len=100),
        Col("AT", "created_at", "datetime", required=True, past=True),
        Col("NOTE", "note"),
        Col("STATUS", "status", required=True, max_len=10, one_line=True),
        Col("FOLLOW_UP_DUE", "follow_up_due", "date", dates=AS_OF),
        Col("LADO_REFERRED", "lado_referred", "date", past=True),
        Col("LADO_MEETING", "lado_meeting", "date", past=True),
    ),
    append_only=True,
)
COMPLIANCE_FORMS = Spec(
    "compliance_forms.csv",
    ComplianceForm,
    (
        _key("FORM"),
        Col("MEETING", "meeting_id", "meeting", max_len=100),
        _child(),
        _iro("IRO", "iro_id", required=True),
        Col("MEETING_KIND", "meeting_kind", required=True, choices=codes.MEETING_KINDS),
        Col("TEAM_MANAGER", "team_manager", max_len=100, one_line=True),
        Col("STATUS", "status", required=True, max_len=10, one_line=True),
        Col("SENT", "sent_date", "date", past=True),
        Col("RESPONSE_DUE", "response_due", "date", dates=AS_OF),
        Col("RESPONSE_DATE", "response_date", "date", past=True),
        Col("RESPONSE", "response"),
    ),
)
COMPLIANCE_ITEMS = Spec(
    "compliance_items.csv",
    ComplianceItem,
    (
        Col("FORM", "form_id", "ref", required=True, ref="compliance_forms.csv", max_len=100),
        Col("ITEM", "item_key", required=True, choices=codes.COMPLIANCE_ITEMS),
        Col("ANSWER", "answer", required=True, choices=codes.COMPLIANCE_ANSWERS),
        Col("COMMENT", "comment"),
    ),
    match=("form_id", "item_key"),
)
RESOLUTION_CASES = Spec(
    "resolution_cases.csv",
    ResolutionCase,
    (
        _key("CASE"),
        _child(),
        _iro("RAISED_BY", "raised_by_iro_id", required=True),
        Col("FORM", "compliance_form_id", "ref", ref="compliance_forms.csv", max_len=100),
        Col("ISSUE", "issue", required=True),
        Col("RAISED", "raised_date", "date", required=True, past=True),
        Col("STATUS", "status", required=True, max_len=10, one_line=True),
        Col("OUTCOME", "outcome"),
        Col("RESOLVED", "resolved_date", "date", past=True),
        Col("CAFCASS_REFERRED", "cafcass_referred", "date", past=True),
    ),
)
RESOLUTION_STAGES = Spec(
    "resolution_stages.csv",
    ResolutionStage,
    (
        _key("STAGE_ID"),
        Col("CASE", "case_id", "ref", required=True, ref="resolution_cases.csv", max_len=100),
        Col(
            "STAGE", "stage", "int", required=True, choices=tuple(map(str, codes.RESOLUTION_STAGES))
        ),
        Col("HOLDER", "holder", max_len=100, one_line=True),
        Col("STARTED", "started", "date", required=True, past=True),
        Col("DUE", "due", "date", required=True, dates=AS_OF),
        Col("ENDED", "ended", "date", past=True),
        Col("NOTE", "note"),
    ),
    append_only=True,
)
# In the order they are written: a file's references are written before it.
SPECS = (
    VISITS, ROTA, ENQUIRIES, ENQUIRY_UPDATES, COMPLIANCE_FORMS, COMPLIANCE_ITEMS,
    RESOLUTION_CASES, RESOLUTION_STAGES,
)  # fmt: skip
MODELS = {spec.file: spec.model for spec in SPECS}


# --- cp_plans.csv ------------------------------------------------------------------------


def outcome_code(text: str | None) -> str:
    """The bundle's code for an outcome in words (the words go in OUTCOME_TEXT)."""
    words = (text or "").lower()
    if not words:
        return ""
    if "cin" in words:
        return "cin"
    if "looked after" in words or "lac" in words.split():
        return "lac"
    return "transferred" if "transfer" in words else "closed"


def cp_rows(session: Session) -> Iterator[list[str]]:
    query = select(CpPlan, Child.ref).join(Child, Child.id == CpPlan.child_id)
    for plan, ref in session.execute(query.order_by(Child.ref, CpPlan.strategy_date)):
        yield [
            ref, cell(plan.strategy_date), cell(plan.icpc_date), cell(plan.start_date),
            plan.category or "", cell(plan.end_date), outcome_code(plan.outcome),
            plan.outcome or "",
        ]  # fmt: skip


Parsed = list[tuple[Line, dict[str, Any]]]


def read_cp(lines: list[Line], refs: Refs, today: date, problems: Problems) -> Parsed:
    out: Parsed = []
    seen: dict[tuple, int] = {}
    for line in lines:
        values = parse_line(line, CP_COLS, today, problems)
        slot = (values["child"], values.get("strategy_date"))
        if slot in seen:
            problems.add(line.where, "STRATEGY_DATE", f"repeats line {seen[slot]}")
        seen.setdefault(slot, line.number)
        refs.check_child(values["child"], problems, line.where, "CHILD")
        order = ("STRATEGY_DATE", "ICPC_DATE", "START", "END")
        dated = [
            (c, values.get(a))
            for c, a in zip(
                order, ("strategy_date", "icpc_date", "start_date", "end_date"), strict=True
            )
        ]
        present = [(c, d) for c, d in dated if d is not None]
        for (c1, d1), (c2, d2) in zip(present, present[1:], strict=False):
            if d2 < d1:
                problems.add(line.where, c2, f"{d2} is before {c1} {d1}")
        if values.get("outcome_code") and values.get("end_date") is None:
            problems.add(line.where, "OUTCOME", "is only given when the plan has an END")
        out.append((line, values))
    return out


def write_cp(parsed: Parsed, refs: Refs, store: Store) -> None:
    child_ids = [refs.child(v["child"]) for _, v in parsed]
    held = {
        (p.child_id, p.strategy_date): p
        for p in load(store.session, CpPlan, CpPlan.child_id, child_ids)
    }
    for (_line, values), child_id in zip(parsed, child_ids, strict=True):
        code = values.get("outcome_code")
        words = values.get("outcome") or (OUTCOMES[code] if code else None)
        slot = (child_id, values["strategy_date"])
        wanted = {
            "child_id": child_id,
            "strategy_date": values["strategy_date"],
            "icpc_date": values.get("icpc_date"),
            "start_date": values.get("start_date"),
            "category": values.get("category"),
            "end_date": values.get("end_date"),
            "outcome": words,
        }
        held[slot] = store.put(CP_PLANS, CpPlan, held.get(slot), wanted)  # type: ignore[assignment]
    store.session.flush()
