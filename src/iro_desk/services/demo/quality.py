"""The IRO's quality assurance: compliance forms and Issues Resolution cases."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from iro_desk.rules import clocks, codes
from iro_desk.rules.dates import age_on
from iro_desk.services import compliance, resolution
from iro_desk.services.demo.base import BuilderBase, Candidate
from iro_desk.services.demo.proportions import (
    HISTORY_YEARS,
    RESOLUTION_CASES_PER_310,
    RESOLUTION_FROM_FORMS_SHARE,
)
from iro_desk.services.demo.words import (
    ISSUES,
    NO_COMMENTS,
    RESPONSES,
    STAGE_HOLDERS,
    TEAM_MANAGERS,
)


class ComplianceAndResolution(BuilderBase):
    """Compliance forms after reviews and the resolution cases some of them lead to."""

    # -- compliance forms -----------------------------------------------------------------

    def compliance_form(self, c: Candidate, meeting_id: uuid.UUID, index: int) -> None:
        """The IRO's QA form after the review, sent to the Team Manager."""
        rng, a = self.rng, self.as_of
        form_id = self.uid()
        sent = self.wd(c.review, self.ri(1, 6))
        team_manager = rng.choice(TEAM_MANAGERS)
        status, due, responded, response = compliance.DRAFT, None, None, ""
        if sent <= a:
            status = compliance.SENT
            due = clocks.compliance_response_due(sent, self.cal, self.ts)
            r = rng.random()
            if r < 0.78:
                responded = self.wd(sent, self.ri(1, self.ts.compliance_response_wd))
            elif r < 0.9:
                responded = self.wd(sent, self.ts.compliance_response_wd + self.ri(1, 10))
            if responded is not None and responded > a:
                responded = None
            if responded is not None:
                status, response = compliance.ANSWERED, rng.choice(RESPONSES)
        else:
            sent = None
        self.sink.add(
            "compliance_form",
            {
                "id": form_id,
                "meeting_id": meeting_id,
                "child_id": c.child_id,
                "iro_id": c.iro,
                "meeting_kind": "LAR",
                "team_manager": team_manager if sent else "",
                "status": status,
                "sent_date": sent,
                "response_due": due,
                "response_date": responded,
                "response": response,
            },
        )
        concerns: list[tuple[str, str]] = []
        for key in codes.COMPLIANCE_ITEMS:
            answer, comment = "yes", ""
            if (key == "permanence_plan" and index == 0) or (
                key == "education_plan" and age_on(c.dob, c.review) < 3
            ):
                answer = "na"
            elif rng.random() < 0.04:
                answer, comment = "no", NO_COMMENTS[key]
                concerns.append((key, comment))
            self.sink.add(
                "compliance_item",
                {
                    "id": self.uid(),
                    "form_id": form_id,
                    "item_key": key,
                    "answer": answer,
                    "comment": comment,
                },
            )
        if sent is not None and concerns:
            c.form_id, c.form_sent, c.team_manager = form_id, sent, team_manager
            c.concerns = tuple(concerns)

    # -- Issues Resolution ----------------------------------------------------------------

    def resolution_cases(self) -> None:
        """~30 cases a year: most resolved informally or at stage 1, a few higher."""
        rng, a = self.rng, self.as_of
        n_cases = round(RESOLUTION_CASES_PER_310 * HISTORY_YEARS * self.f_cla)
        from_forms = min(len(self.form_candidates), round(n_cases * RESOLUTION_FROM_FORMS_SHARE))
        rng.shuffle(self.form_candidates)
        rng.shuffle(self.resolution_candidates)
        chosen = self.form_candidates[:from_forms]
        chosen += self.resolution_candidates[: n_cases - from_forms]
        plans: list[tuple[date, Candidate]] = []
        for c in chosen:
            base = c.form_sent or c.review
            plans.append((min(a, base + timedelta(days=self.ri(0, 10))), c))
        plans.sort(key=lambda p: p[0])
        n_open = min(len(plans), max(2, round(3 * self.f_cla)))
        n_special = max(1, round(self.f_cla))
        open_from = len(plans) - n_open
        cafcass_left = n_special
        overdue_left = n_special
        for i, (raised, c) in enumerate(plans):
            mode = "open" if i >= open_from else "resolved"
            if mode == "open" and overdue_left:
                # Stuck with its holder past the stage's 20 WD; not tied to a recent form.
                mode, overdue_left = "overdue", overdue_left - 1
                raised = self.cal.subtract_working_days(a, self.ri(22, 30))
                c = replace(c, form_id=None, form_sent=None, team_manager="", concerns=())
            elif (
                mode == "resolved"
                and cafcass_left
                and i >= len(plans) // 3
                and raised < a - timedelta(days=180)
            ):
                mode, cafcass_left = "cafcass", cafcass_left - 1
            self.resolution_case(c, raised, mode)

    def resolution_case(self, c: Candidate, raised: date, mode: str) -> None:
        rng, a = self.rng, self.as_of
        case_id = self.uid()
        if c.form_id is not None:
            first_stage = 1
            lines = [
                f"Concerns from the compliance form after the {codes.MEETING_KIND_LABELS['LAR']}:"
            ]
            lines += [f"- {codes.COMPLIANCE_ITEMS[k]} No: {text}" for k, text in c.concerns]
            issue = "\n".join(lines)
            final = rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
        else:
            first_stage = 0
            issue = rng.choice(ISSUES)
            final = rng.choices((0, 1, 2, 3, 4), weights=(45, 33, 13, 7, 2))[0]
        if mode == "cafcass":
            final = max(final, 2)
        if mode == "overdue":
            final = first_stage
        stages: list[dict[str, Any]] = []
        started = raised
        status, resolved, cafcass, outcome = resolution.OPEN, None, None, ""
        for stage in range(first_stage, final + 1):
            due = clocks.resolution_stage_due(started, self.cal, self.ts)
            if stage == 1:
                holder = c.team_manager or rng.choice(TEAM_MANAGERS)
            else:
                holder = STAGE_HOLDERS[stage]
            row = {
                "id": self.uid(),
                "case_id": case_id,
                "stage": stage,
                "holder": holder,
                "started": started,
                "due": due,
                "ended": None,
                "note": "" if stage == first_stage else "Not resolved in time; escalated.",
            }
            stages.append(row)
            if mode in ("open", "overdue") and stage == final:
                break
            if stage < final:
                ended = self.wd(started, self.ri(8, self.ts.resolution_stage_wd))
            elif rng.random() < 0.9:
                ended = self.wd(started, self.ri(2, self.ts.resolution_stage_wd))
            else:
                ended = self.wd(started, self.ts.resolution_stage_wd + self.ri(1, 10))
            if ended > a:
                break  # still with this stage's holder at as_of
            row["ended"] = ended
            started = ended
            if stage == final:
                if mode == "cafcass":
                    status, cafcass = resolution.CAFCASS, ended
                    outcome = (
                        "Referred to Cafcass: the plan has drifted; the child's rights at risk."
                    )
                else:
                    status, resolved = resolution.RESOLVED, ended
                    outcome = "Resolved: actions agreed and completed."
        self.sink.add(
            "resolution_case",
            {
                "id": case_id,
                "child_id": c.child_id,
                "raised_by_iro_id": c.iro,
                "compliance_form_id": c.form_id,
                "issue": issue,
                "raised_date": raised,
                "status": status,
                "outcome": outcome,
                "resolved_date": resolved,
                "cafcass_referred": cafcass,
            },
        )
        for row in stages:
            self.sink.add("resolution_stage", row)
