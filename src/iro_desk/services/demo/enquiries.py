"""The duty desk's safeguarding enquiries and their trails."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from iro_desk.rules import codes
from iro_desk.services import duty
from iro_desk.services.demo.base import BuilderBase, Kid
from iro_desk.services.demo.proportions import ENQUIRIES_PER_WORKING_DAY
from iro_desk.services.demo.words import (
    BOY_NAMES,
    ENQUIRY_ACTIONS,
    ENQUIRY_CALLERS,
    GIRL_NAMES,
    SURNAMES,
)

# Callers about an allegation against an adult who works with children.
LADO_CALLERS = (
    ("Headteacher", "Demo Academy"),
    ("Fostering manager", "Demo Fostering Service"),
    ("Police officer", "Demo Constabulary"),
    ("Club secretary", "Demo Youth FC"),
)

# One update of the trail: when, the note, and the state after it (as duty.py writes it).
_Update = tuple[datetime, str, str, date | None, date | None, date | None]


@dataclass(slots=True)
class _Call:
    """One enquiry as drawn: what came in and what became of it by as_of."""

    day: date
    received: datetime
    category: str
    role: str
    agency: str
    kid: Kid | None
    subject: str
    follow_up: date | None = None
    still_open: bool = False
    lado_referred: date | None = None
    lado_meeting: date | None = None
    close_day: date | None = None


class Enquiries(BuilderBase):
    """About three enquiries a working day; most closed with a trail, a handful still open.

    The draws happen in a fixed order (the caller, the child, the follow-up, the LADO
    dates, the closing day, the trail, then the words), so the same seed gives the same
    log.
    """

    def enquiries(self, rota: dict[date, tuple[uuid.UUID | None, uuid.UUID | None]]) -> None:
        """~3 enquiries a working day; most closed with a trail, a handful still open."""
        a = self.as_of
        lam = ENQUIRIES_PER_WORKING_DAY * self.f_total
        recent = self.cal.subtract_working_days(a, 10)
        for day, (duty_iro, backup) in rota.items():
            if day > a:
                break
            for _ in range(self.poisson(lam)):
                self.enquiry(day, duty_iro or backup, day >= recent)

    def enquiry(self, day: date, taker: uuid.UUID | None, recent: bool) -> None:
        received = datetime.combine(day, time(8, 0), UTC) + timedelta(minutes=self.ri(0, 540))
        if received >= self.now:
            return  # later today: not rung yet
        call = self.enquiry_call(day, received)
        self.enquiry_follow_up(call, recent)
        self.enquiry_lado(call)
        self.enquiry_close(call)
        enquiry_id = self.uid()
        trail = self.enquiry_trail(call)
        self.write_enquiry(enquiry_id, call, taker, trail)

    def enquiry_call(self, day: date, received: datetime) -> _Call:
        """Who rang, about what, and which child (a known one, about half the time)."""
        rng = self.rng
        category = self.pick("enquiry")
        role, agency = rng.choice(ENQUIRY_CALLERS)
        if category == duty.LADO:
            role, agency = rng.choice(LADO_CALLERS)
        kid = rng.choice(self.kids) if rng.random() < 0.55 else None
        if kid is not None and (kid.dob is None or kid.dob > day):
            kid = None
        if kid is None:
            subject = (
                "Allegation against an adult who works with children"
                if category == duty.LADO
                else f"Child aged {self.ri(1, 17)}, not known to the unit"
            )
        else:
            subject = ""
        return _Call(day, received, category, role, agency, kid, subject)

    def enquiry_follow_up(self, call: _Call, recent: bool) -> None:
        """A follow-up date for some; a few recent ones still open, some overdue."""
        rng, day = self.rng, call.day
        call.follow_up = self.wd(day, self.ri(1, 5)) if rng.random() < 0.45 else None
        call.still_open = recent and rng.random() < 0.12
        if call.still_open and rng.random() < 0.8:
            call.follow_up = self.wd(day, self.ri(1, 5))
            if rng.random() < 0.4:
                # Promised a call back that has not happened: overdue at as_of.
                call.follow_up = max(self.wd(day, 1), self.cal.subtract_working_days(self.as_of, 1))

    def enquiry_lado(self, call: _Call) -> None:
        """A LADO enquiry's referral and allegation management meeting (none after as_of)."""
        if call.category != duty.LADO:
            return
        rng, a, day = self.rng, self.as_of, call.day
        lado_referred = self.wd(day, self.ri(0, 1) if rng.random() < 0.92 else 3)
        lado_meeting = None
        r = rng.random()
        if r < 0.8:
            lado_meeting = self.wd(day, self.ri(2, self.ts.lado_meeting_wd))
        elif r < 0.95:
            lado_meeting = self.wd(day, self.ts.lado_meeting_wd + self.ri(1, 4))
        call.lado_referred = lado_referred if lado_referred <= a else None
        call.lado_meeting = lado_meeting if lado_meeting and lado_meeting <= a else None

    def enquiry_close(self, call: _Call) -> None:
        """The day the duty IRO closed it (not before the LADO meeting); open if after as_of."""
        if call.still_open:
            return
        close_day = self.wd(call.follow_up or call.day, self.ri(0, 3))
        if call.lado_meeting:
            close_day = max(close_day, call.lado_meeting)
        if close_day > self.as_of:
            call.still_open = True
        else:
            call.close_day = close_day

    def enquiry_trail(self, call: _Call) -> list[_Update]:
        """The trail: each update records the state after it (as duty.py writes it)."""
        trail: list[_Update] = []
        state: dict[str, date | None] = {
            "follow": call.follow_up,
            "referred": None,
            "meeting": None,
        }
        latest = self.now - timedelta(minutes=1)

        def note(at: datetime, text: str, status: str = duty.OPEN) -> None:
            at = min(at, latest)  # nothing is written later than "now"
            if trail and at <= trail[-1][0]:
                at = trail[-1][0] + timedelta(seconds=1)
            trail.append((at, text, status, state["follow"], state["referred"], state["meeting"]))

        note(call.received, "logged")
        if call.lado_referred is not None:
            state["referred"] = call.lado_referred
            note(datetime.combine(call.lado_referred, time(11, 0), UTC), "Referred to the LADO.")
        if call.lado_meeting is not None:
            state["meeting"] = call.lado_meeting
            note(
                datetime.combine(call.lado_meeting, time(14, 0), UTC),
                "Allegation management meeting held.",
            )
        follow_up = call.follow_up
        if (
            follow_up is not None
            and follow_up <= self.as_of
            and not call.still_open
            and self.rng.random() < 0.5
        ):
            note(
                datetime.combine(follow_up, time(10, 30), UTC),
                "Followed up with the social worker.",
            )
        if call.close_day is not None:
            note(
                datetime.combine(call.close_day, time(16, 0), UTC),
                "No further action for the duty IRO.",
                duty.CLOSED,
            )
        return trail

    def write_enquiry(
        self, enquiry_id: uuid.UUID, call: _Call, taker: uuid.UUID | None, trail: list[_Update]
    ) -> None:
        rng = self.rng
        label = codes.ENQUIRY_CATEGORIES[call.category]
        self.sink.add(
            "enquiry",
            {
                "id": enquiry_id,
                "created_at": call.received,
                "updated_at": trail[-1][0],
                "received_at": call.received,
                "taken_by_iro_id": taker,
                "caller_name": f"{rng.choice(BOY_NAMES + GIRL_NAMES)} {rng.choice(SURNAMES)}",
                "caller_role": call.role,
                "caller_agency": call.agency,
                "category": call.category,
                "child_id": call.kid.id if call.kid else None,
                "subject": call.subject,
                "summary": f"{label}: caller concerned and asked for advice (demo text).",
                "action": rng.choice(ENQUIRY_ACTIONS),
                "follow_up_due": call.follow_up,
                "status": duty.CLOSED if call.close_day is not None else duty.OPEN,
                "lado_referred": call.lado_referred,
                "lado_meeting": call.lado_meeting,
            },
        )
        for at, text, status, follow, referred, meeting in trail:
            self.sink.add(
                "enquiry_update",
                {
                    "id": self.uid(),
                    "created_at": at,
                    "updated_at": at,
                    "enquiry_id": enquiry_id,
                    "note": text,
                    "status": status,
                    "follow_up_due": follow,
                    "lado_referred": referred,
                    "lado_meeting": meeting,
                },
            )
