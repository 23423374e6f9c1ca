"""The demo's IROs and the duty rota they staff."""

from __future__ import annotations

import math
import uuid
from datetime import date, timedelta

from iro_desk.services.demo.base import BuilderBase
from iro_desk.services.demo.proportions import (
    CHILDREN_PER_IRO,
    PART_TIME_EVERY,
    PART_TIME_FTE,
    ROTA_WEEKS_AHEAD,
)
from iro_desk.services.demo.words import IRO_FIRST, IRO_LAST


class IrosAndRota(BuilderBase):
    """IROs (about one per CHILDREN_PER_IRO children, one in seven part-time) and the rota."""

    # -- IROs -----------------------------------------------------------------------------

    def make_iros(self) -> None:
        n = max(2, round(self.n_total / CHILDREN_PER_IRO))
        combos = len(IRO_FIRST) * len(IRO_LAST) // math.gcd(len(IRO_FIRST), len(IRO_LAST))
        for i in range(n):
            first, last = IRO_FIRST[i % len(IRO_FIRST)], IRO_LAST[i % len(IRO_LAST)]
            suffix = f" {i // combos + 1}" if i >= combos else ""
            fte = PART_TIME_FTE if i % PART_TIME_EVERY == PART_TIME_EVERY - 1 else 1.0
            iro_id = self.uid()
            self.sink.add(
                "iro",
                {
                    "id": iro_id,
                    "name": f"{first} {last}{suffix}",
                    "username": f"{first}.{last}{suffix.strip()}".lower(),
                    "fte": fte,
                    "active": True,
                },
            )
            self.iros.append(iro_id)
            self._iro_slots.extend([iro_id] * round(fte * 10))
            self.fte += fte

    def pick_iro(self, other_than: uuid.UUID | None = None) -> uuid.UUID:
        while True:
            iro = self.rng.choice(self._iro_slots)
            if iro != other_than:
                return iro

    # -- duty rota and enquiries ----------------------------------------------------------

    def rota(self) -> dict[date, tuple[uuid.UUID | None, uuid.UUID | None]]:
        """Every working day of the history and the next weeks: a duty IRO and a back-up."""
        rng, a = self.rng, self.as_of
        days: list[date] = []
        day = self.on_or_after(self.start)
        last = a + timedelta(weeks=ROTA_WEEKS_AHEAD)
        while day <= last:
            days.append(day)
            day = self.wd(day, 1)
        n = len(self.iros)
        future = [d for d in days if d > a]
        gaps = set(rng.sample(future, min(3, len(future))))
        out: dict[date, tuple[uuid.UUID | None, uuid.UUID | None]] = {}
        for i, day in enumerate(days):
            duty_iro: uuid.UUID | None = self.iros[i % n]
            backup: uuid.UUID | None = self.iros[(i + 1 + (i // n) % (n - 1)) % n]
            if day in gaps:
                # Not yet covered: the first gap has nobody, the others no back-up.
                if day == min(gaps):
                    duty_iro = None
                backup = None
            out[day] = (duty_iro, backup)
            self.sink.add(
                "rota_day",
                {"id": self.uid(), "day": day, "duty_iro_id": duty_iro, "backup_iro_id": backup},
            )
        return out
