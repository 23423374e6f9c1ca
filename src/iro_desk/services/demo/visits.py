"""IRO visits to children between and before their reviews."""

from __future__ import annotations

import uuid
from datetime import timedelta

from iro_desk.rules.dates import age_on
from iro_desk.services.demo.base import BuilderBase, Candidate
from iro_desk.services.demo.proportions import (
    HISTORY_YEARS,
    VISITED_CHILDREN_PER_310,
    VISITS_PER_310,
)
from iro_desk.services.demo.words import CHILD_VIEWS


class Visits(BuilderBase):
    """About 90 visits a year to about 80 children, scaled to the unit."""

    # -- visits ---------------------------------------------------------------------------

    def visits(self) -> None:
        """~90 visits a year to ~80 children, scaled to the unit (seed: 88 to 78)."""
        rng, a = self.rng, self.as_of
        for year in range(HISTORY_YEARS):
            top = a - timedelta(days=365 * year)
            bottom = top - timedelta(days=365)
            pool = [c for c in self.visit_candidates if bottom < c.review <= top]
            rng.shuffle(pool)
            n_children = round(VISITED_CHILDREN_PER_310 * self.f_cla)
            n_visits = round(VISITS_PER_310 * self.f_cla)
            chosen: dict[uuid.UUID, Candidate] = {}
            for c in pool:
                if len(chosen) >= n_children:
                    break
                chosen.setdefault(c.child_id, c)
            picked = list(chosen.values())
            for c in picked:
                self.visit(c, self.visit_purpose())
            for c in picked[: max(0, n_visits - len(picked))]:
                self.visit(c, "between_reviews" if rng.random() < 0.7 else "other")

    def visit_purpose(self) -> str:
        r = self.rng.random()
        return "before_review" if r < 0.7 else "between_reviews" if r < 0.9 else "other"

    def visit(self, c: Candidate, purpose: str) -> None:
        rng = self.rng
        gap = (c.review - c.previous).days
        if purpose == "between_reviews" and gap > 40:
            day = c.previous + timedelta(days=self.ri(14, gap - 14))
        elif purpose == "other" and gap > 4:
            day = c.previous + timedelta(days=self.ri(2, gap - 2))
        else:
            purpose = "before_review"
            day = c.review - timedelta(days=self.ri(1, min(14, max(1, gap - 1))))
        day = self.on_or_before(day)
        young = age_on(c.dob, day) < 4
        self.sink.add(
            "visit",
            {
                "id": self.uid(),
                "child_id": c.child_id,
                "iro_id": c.iro,
                "visit_date": day,
                "location": self.pick("location"),
                "purpose": purpose,
                "seen_alone": not young and rng.random() < 0.85,
                "views": "Too young to give views; seen with carer."
                if young
                else rng.choice(CHILD_VIEWS),
                "amends_id": None,
            },
        )
