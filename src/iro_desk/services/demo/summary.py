"""What the demo generator wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DemoSummary:
    """What the generator wrote, for the CLI to print and for benchmarks."""

    seed: int
    as_of: date
    history_from: date
    iros: int
    fte: float
    children: int
    looked_after_now: int
    cp_now: int
    care_periods: int
    episodes: int
    reviews: int
    conferences: int
    conference_reports: int
    visits: int
    enquiries: int
    compliance_forms: int
    resolution_cases: int
    rota_days: int
    rows: int

    def lines(self) -> list[str]:
        return [
            f"Demo unit as of {self.as_of} (seed {self.seed}), history from {self.history_from}",
            f"IROs: {self.iros} ({self.fte:g} FTE)",
            f"Children: {self.children:,} ({self.looked_after_now:,} looked after and "
            f"{self.cp_now:,} on CP plans now)",
            f"Periods of care: {self.care_periods:,}; episodes: {self.episodes:,}",
            f"Looked After Reviews: {self.reviews:,}",
            f"CP conferences: {self.conferences:,} with {self.conference_reports:,} agency reports",
            f"Visits: {self.visits:,}",
            f"Duty rota days: {self.rota_days:,}; enquiries: {self.enquiries:,}",
            f"Compliance forms: {self.compliance_forms:,}; resolution cases: "
            f"{self.resolution_cases:,}",
            f"Rows written: {self.rows:,}",
        ]
