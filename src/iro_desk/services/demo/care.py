"""One period of care: its IRO allocations and its 903 episodes."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from iro_desk.rules import codes
from iro_desk.rules.dates import age_on
from iro_desk.services.demo.base import BuilderBase, Kid, Segment
from iro_desk.services.demo.places import HOME_POSTCODES, placement_details
from iro_desk.services.demo.proportions import ADOPTION

# Adoption placements with the child's current foster carers (903 RNE U, rule 217).
SAME_CARERS = frozenset({"A3", "A5"})
# Short breaks: nights a break, days from one break's start to the next, and how a break
# ends (903 REC: returned home as planned).
SHORT_BREAK_NIGHTS = (1, 4)
SHORT_BREAK_EVERY_DAYS = (21, 42)
SHORT_BREAK_REC = "E4A"


class CareHistories(BuilderBase):
    """Periods of care, allocations and episodes (legal status and placement changes)."""

    # -- one period of care ---------------------------------------------------------------

    def care_period(
        self,
        kid: Kid,
        start: date,
        end: date | None,
        track: str,
        final: str | None,
        rec: str | None,
        *,
        unallocated: bool = False,
    ) -> None:
        assert kid.dob is not None
        if track == "short":
            self.short_break_series(kid, start, final or "U6", unallocated=unallocated)
            return
        period_id = self.uid()
        self.sink.add(
            "care_period",
            {"id": period_id, "child_id": kid.id, "start_date": start, "end_date": end},
        )
        stop = end or self.as_of
        secure_from = self.episodes(kid, period_id, start, end, stop, track, final, rec)
        segments = self.allocate(kid.id, start, end, unallocated=unallocated)
        last_day = min(end - timedelta(days=1), self.as_of) if end else self.as_of
        self.lar_chain(kid, period_id, start, last_day, segments)
        if secure_from is not None:
            self.secure_reviews(kid, period_id, secure_from, last_day, segments)

    def short_break_series(self, kid: Kid, start: date, place: str, *, unallocated: bool) -> None:
        """Reg 48 short breaks from ``start`` to the demo's date: each break its own period
        of care with one V3/V4 episode (903), a few nights every few weeks (903 rules
        365, 367: at most 17 days a break, 75 in a year). One IRO and one review clock run
        across the series, with short-break reviews, not Looked After Reviews (rule 399).

        The main generator makes the same draws as for the one long period a series once
        was; the breaks themselves draw from the 903 stream, so the rest of the unit is
        unchanged."""
        rng, own = self.rng, self.rng903
        first_period = self.uid()
        legal_status = rng.choice(("V3", "V4"))  # never both in a year (rule 426)
        rate = 2.5 if rng.random() < 0.1 else 0.45
        self.poisson(rate * max(0, (self.as_of - start).days) / 365)  # the old period's moves
        cin = self.pick("cin")
        first_episode = self.uid()
        no_address = {"place_provider": "PR1", "pl_post": None, "urn": None, "home_post": None}
        breaks: list[tuple[date, date | None, uuid.UUID]] = []
        day = start
        while day <= self.as_of:
            end: date | None = day + timedelta(days=own.randint(*SHORT_BREAK_NIGHTS))
            if end is not None and end > self.as_of:
                end = None  # on a break now
            period_id = self.uid(own) if breaks else first_period
            self.sink.add(
                "care_period",
                {"id": period_id, "child_id": kid.id, "start_date": day, "end_date": end},
            )
            episode = self.new_episode(
                kid, period_id, day, "S", legal_status, place, cin, no_address,
                episode_id=self.uid(own) if breaks else first_episode,
            )  # fmt: skip
            episode.update(end_date=end, rec=SHORT_BREAK_REC if end else None)
            self.sink.add("episode", episode)
            breaks.append((day, end, period_id))
            day += timedelta(days=own.randint(*SHORT_BREAK_EVERY_DAYS))
        segments = self.allocate(kid.id, start, None, unallocated=unallocated)

        def period_of(on: date) -> uuid.UUID | None:
            """A review held during a break belongs to it; one between breaks to none (as
            the 903 and bundle imports file them)."""
            return next((pid for s, e, pid in breaks if s <= on and (e is None or e >= on)), None)

        self.short_break_reviews(kid, period_of, start, self.as_of, segments)

    def allocate(
        self,
        child_id: uuid.UUID,
        start: date,
        end: date | None,
        *,
        iro: uuid.UUID | None = None,
        unallocated: bool = False,
    ) -> list[Segment]:
        """IRO allocation rows: within 5 WD mostly, a few reallocations, a few gaps now."""
        rng = self.rng
        delay = self.ri(0, 5) if rng.random() < 0.95 else self.ri(6, 12)
        first = self.wd(start, delay)
        if end is not None and first >= end:
            first = start
        iro = iro or self.pick_iro()
        segments: list[Segment] = [(first, end, iro)]
        horizon = end or self.as_of
        if (horizon - first).days > 180 and rng.random() < 0.1:
            moved = self.day_between(first + timedelta(days=60), horizon - timedelta(days=30))
            new = self.pick_iro(other_than=iro)
            segments = [(first, moved, iro), (moved, end, new)]
        if unallocated and end is None:
            # Awaiting (re)allocation at as_of: brand-new children have no IRO yet; the
            # others' IRO has just left the case.
            if (self.as_of - start).days < 30:
                segments = []
            else:
                s_start, _, s_iro = segments[-1]
                gap_from = max(s_start + timedelta(days=1), self.as_of - timedelta(days=15))
                segments[-1] = (s_start, min(gap_from, self.as_of), s_iro)
        for s_start, s_end, s_iro in segments:
            self.sink.add(
                "allocation",
                {
                    "id": self.uid(),
                    "child_id": child_id,
                    "iro_id": s_iro,
                    "start_date": s_start,
                    "end_date": s_end,
                },
            )
        return segments or [(start, None, self.pick_iro())]

    # -- episodes -------------------------------------------------------------------------

    def where(self, place: str, home: str) -> dict[str, str | None]:
        """The 903's placement fields for a new placement, from the child's home."""
        details = placement_details(self.rng903, place, home)
        return {**details, "home_post": home}

    def next_placement(self, previous: str | None, age: int) -> str:
        for _ in range(4):
            code = self.pick("resi") if age >= 12 and self.chance(0.25) else self.pick("foster")
            if code != previous:
                return code
        return code

    def episodes(
        self,
        kid: Kid,
        period_id: uuid.UUID,
        start: date,
        end: date | None,
        stop: date,
        track: str,
        final: str | None,
        rec: str | None,
    ) -> date | None:
        """Write the period's episodes; returns the date a secure (K1) placement began."""
        assert kid.dob is not None
        ls0, ls_changes, forced = self.legal_changes(start, stop, track, final)
        place0, place_changes = self.placement_changes(kid.dob, start, stop, track, final, forced)
        # Merge the two into episodes: a new one whenever either changes (903 RNE L/P/T).
        changes: dict[date, list[str | None]] = {}
        for day, ls in ls_changes:
            if start < day < stop:
                changes.setdefault(day, [None, None])[0] = ls
        for day, place in place_changes:
            if start < day < stop:
                changes.setdefault(day, [None, None])[1] = place
        cin = self.pick("cin")
        state_ls, state_place = ls0, place0
        home = self.rng903.choice(HOME_POSTCODES)
        where = self.where(place0, home)
        if track == "short":
            # 903 rules 214, 398: a break records no placement, home address or distance.
            where.update(pl_post=None, urn=None, home_post=None)
        episode = self.new_episode(kid, period_id, start, "S", ls0, place0, cin, where)
        secure_from = start if place0 == "K1" else None
        for day in sorted(changes):
            new_ls, new_place = changes[day]
            ls_changed = new_ls is not None and new_ls != state_ls
            place_changed = new_place is not None and new_place != state_place
            if not (ls_changed or place_changed):
                continue
            episode["end_date"] = day
            episode["rec"] = "X1"
            if place_changed:
                planned = new_place in ("P1", "K1") or new_place in ADOPTION
                episode["reason_place_change"] = "CARPL" if planned else self.pick("move")
            rne = "T" if ls_changed and place_changed else "L" if ls_changed else "P"
            if rne == "T" and new_place in SAME_CARERS:
                rne = "U"  # adopted by the foster carers: a new placement, the same carers
                where = {**where, "urn": placement_details(self.rng903, new_place, home)["urn"]}
            elif place_changed:
                where = self.where(new_place, home)
            state_ls = new_ls if ls_changed else state_ls
            state_place = new_place if place_changed else state_place
            self.sink.add("episode", episode)
            episode = self.new_episode(kid, period_id, day, rne, state_ls, state_place, cin, where)
            if state_place == "K1":
                secure_from = day
        episode["end_date"] = end
        # Special guardianship by (former) foster carers needs a foster placement (903 516).
        if rec in ("E45", "E46") and state_place[0] != "U":
            rec = "E4A"
        episode["rec"] = rec
        self.sink.add("episode", episode)
        return secure_from if state_place == "K1" else None

    def legal_changes(
        self, start: date, stop: date, track: str, final: str | None
    ) -> tuple[str, list[tuple[date, str]], tuple[date, str] | None]:
        """The first legal status, its changes (C1 -> C2, C1 -> E1 ...), and the move to the
        period's special placement (adoption, home on a care order, secure), if any."""
        rng = self.rng
        span = (stop - start).days
        changes: list[tuple[date, str]] = []
        forced: tuple[date, str] | None = None

        def between(lo: float, hi: float, since: date = start) -> date:
            return since + timedelta(days=max(1, int((stop - since).days * rng.uniform(lo, hi))))

        if track == "short":
            first = rng.choice(("V3", "V4"))
        elif track == "s20":
            first = "V2"
        else:
            first = "C1"
            if span > 30 and rng.random() < 0.08:
                first = rng.choice(("L1", "L2"))  # police protection or an EPO first
                # Police protection lasts at most 72 hours, an EPO at most 8 days.
                days = self.ri(1, 3) if first == "L1" else self.ri(1, 8)
                changes.append((start + timedelta(days=days), "C1"))
            if track == "adopt" and span >= 120:
                placement_order = between(0.3, 0.5)
                placed = between(0.25, 0.6, placement_order) if final in ADOPTION else None
                if placed is not None and final in SAME_CARERS:
                    # Foster carers who adopt: a full care order first, then the placement
                    # order the day they are approved, one new episode for both (RNE U,
                    # 903 rules 217, 436).
                    changes += [(placement_order, "C2"), (placed, "E1")]
                else:
                    changes.append((placement_order, "E1"))
                if placed is not None:
                    forced = (placed, final)
            elif track == "care" and span > 150 and rng.random() < 0.92:
                changes.append((start + timedelta(days=self.ri(120, min(400, span - 1))), "C2"))
        if final == "P1" and span > 60:
            after = changes[-1][0] if changes else start
            home = max(after + timedelta(days=7), stop - timedelta(days=self.ri(20, 200)))
            forced = (home, "P1")
        elif final == "K1" and span > 30:
            forced = (stop - timedelta(days=self.ri(14, min(100, span - 1))), "K1")
        if forced is not None and not start < forced[0] < stop:
            forced = None
        return first, changes, forced

    def placement_changes(
        self,
        dob: date,
        start: date,
        stop: date,
        track: str,
        final: str | None,
        forced: tuple[date, str] | None,
    ) -> tuple[str, list[tuple[date, str]]]:
        """The first placement and the moves: a few a year (more for some), ending in the
        period's final placement when it has one."""
        if final is not None and forced is None:
            first = final  # K1/P1/adoption come later, as a move, when there is time
        elif track == "short":
            first = final or "U6"
        else:
            first = self.next_placement(None, age_on(dob, start))
        limit = forced[0] if forced else stop
        rate = 2.5 if self.rng.random() < 0.1 else 0.45  # a few children move often
        n_moves = min(8, self.poisson(rate * max(0, (limit - start).days) / 365))
        if track == "short" or (forced is None and final in ("K1", "P1", *ADOPTION)):
            n_moves = 0
        moves: list[tuple[date, str]] = []
        current = first
        days = sorted(
            self.day_between(start + timedelta(days=1), limit - timedelta(days=1))
            for _ in range(n_moves)
        )
        for day in days:
            current = self.next_placement(current, age_on(dob, day))
            moves.append((day, current))
        if forced is not None:
            moves.append(forced)
        elif final is not None and codes.placement_group(current) != codes.placement_group(final):
            last_move = moves[-1][0] if moves else start
            moves.append((self.day_between(last_move + timedelta(days=1), stop), final))
        return first, moves

    def new_episode(
        self,
        kid: Kid,
        period_id: uuid.UUID,
        start: date,
        rne: str,
        ls: str,
        place: str,
        cin: str,
        where: dict[str, str | None],
        *,
        episode_id: uuid.UUID | None = None,
    ) -> dict[str, Any]:
        return {
            **where,
            "id": episode_id or self.uid(),
            "child_id": kid.id,
            "period_id": period_id,
            "start_date": start,
            "end_date": None,
            "rne": rne,
            "legal_status": ls,
            "cin": cin,
            "placement": place,
            "rec": None,
            "reason_place_change": None,
        }
