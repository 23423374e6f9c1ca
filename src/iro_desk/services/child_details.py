"""Correcting a child's details: names, notes and the 903 details (MOTHER, MC_DOB, the
UPN reason code), each change audited old and new."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from iro_desk.db.models import Child
from iro_desk.rules.plausible import BIRTH
from iro_desk.rules.typed_dates import TypedDateError, parse_typed_date
from iro_desk.services.audit import change
from iro_desk.services.children import child_by_ref, name_key
from iro_desk.services.context import Ctx
from iro_desk.services.record_checks import clear_for_child
from iro_desk.services.validate import Checker

NO_UPN_CODES = ("UN1", "UN2", "UN3", "UN4", "UN5")  # as the 903 return lists them

EDITABLE = {"first_name": 100, "last_name": 100, "notes": 20_000}


def update_child(session: Session, ctx: Ctx, ref: str, **changes: str | None) -> Child:
    """Change only the fields given (None leaves a field as it is)."""
    check = Checker()
    wanted: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            check.add(name, "cannot be changed here")
        elif value is not None:
            wanted[name] = check.text(name, value, max_len=EDITABLE[name])
    check.done()
    child = child_by_ref(session, ref)
    before = {name: getattr(child, name) for name in wanted}
    moved = {name: value for name, value in wanted.items() if before[name] != value}
    if not moved:
        return child
    for name, value in moved.items():
        setattr(child, name, value)
    child.first_key = name_key(child.first_name)
    child.last_key = name_key(child.last_name)
    change(
        session,
        ctx,
        child,
        "child.update",
        ref=child.ref,
        changed={name: [before[name], value] for name, value in moved.items()},
    )
    session.flush()
    return child


def update_903_details(
    session: Session,
    ctx: Ctx,
    ref: str,
    *,
    mother: str | None = None,
    mc_dob: str | None = None,
    upn_reason: str | None = None,
) -> Child:
    """Set what the 903 return needs beyond the desk's own record. None leaves a field as
    it is; "" clears it. ``mother`` is 1 or 0, ``mc_dob`` YYYY-MM-DD, ``upn_reason``
    UN1-UN5. The child's open import findings on a field so corrected are cleared."""
    check = Checker()
    child = child_by_ref(session, ref)
    wanted: dict[str, Any] = {}
    if mother is not None:
        code = check.choice("mother", mother.strip(), ("1", "0"), required=False)
        wanted["mother"] = None if code is None else code == "1"
    if mc_dob is not None:
        wanted["mc_dob"] = _checked_day(check, mc_dob.strip(), child.dob, ctx.today)
    if upn_reason is not None:
        wanted["upn_reason"] = check.choice(
            "upn_reason", upn_reason.strip().upper(), NO_UPN_CODES, required=False
        )
        if wanted["upn_reason"] and child.upn:
            check.add("upn_reason", f"{child.ref} has a UPN; a reason code is for none")
    check.done()
    before = {name: getattr(child, name) for name in wanted}
    moved = {name: value for name, value in wanted.items() if before[name] != value}
    if moved:
        for name, value in moved.items():
            setattr(child, name, value)
        change(
            session, ctx, child, "child.update", ref=child.ref,
            changed={name: [before[name], value] for name, value in moved.items()},
        )  # fmt: skip
    rules = {"mother": ("MOTHER",), "mc_dob": ("MC_DOB",), "upn_reason": ("UPN", "UPN_LA")}
    clear_for_child(session, ctx.user, child.ref, [r for n in wanted for r in rules[n]])
    session.flush()
    return child


def _checked_day(check: Checker, text: str, dob: date | None, today: date) -> date | None:
    if not text:
        return None
    try:
        day = parse_typed_date(text)
    except TypedDateError as exc:
        check.add("mc_dob", str(exc))
        return None
    check.not_future("mc_dob", day, today)
    check.plausible("mc_dob", day, BIRTH, today)
    if dob is not None and day < dob:
        check.add("mc_dob", f"{day.isoformat()} is before the young woman's own DOB {dob}")
    return day
