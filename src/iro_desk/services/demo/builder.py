"""The demo builder: the unit's parts, built in order from one seeded generator."""

from __future__ import annotations

from iro_desk.services.demo.care import CareHistories
from iro_desk.services.demo.children import Children
from iro_desk.services.demo.enquiries import Enquiries
from iro_desk.services.demo.iros import IrosAndRota
from iro_desk.services.demo.protection import ChildProtection
from iro_desk.services.demo.quality import ComplianceAndResolution
from iro_desk.services.demo.reviews import Reviews
from iro_desk.services.demo.summary import DemoSummary
from iro_desk.services.demo.visits import Visits


class DemoBuilder(
    IrosAndRota,
    Children,
    CareHistories,
    Reviews,
    ComplianceAndResolution,
    ChildProtection,
    Visits,
    Enquiries,
):
    """Builds the unit part by part (IROs, care, CP, visits, resolution, duty desk).

    Each part is a mixin over ``BuilderBase`` in its own module; they call one another
    through ``self`` (a period of care writes its reviews, a review its compliance form).
    """

    # -- build ----------------------------------------------------------------------------

    def build(self) -> DemoSummary:
        self.say(f"IROs for {self.n_total:,} children")
        self.make_iros()
        self.say("Looked-after children, episodes and reviews")
        self.looked_after()
        self.say("Child protection plans and conferences")
        self.child_protection()
        self.say("Visits")
        self.visits()
        self.say("Issues Resolution cases")
        self.resolution_cases()
        self.say("Duty rota and enquiries")
        rota = self.rota()
        self.enquiries(rota)
        self.say("Writing the last rows")
        self.sink.flush()
        c = self.sink.counts
        return DemoSummary(
            seed=self.seed,
            as_of=self.as_of,
            history_from=self.start,
            iros=len(self.iros),
            fte=round(self.fte, 1),
            children=c["child"],
            looked_after_now=self.looked_after_now,
            cp_now=self.cp_now,
            care_periods=c["care_period"],
            episodes=c["episode"],
            reviews=self.reviews,
            conferences=self.conferences,
            conference_reports=c["conference_report"],
            visits=c["visit"],
            enquiries=c["enquiry"],
            compliance_forms=c["compliance_form"],
            resolution_cases=c["resolution_case"],
            rota_days=c["rota_day"],
            rows=sum(c.values()) + 1,  # + the audit event
        )
