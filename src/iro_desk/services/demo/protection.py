"""Child protection: strategy discussions, CP plans and conferences."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from iro_desk.rules import clocks, codes
from iro_desk.rules.dates import age_on
from iro_desk.rules.reviews import (
    ReviewKind,
    icpc_due,
    rcpc_due,
)
from iro_desk.services.demo.base import BuilderBase, Kid, Segment, cumulative_weights
from iro_desk.services.demo.proportions import (
    AGENCY_ON_TIME,
    CP_ENDED_NEW_PER_170,
    CP_ENDED_OLD_PER_170,
    REPORT_NEVER,
)
from iro_desk.services.demo.words import SURNAMES


class ChildProtection(BuilderBase):
    """CP plans for families (siblings share conferences), with agency reports."""

    # -- child protection -----------------------------------------------------------------

    def child_protection(self) -> None:
        targets = (
            ("open", self.n_cp),
            ("ended_old", round(CP_ENDED_OLD_PER_170 * self.f_cp)),
            ("ended_new", round(CP_ENDED_NEW_PER_170 * self.f_cp)),
        )
        for group, target in targets:
            count = 0
            while count < target:
                count += self.cp_family(group)
        for _ in range(max(1, round(2 * self.f_cp))):
            self.cp_family("strategy")

    def family_ages(self) -> list[int]:
        size = self.pick("family")
        eldest = self.age_years(self.pick("cp_age"))
        ages = [eldest]
        while len(ages) < size:
            younger = ages[-1] - self.ri(1, 4)
            if younger < 0:
                break
            ages.append(younger)
        return ages

    def icpc_after(self, strategy: date) -> date:
        """Most ICPCs within 15 WD of the strategy discussion (rules.reviews.icpc_due)."""
        due = icpc_due(strategy, self.cal).date
        if self.rng.random() < 0.85:
            day = self.on_or_before(due - timedelta(days=self.ri(0, 10)))
            return max(day, self.wd(strategy, 1))
        return self.on_or_after(due + timedelta(days=self.ri(1, 14)))

    def rcpc_chain(self, icpc: date, limit: date) -> list[date]:
        held: list[date] = []
        while True:
            due = rcpc_due(icpc, held).date
            if self.rng.random() < 0.92:
                day = self.on_or_before(due - timedelta(days=self.ri(0, 12)))
            else:
                day = self.on_or_after(due + timedelta(days=self.ri(1, 15)))
            if day <= (held[-1] if held else icpc):
                day = due
            if day > limit:
                return held
            held.append(day)

    def cp_family(self, group: str) -> int:
        """One family's CP episode (siblings share conferences); returns children added."""
        rng, a, h = self.rng, self.as_of, self.start
        if group == "strategy":
            strategy = self.cal.subtract_working_days(a, self.ri(0, 18))
        elif group == "open":
            if rng.random() < 0.03:
                strategy = h - timedelta(days=self.ri(20, 400))
            else:
                back = min(int(rng.expovariate(1 / 250)), (a - h).days - 1)
                strategy = a - timedelta(days=back + 21)
        elif group == "ended_old":
            strategy = h - timedelta(days=self.ri(20, 500))
        else:
            # Ended plans had time for a review conference (or ended at the ICPC).
            strategy = self.day_between(h, a - timedelta(days=150))
        strategy = self.on_or_before(strategy)
        icpc = None if group == "strategy" else self.icpc_after(strategy)
        if icpc is not None and icpc > a:
            icpc = None  # not held yet: the family is still waiting for its ICPC
        ages = self.family_ages()
        last_name = rng.choice(SURNAMES)
        anchor = icpc or a
        # Dates of the conferences and the plan's end.
        plan = icpc is not None and not (group == "ended_new" and rng.random() < 0.1)
        rcpcs = self.rcpc_chain(icpc, a - timedelta(days=1)) if icpc and plan else []
        end, outcome = None, None
        if icpc is not None and not plan:
            end, outcome = icpc, "no plan at ICPC"
        elif group in ("ended_old", "ended_new") and icpc is not None:
            end, outcome, rcpcs = self.cp_ending(icpc, rcpcs)
        kids: list[Kid] = []
        for i, age in enumerate(ages):
            dob = self.dob_for_age(age, anchor)
            if i == len(ages) - 1 and age == 0 and rng.random() < 0.3:
                dob = anchor + timedelta(days=self.ri(10, 120))  # pre-birth conference
            if dob > a:
                kids.append(
                    self.add_child(dob=None, last_name=last_name, expected_dob=dob, in_care=False)
                )
            else:
                kids.append(self.add_child(dob=dob, last_name=last_name, in_care=False))
        segments = self.cp_allocation(kids, strategy, end)
        category = self.pick("cat") if plan else None
        plan_ids = []
        for kid in kids:
            plan_id = self.uid()
            plan_ids.append(plan_id)
            self.sink.add(
                "cp_plan",
                {
                    "id": plan_id,
                    "child_id": kid.id,
                    "strategy_date": strategy,
                    "icpc_date": icpc,
                    "start_date": icpc if plan else None,
                    "category": category,
                    "end_date": end,
                    "outcome": outcome,
                },
            )
        if icpc is not None:
            self.conference("ICPC", icpc, kids, plan_ids, segments)
        for day in rcpcs:
            self.conference("RCPC", day, kids, plan_ids, segments)
        if group == "open" and icpc is not None:
            self.cp_now += len(kids)
        return len(kids)

    def cp_ending(self, icpc: date, rcpcs: list[date]) -> tuple[date, str, list[date]]:
        """Where an ended plan stops: at an RCPC (mostly), or between (transferred out)."""
        rng, a, h = self.rng, self.as_of, self.start
        in_history = [d for d in rcpcs if d >= h]
        if in_history and rng.random() < 0.95:
            weights = [0.35, 0.35, 0.2, 0.1]
            index = rng.choices(range(4), weights=weights)[0]
            index = min(index, len(in_history) - 1)
            end = in_history[index]
            outcome = "CIN plan" if rng.random() < 0.96 else "Closed / transferred to OLA"
            return end, outcome, [d for d in rcpcs if d <= end]
        end = self.day_between(max(icpc, h) + timedelta(days=10), a - timedelta(days=1))
        return end, "Closed / transferred to OLA", [d for d in rcpcs if d < end]

    def cp_allocation(
        self, kids: list[Kid], strategy: date, end: date | None, iro: uuid.UUID | None = None
    ) -> list[Segment]:
        iro = iro or self.pick_iro()
        first = self.wd(strategy, self.ri(0, 3))
        if end is not None and first >= end:
            first = strategy
        segments: list[Segment] = [(first, end, iro)]
        for kid in kids:
            self.sink.add(
                "allocation",
                {
                    "id": self.uid(),
                    "child_id": kid.id,
                    "iro_id": iro,
                    "start_date": first,
                    "end_date": end,
                },
            )
        return segments

    def cp_before_care(self, kid: Kid, care_start: date) -> None:
        """A CP plan that ended when the child became looked after (outcome: LAC)."""
        assert kid.dob is not None
        icpc = self.on_or_before(care_start - timedelta(days=self.ri(40, 420)))
        if icpc < kid.dob - timedelta(days=90):
            return
        strategy = self.cal.subtract_working_days(icpc, self.ri(5, 15))
        rcpcs = self.rcpc_chain(icpc, care_start - timedelta(days=1))
        segments = self.cp_allocation([kid], strategy, care_start)
        plan_id = self.uid()
        self.sink.add(
            "cp_plan",
            {
                "id": plan_id,
                "child_id": kid.id,
                "strategy_date": strategy,
                "icpc_date": icpc,
                "start_date": icpc,
                "category": self.pick("cat"),
                "end_date": care_start,
                "outcome": "Looked after / legal proceedings",
            },
        )
        self.conference("ICPC", icpc, [kid], [plan_id], segments)
        for day in rcpcs:
            self.conference("RCPC", day, [kid], [plan_id], segments)

    def conference(
        self,
        kind: str,
        day: date,
        kids: list[Kid],
        plan_ids: list[uuid.UUID],
        segments: list[Segment],
    ) -> None:
        rng = self.rng
        meeting_id = self.uid()
        self.conferences += 1
        self.sink.add(
            "meeting",
            {
                "id": meeting_id,
                "kind": kind,
                "meeting_date": day,
                "chair_iro_id": self.iro_on(segments, day),
                "brought_forward": False,
                "decisions_circulated": None,
                "record_circulated": None,
                "notes": "",
            },
        )
        took_part_p = 0.62 if kind == "ICPC" else 0.76
        for kid, plan_id in zip(kids, plan_ids, strict=True):
            took_part, method = None, None
            if kid.dob is not None and age_on(kid.dob, day) >= 4:
                took_part = rng.random() < took_part_p
                if took_part:
                    method = self.cp_method(age_on(kid.dob, day))
            self.sink.add(
                "meeting_child",
                {
                    "id": self.uid(),
                    "meeting_id": meeting_id,
                    "child_id": kid.id,
                    "kind": kind,
                    "meeting_date": day,
                    "period_id": None,
                    "cp_plan_id": plan_id,
                    "participation": None,
                    "cp_took_part": took_part,
                    "cp_method": method,
                    "views": "",
                },
            )
        review_kind = ReviewKind.ICPC if kind == "ICPC" else ReviewKind.RCPC
        due = clocks.conference_reports_due(day, review_kind, self.cal, self.ts)
        for agency, on_time in AGENCY_ON_TIME.items():
            r = rng.random()
            if r < on_time:
                received = self.cal.subtract_working_days(due, self.ri(0, 8))
            elif r < 1 - REPORT_NEVER:
                received = self.day_between(due + timedelta(days=1), day)
            else:
                received = None
            self.sink.add(
                "conference_report",
                {
                    "id": self.uid(),
                    "meeting_id": meeting_id,
                    "agency": agency,
                    "due_date": due,
                    "received_date": received,
                },
            )

    def cp_method(self, age: int) -> str:
        # Younger children draw or do direct work; teenagers attend or write.
        if age >= 12:
            options = {"attended": 30, "consultation_form": 25, "written": 20, "advocate": 15,
                       "direct_work": 10}  # fmt: skip
        else:
            options = {"direct_work": 35, "drawings": 30, "consultation_form": 25,
                       "advocate": 10}  # fmt: skip
        keys, cum = cumulative_weights(options)
        method = self.rng.choices(keys, cum_weights=cum)[0]
        assert method in codes.CP_PARTICIPATION_METHODS
        return method
