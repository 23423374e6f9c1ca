"""Where the desk's screens are: the main screens (modes, F2-F6), the forms screens open
through the app (so no screen imports another), and the drafts offered back at start.
Screens are imported when first shown, which keeps the first paint quick."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from textual.screen import Screen


def _duty() -> Screen:
    from iro_desk.screens.duty.duty_desk import DutyDeskScreen

    return DutyDeskScreen()


def _caseload() -> Screen:
    from iro_desk.screens.children.caseload import CaseloadScreen

    return CaseloadScreen()


def _rota() -> Screen:
    from iro_desk.screens.duty.rota import RotaScreen

    return RotaScreen()


def _forms() -> Screen:
    from iro_desk.screens.compliance.compliance_list import ComplianceListScreen

    return ComplianceListScreen()


def _resolution() -> Screen:
    from iro_desk.screens.resolution.resolution import ResolutionScreen

    return ResolutionScreen()


def _reports() -> Screen:
    from iro_desk.screens.reports.report_screen import ReportScreen

    return ReportScreen()


# mode name -> (title for the palette, help line, factory)
MODES: dict[str, tuple[str, str, Callable[[], Screen]]] = {
    "duty": ("Duty desk", "Today's duty IRO, enquiries, follow-ups and LADO clocks", _duty),
    "caseload": ("Caseload", "Children, next reviews and deadlines", _caseload),
    "rota": ("Rota", "Who is on duty: week and month", _rota),
    "forms": ("Compliance forms", "Forms awaiting the Team Manager's response", _forms),
    "resolution": ("Issues Resolution", "Open cases, stages and deadlines", _resolution),
    "reports": ("Reports", "The annual report: figures, charts, and the HTML", _reports),
}


# The forms screens open through the app (name -> module, class): screens never import
# one another, and a form is imported when first opened.
FORMS: dict[str, tuple[str, str]] = {
    "compliance": ("iro_desk.screens.compliance.compliance_form", "ComplianceFormScreen"),
    "review": ("iro_desk.screens.children.review_form", "ReviewFormScreen"),
    "visit": ("iro_desk.screens.children.visit_form", "VisitFormScreen"),
    "raise_case": ("iro_desk.screens.resolution.raise_case", "RaiseCaseScreen"),
    "enquiry": ("iro_desk.screens.duty.enquiry_form", "EnquiryFormScreen"),
    "enquiry_detail": ("iro_desk.screens.duty.enquiry_detail", "EnquiryDetailScreen"),
    "child_903": ("iro_desk.screens.children.child_903_form", "Child903FormScreen"),
    "enquiries": ("iro_desk.screens.duty.enquiries", "EnquiriesScreen"),
    "case": ("iro_desk.screens.resolution.resolution_case", "CaseScreen"),
}


def _compliance_args(key: str) -> dict[str, Any]:
    # A saved form's draft is keyed by its id; a new form's by "new:" and the child.
    if key.startswith("new:"):
        return {"child_ref": key.removeprefix("new:")}
    return {"form_id": uuid.UUID(key)}


def _case_step_args(key: str) -> dict[str, Any]:
    # A step's draft is keyed "<case id>:<step>": the case opens, then the step over it.
    case_id, _, step = key.partition(":")
    return {"case_id": uuid.UUID(case_id), "step": step}


# The drafts offered back at start: kind -> (what it is, its form, the form's arguments).
DRAFT_FORMS: dict[str, tuple[str, str, Callable[[str], dict[str, Any]]]] = {
    "visit": ("a visit to {key}", "visit", lambda key: {"ref": key}),
    "enquiry": ("a safeguarding enquiry", "enquiry", lambda key: {}),
    "review": ("a review for {key}", "review", lambda key: {"ref": key}),
    "compliance": ("a compliance form", "compliance", _compliance_args),
    "raise_case": (
        "an Issues Resolution case for {key}",
        "raise_case",
        lambda key: {"child_ref": key},
    ),
    "case_step": ("a step in an Issues Resolution case", "case", _case_step_args),
}

CHILD_SCREEN = "child"
# Warm the most used screens first, one at a time, once the first screen shows its data:
# the caseload (and its data), then the child screen it opens, then the other modes.
WARM_UP_ORDER = ("caseload", CHILD_SCREEN, "rota", "forms", "resolution", "duty")
WARM_MODES = tuple(name for name in WARM_UP_ORDER if name in MODES)
WARM_UP_DELAY = 0.5  # seconds from the first screen's data to the first screen built
WARM_UP_STEP = 0.25  # seconds between screens: keys pressed meanwhile are not kept waiting

# Sync, only on a laptop replica with a server: on start, this often, and soon after a save.
