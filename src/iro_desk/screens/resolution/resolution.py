"""F6: open Issues Resolution cases, the stage each is at and when that stage is due."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from iro_desk.screens.work_list import WorkListScreen
from iro_desk.services.resolution import CaseSummary
from iro_desk.services.resolution_actions import open_case_list
from iro_desk.widgets.child_format import day, first_line, styled


def issue_summary(issue: str, width: int = 60) -> str:
    """The issue on one line; a heading such as "Concerns from the form ...:" is skipped
    when items follow it, so the list shows what the concerns are."""
    lines = [line.strip() for line in issue.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        lines = [line.lstrip("- ") for line in lines[1:]]
    return first_line(" ".join(lines), width)


class ResolutionScreen(WorkListScreen[CaseSummary]):
    HELP = """\
# Issues Resolution

The open Issues Resolution cases: the stage each has reached (informal, then stage 1
Team Manager up to stage 4 Director), **who holds it** and the date that stage is due
(each stage has a set number of working days, a local setting). Cases **past their
stage's due date are red and listed first**.

- **m** switches between the cases you raised and everyone's.
- **Enter** opens a case: escalate it, resolve it or refer it to Cafcass there.
- **r** reloads the list.

Cases are raised from a child's record or from a compliance form's concerns (**e** on
the form).
"""

    LIST_TITLE = "Open Issues Resolution cases"
    NOUN, ITEM, DUE = "cases", "case", "Stage due"
    EMPTY = "No Issues Resolution cases are open."
    MIDDLE_COLUMNS = [
        ("Stage", "stage"),
        ("Held by", "holder"),
        ("Raised", "raised"),
        ("Issue", "issue"),
    ]

    def fetch(self, who: str | None) -> list[CaseSummary]:
        return open_case_list(self.desk, today=self.iro_app.today, iro_name=who)

    def sort_key(self, case: CaseSummary) -> Any:
        return (not case.overdue, case.due or case.raised, case.child_ref)

    def deadline(self, case: CaseSummary) -> tuple[date | None, bool]:
        return case.due, case.overdue

    def cells(self, case: CaseSummary, style: str) -> list[Any]:
        return [
            styled(f"{case.child_name} ({case.child_ref})", style=style),
            styled(case.stage_label, style=style),
            styled(case.holder or "—"),
            styled(day(case.raised)),
            styled(issue_summary(case.issue)),
            styled(case.iro_name),
        ]

    def key(self, case: CaseSummary) -> str:
        return str(case.id)

    def heading(self, whose: str, count: str, overdue: int) -> str:
        return f"{whose} open cases: {count} · {overdue} past their stage's date"

    def open_item(self, key: str) -> None:
        self.iro_app.open_case(uuid.UUID(key))
