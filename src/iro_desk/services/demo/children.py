"""The demo's children: who is looked after now, who left, and when."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from stdnum.gb import upn

from iro_desk.rules import codes
from iro_desk.rules.dates import add_months, age_on
from iro_desk.rules.identity import nhs_number_check_digit
from iro_desk.services.children import name_key
from iro_desk.services.demo.base import BuilderBase, Kid, Spread, quota
from iro_desk.services.demo.places import DEMO_LA_NUMBER
from iro_desk.services.demo.proportions import (
    AGE_BAND_SHARES,
    AGE_BAND_YEARS,
    BOY_SHARE,
    CP_BEFORE_CARE_SHARE,
    ENDED_BEFORE_HISTORY_PER_310,
    ENDED_WITHIN_HISTORY_PER_310,
    LONG_STAY_SHARE,
    NHS_NUMBER_SHARE,
    PLACEMENT_SHARES,
    SECOND_PERIOD_SHARE,
    SHORT_BREAK_SHARE,
    UNALLOCATED_SHARE,
)
from iro_desk.services.demo.words import BOY_NAMES, GIRL_NAMES, SURNAMES

# Children this old at the demo's date have a UPN; younger ones the reason code UN1.
UPN_FROM_AGE = 4


class Children(BuilderBase):
    """Children and the shape of their care histories (the stock now, the leavers)."""

    # -- children -------------------------------------------------------------------------

    def nhs_number(self) -> str | None:
        # Walk the never-issued 999 000 000x-999 999 999x range from a seeded offset,
        # skipping the prefixes that no check digit fits: unique and valid.
        while self._nhs_tried < 1_000_000:
            prefix = 999_000_000 + (self._nhs_offset + self._nhs_tried) % 1_000_000
            self._nhs_tried += 1
            check = nhs_number_check_digit(str(prefix))
            if check is not None:
                return f"{prefix}{check}"
        return None

    def upn(self, n: int, dob: date | None) -> tuple[str | None, str | None]:
        """A valid Unique Pupil Number (the unit's LA number, a made-up school, the year of
        birth, a serial) for children of school age; UN1 (under school age) for younger."""
        if dob is None:
            return None, None
        if age_on(dob, self.as_of) < UPN_FROM_AGE:
            return None, "UN1"
        digits = f"{DEMO_LA_NUMBER}{2000 + n // 1000 % 8000:04d}{dob.year % 100:02d}{n % 1000:03d}"
        return upn.calc_check_digit(digits) + digits, None

    def add_child(
        self,
        *,
        dob: date | None,
        last_name: str | None = None,
        expected_dob: date | None = None,
        ethnicity: str | None = None,
        short_breaks: bool = False,
        in_care: bool = True,
    ) -> Kid:
        rng = self.rng
        sex = "M" if rng.random() < BOY_SHARE else "F"
        if dob is None:
            first, sex_code, nhs = "Unborn", None, None
        else:
            first = rng.choice(BOY_NAMES if sex == "M" else GIRL_NAMES)
            sex_code = sex
            nhs = self.nhs_number() if rng.random() < NHS_NUMBER_SHARE else None
        last = last_name or rng.choice(SURNAMES)
        kid = Kid(self.uid(), dob)
        ref = f"DEMO{self._next_ref:0{self._ref_width}d}"
        upn, upn_reason = self.upn(self._next_ref, dob)
        if not in_care:  # the 903's fields are for children in care only
            upn_reason = None
        self._next_ref += 1
        self.sink.add(
            "child",
            {
                "id": kid.id,
                "ref": ref,
                "first_name": first,
                "last_name": last,
                "first_key": name_key(first),
                "last_key": name_key(last),
                "dob": dob,
                "expected_dob": expected_dob,
                "sex": sex_code,
                "ethnicity": ethnicity or self.pick("eth"),
                "nhs_number": nhs,
                "upn": upn,
                "upn_reason": upn_reason,
                # 903 MOTHER is asked of every girl in care (rules 393, 607), and of no
                # child on short breaks only (rule 399). No demo girl is a mother.
                "mother": False if sex_code == "F" and in_care and not short_breaks else None,
                "notes": "Fictional demo record.",
            },
        )
        self.kids.append(kid)
        return kid

    # -- looked-after children ------------------------------------------------------------

    def looked_after(self) -> None:
        # Those looked after now come first; the leavers then fill the months where starts
        # and ends fall short, so both run evenly through the history.
        n_old = round(ENDED_BEFORE_HISTORY_PER_310 * self.f_cla)
        n_new = round(ENDED_WITHIN_HISTORY_PER_310 * self.f_cla)
        n_open_new = self.n_cla * (1 - LONG_STAY_SHARE)
        self.starts = Spread(self.rng, self.start, self.as_of, n_new + n_open_new)
        self.ends = Spread(self.rng, self.start, self.as_of - timedelta(days=1), n_old + n_new)
        self.open_stock()
        for _ in range(n_new):
            self.ended_within_history()
        for _ in range(n_old):
            self.ended_before_history()

    def open_stock(self) -> None:
        """The children looked after at as_of, with the year-end age and placement mix."""
        rng = self.rng
        n = self.n_cla
        n_short = max(1, round(n * SHORT_BREAK_SHARE))
        n_main = n - n_short
        ages: list[int] = []
        for band, count in zip(AGE_BAND_YEARS, quota(n_main, AGE_BAND_SHARES), strict=True):
            ages.extend(self.age_years(band) for _ in range(count))
        rng.shuffle(ages)
        # The fostered share is whatever is left once the others are placed.
        _, resi, adoption, parents = quota(n_main, list(PLACEMENT_SHARES.values()))
        n_secure = max(1, round(self.f_cla))
        finals: list[str | None] = [None] * n_main
        order = list(range(n_main))

        def assign(count: int, fits: Callable[[int], bool], code: Callable[[], str]) -> None:
            free = [i for i in order if finals[i] is None and fits(ages[i])]
            free += [i for i in order if finals[i] is None and not fits(ages[i])]
            for i in free[:count]:
                finals[i] = code()

        assign(n_secure, lambda age: 13 <= age <= 16, lambda: "K1")
        assign(adoption, lambda age: 1 <= age <= 6, lambda: self.pick("adopt"))
        assign(resi - n_secure, lambda age: age >= 11, lambda: self.pick("resi"))
        assign(parents, lambda age: age >= 1, lambda: "P1")
        # The year-end ethnicity mix exactly (84% White British, 11% BME, 5% not obtained).
        ethnic: list[str] = []
        for group, count in zip(("WBRI", "BME", "NOBT"), quota(n_main, (84, 11, 5)), strict=True):
            ethnic += [self.pick("bme") if group == "BME" else group for _ in range(count)]
        rng.shuffle(ethnic)
        for i in order:
            final = finals[i] or self.pick("foster")
            self.open_child(ages[i], final, ethnic[i])
        for _ in range(n_short):
            self.open_child(self.age_years((5, 17)), "U6", short_break=True)

    def open_child(
        self, age: int, final: str, ethnicity: str | None = None, *, short_break: bool = False
    ) -> None:
        rng, a, h = self.rng, self.as_of, self.start
        dob = self.dob_for_age(age, a)
        group = codes.placement_group(final)
        if short_break:
            track = "short"
        elif group == "Placed for adoption":
            track = "adopt"
        elif group == "Fostered" and age <= 5 and rng.random() < 0.12:
            track = "adopt"  # placement order made, waiting for a match
        elif age >= 13 and group != "Placed with parents" and rng.random() < 0.18:
            track = "s20"
        else:
            track = "care"
        # About 45% of those looked after now came into care before the history began;
        # teenagers more often than young children, and never the adoption track.
        if short_break:
            long_p = 0.3
        elif age < 4 or track == "adopt":
            long_p = 0.0
        else:
            long_p = 0.5 if age < 10 else 0.75
        if rng.random() < long_p and dob < h - timedelta(days=30):
            # In care for years before the history: a long tail (5+ years for ~half).
            before = 1 + int(rng.expovariate(1 / (2.5 * 365)))
            start = max(dob, h - timedelta(days=before))
        else:
            # Recent arrivals outnumber earlier ones still here (many leave within a year).
            latest = a - timedelta(days=200 if track == "adopt" else 1)
            elapsed = int(rng.expovariate(1 / (1.5 * 365))) % (a - h).days
            start = max(a - timedelta(days=elapsed), h)
            if start > latest or start < dob:
                start = self.day_between(max(h, dob), latest)
            self.starts.note(start)
        kid = self.add_child(dob=dob, ethnicity=ethnicity, short_breaks=short_break)
        if start >= h and track != "short":
            self.maybe_earlier_period(kid, start)
        if not short_break:
            self.looked_after_now += 1
        unallocated = rng.random() < UNALLOCATED_SHARE
        self.care_period(kid, start, None, track, final, None, unallocated=unallocated)

    def leaving_code(self, track: str, ages_out: bool) -> str:
        """The 903 REC for a period that ended (returning home and adoption lead)."""
        if ages_out:
            return self.rng.choice(("E17", "E7", "E5", "E8"))
        if track == "adopt":
            return "E11" if self.rng.random() < 0.6 else "E12"
        if track == "s20":
            return "E4A" if self.rng.random() < 0.8 else "E13"
        return self.pick("rec")

    def ended_within_history(self) -> None:
        """A child who came into care during the history and has left again."""
        rng, a = self.rng, self.as_of
        start = self.starts.draw() or self.start
        room = (a - start).days - 2
        r = rng.random()
        track = "adopt" if r < 0.3 and room > 420 else "s20" if r < 0.6 else "care"
        lo, hi = {"adopt": (420, 900), "care": (60, 700), "s20": (3, 300)}[track]
        end = start + timedelta(days=self.ri(lo, hi))
        if end >= a or self.ends.full(end):
            # Leave in a month that is short of leavers, so ends run evenly too.
            end = self.ends.draw(after=start + timedelta(days=min(lo, room))) or a - timedelta(
                days=1
            )
        else:
            self.ends.note(end)
        ages_out = track != "adopt" and rng.random() < 0.08
        if ages_out:
            dob = add_months(end, -12 * 18)  # came into care at 16 or 17
        else:
            band = (0, 4) if track == "adopt" else self.pick("entry_age")
            dob = self.dob_for_age(self.age_years(band), start)
            birthday_18 = add_months(dob, 12 * 18)
            if birthday_18 <= end:
                end, ages_out = birthday_18, True
        kid = self.add_child(dob=dob)
        self.maybe_earlier_period(kid, start)
        final = self.pick("adopt") if track == "adopt" else None
        self.care_period(kid, start, end, track, final, self.leaving_code(track, ages_out))

    def ended_before_history(self) -> None:
        """A child already in care when the history begins who leaves during it."""
        rng, h = self.rng, self.start
        end = self.ends.draw() or self.as_of - timedelta(days=1)
        r = rng.random()
        track = "adopt" if r < 0.15 else "s20" if r < 0.35 else "care"
        ages_out = track != "adopt" and rng.random() < 0.12
        if ages_out:
            dob = add_months(end, -12 * 18)
        else:
            age_end = self.age_years((1, 6)) if track == "adopt" else self.age_years((1, 17))
            dob = self.dob_for_age(age_end, end)
            latest_dob = h - timedelta(days=60)
            if dob > latest_dob:
                dob = latest_dob - timedelta(days=self.ri(0, 700))
            if age_on(dob, end) >= 18:
                dob = self.dob_for_age(17, end)
        # Most who leave during the history had not been in care long when it began.
        before = 1 + int(rng.expovariate(1 / (365 if track == "adopt" else 1.5 * 365)))
        start = max(dob, h - timedelta(days=before))
        kid = self.add_child(dob=dob)
        final = self.pick("adopt") if track == "adopt" else None
        self.care_period(kid, start, end, track, final, self.leaving_code(track, ages_out))

    def maybe_earlier_period(self, kid: Kid, start: date) -> None:
        """A few children come back into care: an earlier period that ended before this one."""
        rng = self.rng
        assert kid.dob is not None
        if rng.random() >= SECOND_PERIOD_SHARE:
            if rng.random() < CP_BEFORE_CARE_SHARE:
                self.cp_before_care(kid, start)
            return
        end = start - timedelta(days=self.ri(30, 400))
        first = end - timedelta(days=self.ri(30, 500))
        if first <= kid.dob:
            return
        self.starts.note(first)
        self.ends.note(end)
        self.care_period(kid, first, end, rng.choice(("s20", "care")), None, "E4A")
