"""The demo builder's shared state and its small helpers (the seeded draws, dates)."""

from __future__ import annotations

import math
import random
import uuid
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy.orm import Session

from iro_desk.rules.dates import add_months, age_on
from iro_desk.services.context import Ctx
from iro_desk.services.demo.proportions import (
    ADOPTION,
    CIN_CODES,
    CP_AGE_AT_ICPC,
    CP_CATEGORY,
    DEFAULT_CHILDREN,
    DEFAULT_CP,
    DEFAULT_LOOKED_AFTER,
    ENQUIRY_CATEGORY,
    ENTRY_AGE,
    ETHNICITY,
    FAMILY_SIZE,
    FOSTER,
    HISTORY_YEARS,
    LEAVING_CARE,
    PARTICIPATION_4PLUS,
    PLACE_CHANGE,
    RESIDENTIAL,
    VISIT_LOCATION,
)
from iro_desk.services.demo.sink import Sink

# uuid.UUID(int=n, version=4) sets these bits; done by hand because it runs for every row.
UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
UUID4_SET = (0x8000 << 48) | (4 << 76)


def cumulative_weights(table: dict[Any, float]) -> tuple[list[Any], list[float]]:
    keys = list(table)
    return keys, list(accumulate(table[k] for k in keys))


def quota(n: int, shares: Sequence[float]) -> list[int]:
    """Whole counts for shares of n (largest remainder), summing to exactly n."""
    total = sum(shares)
    raw = [n * s / total for s in shares]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


Segment = tuple[date, date | None, uuid.UUID]  # an IRO allocation: start, end, IRO


