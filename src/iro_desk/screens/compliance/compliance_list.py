"""F5: compliance forms sent to Team Managers and still waiting for their response."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from iro_desk.screens.work_list import WorkListScreen
from iro_desk.services.compliance import FormSummary
from iro_desk.services.compliance_actions import forms_awaiting
from iro_desk.widgets.child_format import day, styled


class ComplianceListScreen(WorkListScreen[FormSummary]):
    HELP = """\
# Compliance forms awaiting a response

Every compliance form that has been sent to a Team Manager and not yet answered, with
the date the response is due. Forms whose response is **overdue are red and listed
first**, then the rest, soonest due first.

- **m** switches between your forms and everyone's (yours first, if you are an IRO).
- **Enter** opens the form: record the Team Manager's response there, or escalate its
  concerns to Issues Resolution.
- **r** reloads the list.

New forms are started from a child's record after a review or conference.
"""

    LIST_TITLE = "Compliance forms awaiting a response"
    NOUN, ITEM = "forms", "form"
    EMPTY = "No forms are waiting for a Team Manager's response."
    MIDDLE_COLUMNS = [
        ("Team Manager", "tm"),
        ("Meeting", "meeting"),
        ("Sent", "sent"),
        ("Concerns", "concerns"),
    ]

    def fetch(self, who: str | None) -> list[FormSummary]:
        return forms_awaiting(self.desk, iro_name=who)

    def sort_key(self, form: FormSummary) -> Any:
        # Overdue first (oldest due first), then the rest soonest due first.
        return (not form.overdue, form.response_due or form.sent_date, form.child_ref)

    def deadline(self, form: FormSummary) -> tuple[date | None, bool]:
        return form.response_due, form.overdue

    def cells(self, form: FormSummary, style: str) -> list[Any]:
        return [
            styled(f"{form.child_name} ({form.child_ref})", style=style),
            styled(form.team_manager),
            styled(f"{form.meeting_kind} {day(form.meeting_date)}"),
            styled(day(form.sent_date)),
            styled(str(form.concerns) if form.concerns else ""),
            styled(form.iro_name),
        ]

    def key(self, form: FormSummary) -> str:
        return str(form.id)

    def heading(self, whose: str, count: str, overdue: int) -> str:
        return f"{whose} forms awaiting a response: {count} · {overdue} overdue"

    def open_item(self, key: str) -> None:
        self.iro_app.open_form("compliance", form_id=uuid.UUID(key))
