"""Looked After Reviews (reg 33), short-break (reg 48) and secure reviews."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta

from iro_desk.rules.reviews import (
    lar_due,
    secure_review_due,
    short_break_due,
)
from iro_desk.services.demo.base import BuilderBase, Candidate, Kid, Segment
from iro_desk.services.demo.proportions import BROUGHT_FORWARD, ON_TIME
from iro_desk.services.demo.words import CHILD_VIEWS


class Reviews(BuilderBase):
    """The review meetings of a period of care, each on its statutory clock."""

    # -- Looked After Reviews -------------------------------------------------------------

    def lar_chain(
        self,
        kid: Kid,
        period_id: uuid.UUID,
        start: date,
        last_day: date,
        segments: list[Segment],
    ) -> None:
        """Reviews on the reg 33 clock: each due from the one before (rules.reviews.lar_due)."""
        rng = self.rng
        assert kid.dob is not None
        held: list[date] = []
        while True:
            due = lar_due(start, held, self.cal).date
            previous = held[-1] if held else start
            r = rng.random()
            brought_forward = False
            if held and r < BROUGHT_FORWARD:
                gap = (due - previous).days
                day = self.on_or_before(previous + timedelta(days=int(gap * rng.uniform(0.3, 0.8))))
                brought_forward = True
            elif r < ON_TIME:
                day = self.on_or_before(due - timedelta(days=int(rng.expovariate(1 / 6))))
            else:
                day = self.on_or_after(due + timedelta(days=self.ri(1, 12)))
            if day <= previous:
                day, brought_forward = due, False
            if day > last_day:
                return
            iro = self.iro_on(segments, day)
            self.review(kid, period_id, "LAR", day, iro, brought_forward, len(held), previous)
            held.append(day)

    def short_break_reviews(
        self,
        kid: Kid,
        period_id: Callable[[date], uuid.UUID | None],
        first_break: date,
        last_day: date,
        segments: list[Segment],
    ) -> None:
        def due(held: list[date]) -> date:
            return short_break_due(first_break, held).date

        self.clock_reviews(kid, period_id, "SHORTBREAK", first_break, last_day, segments, due, 15)

    def secure_reviews(
        self,
        kid: Kid,
        period_id: uuid.UUID,
        placed: date,
        last_day: date,
        segments: list[Segment],
    ) -> None:
        def due(held: list[date]) -> date:
            return secure_review_due(placed, held, self.ts).date

        self.clock_reviews(kid, period_id, "SECURE", placed, last_day, segments, due, 10)

    def clock_reviews(
        self,
        kid: Kid,
        period_id: uuid.UUID | Callable[[date], uuid.UUID | None],
        kind: str,
        since: date,
        last_day: date,
        segments: list[Segment],
        due_after: Callable[[list[date]], date],
        early_days: int,
    ) -> None:
        """Reviews on a simple clock: each held up to ``early_days`` before it is due.
        A series of short breaks has one clock over many periods: ``period_id`` then
        gives the period a review belongs to from its day."""
        held: list[date] = []
        while True:
            due = due_after(held)
            day = self.on_or_before(due - timedelta(days=self.ri(0, early_days)))
            previous = held[-1] if held else since
            if day <= previous:
                day = due
            if day > last_day:
                return
            iro = self.iro_on(segments, day)
            period = period_id(day) if callable(period_id) else period_id
            self.review(kid, period, kind, day, iro, False, len(held), previous)
            held.append(day)

    def review(
        self,
        kid: Kid,
        period_id: uuid.UUID | None,
        kind: str,
        day: date,
        iro: uuid.UUID,
        brought_forward: bool,
        index: int,
        previous: date,
    ) -> None:
        rng = self.rng
        assert kid.dob is not None
        meeting_id = self.uid()
        decisions = self.wd(day, self.ri(1, 5) if rng.random() < 0.9 else self.ri(6, 10))
        record = self.wd(day, self.ri(8, 20) if rng.random() < 0.85 else self.ri(21, 35))
        self.sink.add(
            "meeting",
            {
                "id": meeting_id,
                "kind": kind,
                "meeting_date": day,
                "chair_iro_id": iro,
                "brought_forward": brought_forward,
                "decisions_circulated": decisions if decisions <= self.as_of else None,
                "record_circulated": record if record <= self.as_of else None,
                "notes": "",
            },
        )
        code = self.pn_code(kid.dob, day)
        views = rng.choice(CHILD_VIEWS) if code in ("PN1", "PN6") and rng.random() < 0.3 else ""
        self.sink.add(
            "meeting_child",
            {
                "id": self.uid(),
                "meeting_id": meeting_id,
                "child_id": kid.id,
                "kind": kind,
                "meeting_date": day,
                "period_id": period_id,
                "cp_plan_id": None,
                "participation": code,
                "cp_took_part": None,
                "cp_method": None,
                "views": views,
            },
        )
        if kind != "LAR":
            return
        self.reviews += 1
        if day < self.start:
            return
        candidate = Candidate(kid.id, kid.dob, day, previous, iro)
        if day > self.as_of - timedelta(days=365) and rng.random() < 0.5:
            self.compliance_form(candidate, meeting_id, index)
        if rng.random() < 0.3:
            self.visit_candidates.append(candidate)
        if candidate.concerns:
            self.form_candidates.append(candidate)
        elif rng.random() < 0.12:
            self.resolution_candidates.append(candidate)