class Spread:
    """Spreads dates evenly over a span: each draw lands in the month furthest below target."""

    def __init__(self, rng: random.Random, first: date, last: date, total: float) -> None:
        self._rng = rng
        self._first = first
        self._days = (last - first).days + 1
        self._n = HISTORY_YEARS * 12
        self._counts = [0] * self._n
        self._target = total / self._n

    def _bucket(self, d: date) -> int | None:
        offset = (d - self._first).days
        if not 0 <= offset < self._days:
            return None
        return offset * self._n // self._days

    def note(self, d: date) -> None:
        bucket = self._bucket(d)
        if bucket is not None:
            self._counts[bucket] += 1

    def full(self, d: date) -> bool:
        """True if the month holding ``d`` already has its share."""
        bucket = self._bucket(d)
        return bucket is not None and self._counts[bucket] >= self._target

    def draw(self, after: date | None = None) -> date | None:
        """A date (later than ``after``, if given) in a month short of its share; None if
        no day of the span is later than ``after``."""
        earliest = 0 if after is None else max(0, (after - self._first).days + 1)
        if earliest >= self._days:
            return None
        first_bucket = earliest * self._n // self._days
        buckets = range(first_bucket, self._n)
        short = [max(0.0, self._target - self._counts[b]) for b in buckets]
        if sum(short) > 0:
            bucket = self._rng.choices(buckets, weights=short)[0]
        else:
            bucket = self._rng.choice(buckets)
        lo = max(earliest, -(-bucket * self._days // self._n))
        hi = -(-(bucket + 1) * self._days // self._n) - 1
        d = self._first + timedelta(days=self._rng.randint(lo, max(lo, hi)))
        self.note(d)
        return d


@dataclass(slots=True)
class Kid:
    id: uuid.UUID
    dob: date | None


@dataclass(slots=True)
class Candidate:
    """A held LAR that a visit or a resolution case may be hung on."""

    child_id: uuid.UUID
    dob: date
    review: date
    previous: date
    iro: uuid.UUID
    form_id: uuid.UUID | None = None
    form_sent: date | None = None
    team_manager: str = ""
    concerns: tuple[tuple[str, str], ...] = ()


class BuilderBase:
    """The builder's state (the seeded generator, the sink, the scale factors, what the
    later parts draw on) and the small seeded helpers every part uses."""

    def __init__(
        self,
        session: Session,
        ctx: Ctx,
        *,
        seed: int,
        children: int,
        as_of: date | None,
        say: Callable[[str], None],
    ) -> None:
        self.session = session
        self.ctx = ctx
        self.cal = ctx.calendar
        self.ts = ctx.ts
        self.seed = seed
        self.say = say
        self.rng = random.Random(seed)
        # The 903's placement details draw from their own stream: refining them leaves the
        # rest of the unit (names, dates, everything the screens show) as it was.
        self.rng903 = random.Random(f"{seed}-903")
        self.as_of = as_of or ctx.today
        self.start = add_months(self.as_of, -12 * HISTORY_YEARS)
        self.now = ctx.now()
        self.n_total = children
        self.n_cla = round(children * DEFAULT_LOOKED_AFTER / DEFAULT_CHILDREN)
        self.n_cp = children - self.n_cla
        self.f_cla = self.n_cla / DEFAULT_LOOKED_AFTER
        self.f_cp = self.n_cp / DEFAULT_CP
        self.f_total = children / DEFAULT_CHILDREN
        stamp = {
            "created_at": self.now,
            "updated_at": self.now,
            "created_by": ctx.user,
            "updated_by": ctx.user,
            "version": 1,
        }
        self.sink = Sink(session, stamp)
        self._ref_width = max(6, len(str(children * 4)))
        self._next_ref = 1
        self._nhs_offset = self.rng.randrange(1_000_000)
        self._nhs_tried = 0
        self.iros: list[uuid.UUID] = []
        self._iro_slots: list[uuid.UUID] = []
        self.fte = 0.0
        self.looked_after_now = 0
        self.cp_now = 0
        self.reviews = 0
        self.conferences = 0
        self.kids: list[Kid] = []  # everyone, for enquiries about known children
        self.visit_candidates: list[Candidate] = []
        self.resolution_candidates: list[Candidate] = []
        self.form_candidates: list[Candidate] = []
        self._w = {
            name: cumulative_weights(table)
            for name, table in (
                ("foster", FOSTER),
                ("resi", RESIDENTIAL),
                ("adopt", ADOPTION),
                ("cin", CIN_CODES),
                ("pn", PARTICIPATION_4PLUS),
                ("eth", ETHNICITY),
                ("cat", CP_CATEGORY),
                ("cp_age", CP_AGE_AT_ICPC),
                ("family", FAMILY_SIZE),
                ("entry_age", ENTRY_AGE),
                ("location", VISIT_LOCATION),
                ("enquiry", ENQUIRY_CATEGORY),
                ("move", PLACE_CHANGE),
                ("rec", LEAVING_CARE),
                ("bme", {k: v for k, v in ETHNICITY.items() if k not in ("WBRI", "NOBT")}),
            )
        }

    # -- small helpers --------------------------------------------------------------------

    def uid(self, rng: random.Random | None = None) -> uuid.UUID:
        """A version 4 UUID from the seeded generator: uuid.UUID(int=bits, version=4)."""
        return uuid.UUID(int=((rng or self.rng).getrandbits(128) & UUID4_CLEAR) | UUID4_SET)

    def pick(self, name: str) -> Any:
        keys, cum = self._w[name]
        return keys[bisect_right(cum, self.rng.random() * cum[-1])]

    def ri(self, lo: int, hi: int) -> int:
        """A whole number from lo to hi inclusive (randint, without its checks: hot path)."""
        return lo + int(self.rng.random() * (hi - lo + 1))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.ri(0, (last - first).days))

    def wd(self, d: date, n: int) -> date:
        return self.cal.add_working_days(d, n)

    def on_or_before(self, d: date) -> date:
        """``d`` itself if a working day, else the working day before it."""
        return d if self.cal.is_working_day(d) else self.cal.subtract_working_days(d, 1)

    def on_or_after(self, d: date) -> date:
        return self.cal.next_working_day_on_or_after(d)

    def poisson(self, lam: float) -> int:
        if lam > 30:
            return max(0, round(self.rng.gauss(lam, math.sqrt(lam))))
        limit, k, p = math.exp(-lam), 0, self.rng.random()
        while p > limit:
            k += 1
            p *= self.rng.random()
        return k

    def age_years(self, band: tuple[int, int]) -> int:
        return self.ri(*band)

    def dob_for_age(self, age: int, on: date) -> date:
        """A birthday that makes the child exactly ``age`` on ``on``."""
        birthday = add_months(on, -12 * age)
        return birthday - timedelta(days=self.ri(0, 364))

    def pn_code(self, dob: date, on: date) -> str:
        return "PN0" if age_on(dob, on) < 4 else self.pick("pn")

    def iro_on(self, segments: list[Segment], d: date) -> uuid.UUID:
        for start, end, iro in segments:
            if start <= d and (end is None or d < end):
                return iro
        return segments[0][2] if d < segments[0][0] else segments[-1][2]
