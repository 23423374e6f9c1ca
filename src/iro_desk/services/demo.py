"""A demonstration unit: an obviously fictional IRO service with three years of history.

Shaped like the seed annual report (South Tyneside 2013-14): about 310 looked-after
children and 170 on child protection plans at the end, seven IROs (one part-time), ~140
starts and ~150 ends of care a year, reviews ~95% on time, PN participation codes, CP
conferences with agency reports, visits, a duty rota with enquiries, compliance forms
and Issues Resolution cases. Every date follows the rules in ``rules/``.

The same seed gives the same data: one ``random.Random(seed)`` drives everything, and
row ids come from it too. The rows are built as plain dicts and bulk inserted in chunks
(executemany, with the secondary indexes built once at the end), so a
national-sized unit (``children=200_000``, ~17 million rows) takes minutes, not hours.
The whole generation is one transaction with one audit event ("demo.generate").
"""

from __future__ import annotations

import math
import random
import uuid
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Uuid, insert, literal, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from iro_desk.db.models import (
    TABLES,
    Allocation,
    AuditEvent,
    CarePeriod,
    Child,
    ComplianceForm,
    ComplianceItem,
    ConferenceReport,
    CpPlan,
    Enquiry,
    EnquiryUpdate,
    Episode,
    FormDraft,
    Iro,
    Meeting,
    MeetingChild,
    ResolutionCase,
    ResolutionStage,
    RotaDay,
    Visit,
)
from iro_desk.rules import clocks, codes
from iro_desk.rules.dates import add_months, age_on
from iro_desk.rules.identity import nhs_number_check_digit
from iro_desk.rules.reviews import (
    ReviewKind,
    icpc_due,
    lar_due,
    rcpc_due,
    secure_review_due,
    short_break_due,
)
from iro_desk.services import compliance, duty, resolution
from iro_desk.services.audit import audit
from iro_desk.services.children import name_key
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput

__all__ = ["DEFAULT_CHILDREN", "DemoSummary", "generate_demo", "is_empty"]

# -- The shape of the default unit (seed figures, 2013-14) ------------------------------

DEFAULT_LOOKED_AFTER = 310
DEFAULT_CP = 170
DEFAULT_CHILDREN = DEFAULT_LOOKED_AFTER + DEFAULT_CP
MAX_CHILDREN = 1_000_000  # past ~300,000 the test NHS numbers run out; later children have none
MIN_CHILDREN = 20
CHILDREN_PER_IRO = 70
HISTORY_YEARS = 3
ROTA_WEEKS_AHEAD = 4
CHUNK = 5_000
_SAMPLE_UUID = uuid.UUID("0123abcd-4567-4890-abcd-ef0123456789")
MEMO_LIMIT = 200_000
# uuid.UUID(int=n, version=4) sets these bits; done by hand because it runs for every row.
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_UUID4_SET = (0x8000 << 48) | (4 << 76)
# SQLite page cache while generating: ~10 KB per child, from 64 MB up to 1 GB.
SQLITE_CACHE_MIN_KIB = 64_000
SQLITE_CACHE_MAX_KIB = 1_000_000
SQLITE_SORT_THREADS = 4

# Year-end shares (seed section 4).
AGE_BAND_SHARES = (0.26, 0.22, 0.36, 0.16)
AGE_BAND_YEARS = ((0, 4), (5, 9), (10, 15), (16, 17))
PLACEMENT_SHARES = {"fostered": 0.789, "residential": 0.113, "adoption": 0.075, "parents": 0.023}
SHORT_BREAK_SHARE = 0.01
# Of the default 310 at the end: 140 in care for more than the three years of history.
# Over the history: 200 of those in care at the start leave, 420 start (250 of whom leave).
LONG_STAY_SHARE = 0.45
ENDED_BEFORE_HISTORY_PER_310 = 200
ENDED_WITHIN_HISTORY_PER_310 = 250
SECOND_PERIOD_SHARE = 0.03
CP_BEFORE_CARE_SHARE = 0.25
CP_ENDED_OLD_PER_170 = 120
CP_ENDED_NEW_PER_170 = 330

ON_TIME = 0.955  # reviews held on or before the due date (seed: 95.6%)
BROUGHT_FORWARD = 0.03

# -- Code weights -----------------------------------------------------------------------

FOSTER = {"U1": 8, "U2": 1, "U3": 12, "U4": 30, "U5": 2, "U6": 47}
RESIDENTIAL = {"K2": 70, "R1": 30}
ADOPTION = {"A3": 10, "A4": 15, "A5": 30, "A6": 45}
CIN_CODES = {"N1": 60, "N2": 5, "N3": 3, "N4": 20, "N5": 5, "N6": 2, "N7": 2, "N8": 3}
PLACE_CHANGE = {
    "CARPL": 40, "CREQB": 12, "CREQO": 10, "CHILD": 8, "LAREQ": 8, "STAND": 4,
    "ALLEG": 3, "CLOSE": 4, "APPRR": 2, "PLACE": 5, "OTHER": 4,
}  # fmt: skip
# Participation of children aged 4+ (seed: PN1 242, PN3 2, PN4 3, PN5 107, PN6 187, PN7 20).
PARTICIPATION_4PLUS = {
    "PN1": 43.0, "PN2": 0.3, "PN3": 0.4, "PN4": 0.5, "PN5": 19.0, "PN6": 33.0, "PN7": 3.5,
}  # fmt: skip
ETHNICITY = {
    "WBRI": 84.0, "NOBT": 5.0, "WIRI": 0.6, "WOTH": 1.4, "WROM": 0.4, "MWBC": 1.6,
    "MWBA": 0.8, "MWAS": 1.0, "MOTH": 1.2, "AIND": 0.3, "APKN": 0.6, "ABAN": 0.5,
    "AOTH": 0.3, "BCRB": 0.4, "BAFR": 1.0, "BOTH": 0.3, "CHNE": 0.2, "OOTH": 0.4,
}  # fmt: skip
# How care ends when not by adoption or at 18 (seed: returning home leads).
LEAVING_CARE = {"E4A": 35, "E45": 15, "E46": 10, "E48": 10, "E41": 5, "E13": 10, "E8": 5, "E15": 5}
CP_CATEGORY = {"NEG": 45, "EMO": 35, "PHY": 8, "SAB": 4, "MUL": 8}
CP_AGE_AT_ICPC = {(0, 0): 5, (1, 4): 31, (5, 9): 32, (10, 15): 26, (16, 17): 6}
FAMILY_SIZE = {1: 40, 2: 30, 3: 18, 4: 8, 5: 4}
ENTRY_AGE = {(0, 0): 20, (1, 4): 15, (5, 9): 20, (10, 15): 33, (16, 17): 12}
VISIT_LOCATION = {
    "placement": 45, "school": 12, "out_of_borough": 20, "home": 8, "office": 10, "other": 5,
}  # fmt: skip
ENQUIRY_CATEGORY = {
    "10A": 15, "11A": 8, "12A": 1, "13A": 2, "24A": 3, "22A": 0.5, "15A": 4, "3A": 2,
    "3B": 6, "3C": 2, "16A": 8, "17A": 4, "18B": 2, "18C": 4, "19B": 1, "19C": 2,
    "LADO": 5, "PLACEMENT": 8, "ADVICE": 19.5, "20": 3,
}  # fmt: skip
# Share of a CP conference's agency reports in on time (seed: ICPC 65%, RCPC 69%).
AGENCY_ON_TIME = {
    "Police": 0.56, "Health visitor": 0.75, "School": 0.72, "GP": 0.55, "Housing": 0.72,
    "Probation": 0.70, "Social care": 0.58, "Education welfare": 0.72,
}  # fmt: skip
REPORT_NEVER = 0.05

# -- Names and words: small in-file lists, all made up ----------------------------------
# The surnames are deliberately whimsical so nobody mistakes a demo record for a real child.

IRO_FIRST = (
    "Ada", "Ben", "Cara", "Dev", "Eve", "Finn", "Gwen", "Hal", "Iris", "Jude", "Kit", "Lena",
    "Milo", "Nia", "Otto", "Pia", "Quin", "Rosa", "Sol", "Tess", "Umar", "Vera", "Wes",
    "Xena", "Yuri", "Zara",
)  # fmt: skip
IRO_LAST = (
    "Fictional", "Madeup", "Pretend", "Example", "Sample", "Imaginary", "Invented",
    "Notreal", "Placeholder", "Storybook",
)  # fmt: skip
BOY_NAMES = (
    "Alfie", "Archie", "Billy", "Callum", "Charlie", "Dylan", "Ethan", "Finley", "George",
    "Harry", "Isaac", "Jack", "Jacob", "Kai", "Leo", "Liam", "Logan", "Mason", "Noah",
    "Oliver", "Oscar", "Reggie", "Riley", "Ryan", "Sam", "Theo", "Toby", "Tyler", "Zak",
)  # fmt: skip
GIRL_NAMES = (
    "Amelia", "Ava", "Bella", "Chloe", "Daisy", "Ellie", "Emily", "Erin", "Evie", "Freya",
    "Grace", "Holly", "Isla", "Jessica", "Katie", "Lacey", "Lily", "Maisie", "Mia", "Molly",
    "Niamh", "Olivia", "Phoebe", "Poppy", "Ruby", "Scarlett", "Sophie", "Tia", "Zoe",
)  # fmt: skip
SURNAMES = (
    "Bramblewick", "Puddlefoot", "Thistledown", "Quillby", "Marrowfield", "Nettlecombe",
    "Pebbleton", "Wickerly", "Larkspur", "Mossgrove", "Tumbleweed", "Copperkettle",
    "Dandelion", "Elderberry", "Foxglove", "Gingerbread", "Hazelnut", "Inkwell", "Kettleby",
    "Lanternfield", "Moonbeam", "Nutmeg", "Oakapple", "Pumpernickel", "Quicksilver",
    "Rosehip", "Sparrowhawk", "Teacake", "Willowherb", "Yarrowdale", "Zephyrine",
    "Buttonwood", "Crumblebank", "Dewdrop", "Fiddlesticks", "Gumdrop", "Hollyhock",
    "Jellybean", "Marzipan", "Pipsqueak",
)  # fmt: skip
TEAM_MANAGERS = (
    "Morgan Demoteam (North)", "Jordan Placeholder (South)", "Riley Examplefield (East)",
    "Casey Mockton (West)", "Avery Storyville (Disability)", "Rowan Fablewood (Leaving Care)",
)  # fmt: skip
STAGE_HOLDERS = {
    0: "Social worker (demo)",
    2: "Sasha Servicemanager (demo)",
    3: "Harper Headofservice (demo)",
    4: "Dana Director (demo)",
}
CHILD_VIEWS = (
    "Happy where I live; I want to see my brother more.",
    "I like my school and my carers. I do not want to move.",
    "Wants more pocket money and a later bedtime.",
    "Worried about contact with dad; wants it at the family centre.",
    "Enjoys football club; asked to keep going after the move.",
    "Would like to know more about why they are in care (life story work).",
    "Says the house rules are fair; misses the dog at home.",
    "Wants to stay with carers until 18 (staying put).",
)
ISSUES = (
    "Care plan not updated after the review",
    "Personal education plan overdue",
    "Delay in permanence planning",
    "Health assessment overdue",
    "Contact arrangements not implemented as agreed",
    "Pathway plan not started at 16",
    "Life story work not started",
    "Placement plan not signed by carers",
)
NO_COMMENTS = {
    "care_plan": "Care plan is from before the last placement move.",
    "placement_plan": "Placement plan not on file.",
    "permanence_plan": "No permanence plan by the second review.",
    "health_plan": "Review health assessment is overdue.",
    "education_plan": "PEP not updated this term.",
    "child_views": "Child not consulted before the review.",
    "parents_views": "Parents not invited or consulted.",
    "reports_on_time": "Social work report arrived on the day.",
    "actions_completed": "Actions from the last review not done.",
}
RESPONSES = (
    "Discussed in supervision; social worker to complete by the end of the month.",
    "Agreed. Plan updated and sent to the IRO.",
    "Delay due to staff sickness; now allocated to a new worker.",
    "Completed; copy on the child's file.",
)
ENQUIRY_CALLERS = (
    ("Social worker", "Demo Borough Children's Services"),
    ("Police officer", "Demo Constabulary"),
    ("Designated safeguarding lead", "Demo Academy"),
    ("Foster carer", "Demo Fostering Service"),
    ("Health visitor", "Demo Community Health"),
    ("Residential worker", "Demo Children's Home"),
    ("School nurse", "Demo Community Health"),
    ("Youth worker", "Demo Youth Service"),
)
ENQUIRY_ACTIONS = (
    "Advice given to the caller; to ring back if concerns continue.",
    "Strategy discussion requested with the police.",
    "Social worker asked to visit today.",
    "Return home interview arranged.",
    "Information shared with the child's IRO.",
    "Referred to the front door (MASH).",
)


def _weights(table: dict[Any, float]) -> tuple[list[Any], list[float]]:
    keys = list(table)
    return keys, list(accumulate(table[k] for k in keys))


def _quota(n: int, shares: Sequence[float]) -> list[int]:
    """Whole counts for shares of n (largest remainder), summing to exactly n."""
    total = sum(shares)
    raw = [n * s / total for s in shares]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


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


# -- Bulk writing ------------------------------------------------------------------------

_MODELS = (
    Iro, Child, CarePeriod, Episode, Allocation, CpPlan, Meeting, MeetingChild,
    ConferenceReport, Visit, RotaDay, Enquiry, EnquiryUpdate, ComplianceForm,
    ComplianceItem, ResolutionCase, ResolutionStage, FormDraft, AuditEvent,
)  # fmt: skip


def _column_defaults(model: type) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        default = info.default
        out[name] = None if default is PydanticUndefined else default
    return out


# Parents before children, so every chunk can be inserted with foreign keys on.
_ORDER = [t.name for t in SQLModel.metadata.sorted_tables if t.name in TABLES]


class _TableWriter:
    """One table's INSERT, compiled for the session's database, and its row encoder.

    Values are encoded with the column types' own bind processors (so a UUID or a UTC
    timestamp is stored exactly as the ORM would store it) and sent with the driver's
    executemany. Values that recur (dates, stamps) are encoded once and remembered.
    """

    def __init__(
        self,
        table: Any,
        dialect: Any,
        template: dict[str, Any],
        memos: dict[type, dict[Any, Any]],
    ) -> None:
        compiled = insert(table).compile(dialect=dialect)
        self.sql = str(compiled)
        positional = bool(dialect.positional)
        names = list(compiled.positiontup or []) if positional else list(table.columns.keys())
        self.encode = _row_encoder(table, dialect, names, template, memos, positional)


def _row_encoder(
    table: Any,
    dialect: Any,
    names: list[str],
    template: dict[str, Any],
    memos: dict[type, dict[Any, Any]],
    positional: bool,
) -> Callable[[dict[str, Any]], Any]:
    """Compile ``encode(row)`` for one table: a row dict in, the driver's parameters out.

    Generated as straight-line code because it runs once per row, millions of times for
    a national-sized unit; the loop it unrolls would be twice as slow.
    """
    env: dict[str, Any] = {"_remember": _remember}
    body = ["def encode(row):", "    get = row.get"]
    for i, name in enumerate(names):
        env[f"d{i}"] = template.get(name)
        body.append(f"    v{i} = get({name!r}, d{i})")
        column_type = table.columns[name].type
        proc = column_type.dialect_impl(dialect).bind_processor(dialect)
        if proc is None:
            continue
        env[f"p{i}"] = proc
        # UUIDs hash slowly and a row's own id never recurs: encode those directly, as
        # 32 hex digits in place of the processor's call when that is what it produces.
        if isinstance(column_type, Uuid):
            if proc(_SAMPLE_UUID) == f"{_SAMPLE_UUID.int:032x}":
                body.append(f"    if v{i} is not None: v{i} = '%032x' % v{i}.int")
            else:
                body.append(f"    if v{i} is not None: v{i} = p{i}(v{i})")
        else:
            env[f"m{i}"] = memos.setdefault(type(column_type), {})
            body.append(
                f"    if v{i} is not None: v{i} = m{i}.get(v{i}) or _remember(m{i}, p{i}, v{i})"
            )
    values = ", ".join(f"v{i}" for i in range(len(names)))
    if positional:
        body.append(f"    return ({values},)")
    else:
        body.append(f"    return dict(zip({names!r}, ({values},)))")
    exec("\n".join(body), env)  # the source is built from the table's own column names
    return env["encode"]


def _remember(memo: dict[Any, Any], proc: Callable[[Any], Any], value: Any) -> Any:
    if len(memo) >= MEMO_LIMIT:
        memo.clear()  # bounded: only recent values are likely to recur
    encoded = memo[value] = proc(value)
    return encoded


class _Sink:
    """Buffers rows per table and inserts them in chunks, parents before children."""

    def __init__(self, session: Session, stamp: dict[str, Any]) -> None:
        self._conn = session.connection()
        dialect = self._conn.dialect
        memos: dict[type, dict[Any, Any]] = {}
        self._writers = {
            m.__tablename__: _TableWriter(  # type: ignore[attr-defined]
                TABLES[m.__tablename__],  # type: ignore[attr-defined]
                dialect,
                {**_column_defaults(m), **stamp},
                memos,
            )
            for m in _MODELS
        }
        self._encoders = {name: writer.encode for name, writer in self._writers.items()}
        self._buffers: dict[str, list[Any]] = {name: [] for name in _ORDER}
        self._pending = 0
        self.counts: dict[str, int] = dict.fromkeys(_ORDER, 0)

    def add(self, table: str, row: dict[str, Any]) -> None:
        """Queue a row; columns it leaves out get the model's default (and the stamps)."""
        self._buffers[table].append(self._encoders[table](row))
        self.counts[table] += 1
        self._pending += 1
        if self._pending >= CHUNK:
            self.flush()

    def flush(self) -> None:
        for name in _ORDER:
            rows = self._buffers[name]
            if rows:
                self._conn.exec_driver_sql(self._writers[name].sql, rows)
                self._buffers[name] = []
        self._pending = 0


# -- Public entry point -----------------------------------------------------------------


def is_empty(session: Session) -> bool:
    """True when no table of ours holds a row (the audit trail and the rota included):
    the only kind of database a demo may be written into."""
    return all(
        session.execute(select(literal(1)).select_from(table).limit(1)).first() is None
        for table in SQLModel.metadata.sorted_tables
    )


def generate_demo(
    session: Session,
    ctx: Ctx,
    *,
    seed: int = 1,
    children: int | None = None,
    as_of: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with a fictional unit as of ``as_of`` (default ctx.today).

    ``children`` is the number of children open to the unit at ``as_of`` (looked after
    plus on CP plans, 480 by default); everything else scales with it, IROs at about one
    per 70 children. A database holding any record is refused: fictional children must
    never mix with, or replace, real ones (there is deliberately no way to wipe).
    """
    if children is not None and not MIN_CHILDREN <= children <= MAX_CHILDREN:
        raise InvalidInput.one(
            "children", f"{children} must be between {MIN_CHILDREN} and {MAX_CHILDREN:,}"
        )
    if not is_empty(session):
        raise InvalidInput.one("database", "holds records; the demo only fills an empty database")
    say = progress or (lambda _msg: None)
    n_children = children or DEFAULT_CHILDREN
    with _sqlite_tuned(session, n_children), _indexes_after(session, say):
        builder = _DemoBuilder(session, ctx, seed=seed, children=n_children, as_of=as_of, say=say)
        summary = builder.build()
    audit(
        session,
        ctx,
        "demo.generate",
        "database",
        None,
        seed=seed,
        children=n_children,
        as_of=summary.as_of,
        counts={table: n for table, n in builder.sink.counts.items() if n},
    )
    say("Done")
    return summary


@contextmanager
def _sqlite_tuned(session: Session, children: int) -> Iterator[None]:
    """SQLite only, while generating: a page cache big enough for the unit's indexes
    (random UUID keys touch every page; SQLite's default is 2 MB) and helper threads for
    the sorts that build the indexes. Both go back to what they were. Other databases
    are left alone."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    cache_kib = min(SQLITE_CACHE_MAX_KIB, max(SQLITE_CACHE_MIN_KIB, children * 10))
    before = {
        pragma: conn.exec_driver_sql(f"PRAGMA {pragma}").scalar()
        for pragma in ("cache_size", "threads")
    }
    conn.exec_driver_sql(f"PRAGMA cache_size = {-cache_kib}")
    conn.exec_driver_sql(f"PRAGMA threads = {SQLITE_SORT_THREADS}")
    try:
        yield
    finally:
        for pragma, value in before.items():
            conn.exec_driver_sql(f"PRAGMA {pragma} = {int(value or 0)}")


@contextmanager
def _indexes_after(session: Session, say: Callable[[str], None]) -> Iterator[None]:
    """Bulk load without the secondary indexes, then build them once, sorted (far quicker
    than updating each on every row with random keys). Same transaction: all or nothing."""
    conn = session.connection()
    indexes = [index for name in _ORDER for index in TABLES[name].indexes]
    for index in indexes:
        index.drop(conn)
    yield
    say("Building indexes")
    for index in indexes:
        index.create(conn)


# -- The builder ------------------------------------------------------------------------

_Segment = tuple[date, date | None, uuid.UUID]  # an IRO allocation: start, end, IRO


class _Spread:
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
class _Kid:
    id: uuid.UUID
    dob: date | None


@dataclass(slots=True)
class _Candidate:
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


class _DemoBuilder:
    """Builds the unit part by part (IROs, care, CP, visits, resolution, duty desk)."""

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
        self.sink = _Sink(session, stamp)
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
        self.kids: list[_Kid] = []  # everyone, for enquiries about known children
        self.visit_candidates: list[_Candidate] = []
        self.resolution_candidates: list[_Candidate] = []
        self.form_candidates: list[_Candidate] = []
        self._w = {
            name: _weights(table)
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

    def uid(self) -> uuid.UUID:
        """A version 4 UUID from the seeded generator: uuid.UUID(int=bits, version=4)."""
        return uuid.UUID(int=(self.rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET)

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

    def iro_on(self, segments: list[_Segment], d: date) -> uuid.UUID:
        for start, end, iro in segments:
            if start <= d and (end is None or d < end):
                return iro
        return segments[0][2] if d < segments[0][0] else segments[-1][2]

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

    # -- IROs -----------------------------------------------------------------------------

    def make_iros(self) -> None:
        n = max(2, round(self.n_total / CHILDREN_PER_IRO))
        combos = len(IRO_FIRST) * len(IRO_LAST) // math.gcd(len(IRO_FIRST), len(IRO_LAST))
        for i in range(n):
            first, last = IRO_FIRST[i % len(IRO_FIRST)], IRO_LAST[i % len(IRO_LAST)]
            suffix = f" {i // combos + 1}" if i >= combos else ""
            # One in seven works part-time (seed: 22 hours a week).
            fte = 0.6 if i % 7 == 6 else 1.0
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

    def add_child(
        self,
        *,
        dob: date | None,
        last_name: str | None = None,
        expected_dob: date | None = None,
        ethnicity: str | None = None,
    ) -> _Kid:
        rng = self.rng
        sex = "M" if rng.random() < 0.51 else "F"
        if dob is None:
            first, sex_code, nhs = "Unborn", None, None
        else:
            first = rng.choice(BOY_NAMES if sex == "M" else GIRL_NAMES)
            sex_code = sex
            nhs = self.nhs_number() if rng.random() < 0.97 else None
        last = last_name or rng.choice(SURNAMES)
        kid = _Kid(self.uid(), dob)
        ref = f"DEMO{self._next_ref:0{self._ref_width}d}"
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
        self.starts = _Spread(self.rng, self.start, self.as_of, n_new + n_open_new)
        self.ends = _Spread(self.rng, self.start, self.as_of - timedelta(days=1), n_old + n_new)
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
        for band, count in zip(AGE_BAND_YEARS, _quota(n_main, AGE_BAND_SHARES), strict=True):
            ages.extend(self.age_years(band) for _ in range(count))
        rng.shuffle(ages)
        # The fostered share is whatever is left once the others are placed.
        _, resi, adoption, parents = _quota(n_main, list(PLACEMENT_SHARES.values()))
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
        for group, count in zip(("WBRI", "BME", "NOBT"), _quota(n_main, (84, 11, 5)), strict=True):
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
        kid = self.add_child(dob=dob, ethnicity=ethnicity)
        if start >= h and track != "short":
            self.maybe_earlier_period(kid, start)
        if not short_break:
            self.looked_after_now += 1
        unallocated = rng.random() < 0.02
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

    def maybe_earlier_period(self, kid: _Kid, start: date) -> None:
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

    # -- one period of care ---------------------------------------------------------------

    def care_period(
        self,
        kid: _Kid,
        start: date,
        end: date | None,
        track: str,
        final: str | None,
        rec: str | None,
        *,
        unallocated: bool = False,
    ) -> None:
        assert kid.dob is not None
        period_id = self.uid()
        self.sink.add(
            "care_period",
            {"id": period_id, "child_id": kid.id, "start_date": start, "end_date": end},
        )
        stop = end or self.as_of
        secure_from = self.episodes(kid, period_id, start, end, stop, track, final, rec)
        segments = self.allocate(kid.id, start, end, unallocated=unallocated)
        last_day = min(end - timedelta(days=1), self.as_of) if end else self.as_of
        if track == "short":
            # Reg 48 short breaks: no Looked After Reviews (903 rule 399), their own reviews.
            self.short_break_reviews(kid, period_id, start, last_day, segments)
            return
        self.lar_chain(kid, period_id, start, last_day, segments)
        if secure_from is not None:
            self.secure_reviews(kid, period_id, secure_from, last_day, segments)

    def allocate(
        self,
        child_id: uuid.UUID,
        start: date,
        end: date | None,
        *,
        iro: uuid.UUID | None = None,
        unallocated: bool = False,
    ) -> list[_Segment]:
        """IRO allocation rows: within 5 WD mostly, a few reallocations, a few gaps now."""
        rng = self.rng
        delay = self.ri(0, 5) if rng.random() < 0.95 else self.ri(6, 12)
        first = self.wd(start, delay)
        if end is not None and first >= end:
            first = start
        iro = iro or self.pick_iro()
        segments: list[_Segment] = [(first, end, iro)]
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

    def next_placement(self, previous: str | None, age: int) -> str:
        for _ in range(4):
            code = self.pick("resi") if age >= 12 and self.chance(0.25) else self.pick("foster")
            if code != previous:
                return code
        return code

    def episodes(
        self,
        kid: _Kid,
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
        episode = self.new_episode(kid, period_id, start, "S", ls0, place0, cin)
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
            state_ls = new_ls if ls_changed else state_ls
            state_place = new_place if place_changed else state_place
            self.sink.add("episode", episode)
            episode = self.new_episode(kid, period_id, day, rne, state_ls, state_place, cin)
            if state_place == "K1":
                secure_from = day
        episode["end_date"] = end
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
                changes.append((start + timedelta(days=self.ri(1, 8)), "C1"))
            if track == "adopt" and span >= 120:
                placement_order = between(0.3, 0.5)
                changes.append((placement_order, "E1"))
                if final in ADOPTION:
                    forced = (between(0.25, 0.6, placement_order), final)
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
        kid: _Kid,
        period_id: uuid.UUID,
        start: date,
        rne: str,
        ls: str,
        place: str,
        cin: str,
    ) -> dict[str, Any]:
        return {
            "id": self.uid(),
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

    # -- Looked After Reviews -------------------------------------------------------------

    def lar_chain(
        self,
        kid: _Kid,
        period_id: uuid.UUID,
        start: date,
        last_day: date,
        segments: list[_Segment],
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
        kid: _Kid,
        period_id: uuid.UUID,
        first_break: date,
        last_day: date,
        segments: list[_Segment],
    ) -> None:
        held: list[date] = []
        while True:
            due = short_break_due(first_break, held).date
            day = self.on_or_before(due - timedelta(days=self.ri(0, 15)))
            previous = held[-1] if held else first_break
            if day <= previous:
                day = due
            if day > last_day:
                return
            iro = self.iro_on(segments, day)
            self.review(kid, period_id, "SHORTBREAK", day, iro, False, len(held), previous)
            held.append(day)

    def secure_reviews(
        self,
        kid: _Kid,
        period_id: uuid.UUID,
        placed: date,
        last_day: date,
        segments: list[_Segment],
    ) -> None:
        held: list[date] = []
        while True:
            due = secure_review_due(placed, held, self.ts).date
            day = self.on_or_before(due - timedelta(days=self.ri(0, 10)))
            previous = held[-1] if held else placed
            if day <= previous:
                day = due
            if day > last_day:
                return
            self.review(
                kid, period_id, "SECURE", day, self.iro_on(segments, day), False, 1, previous
            )
            held.append(day)

    def review(
        self,
        kid: _Kid,
        period_id: uuid.UUID,
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
        candidate = _Candidate(kid.id, kid.dob, day, previous, iro)
        if day > self.as_of - timedelta(days=365) and rng.random() < 0.5:
            self.compliance_form(candidate, meeting_id, index)
        if rng.random() < 0.3:
            self.visit_candidates.append(candidate)
        if candidate.concerns:
            self.form_candidates.append(candidate)
        elif rng.random() < 0.12:
            self.resolution_candidates.append(candidate)

    # -- compliance forms -----------------------------------------------------------------

    def compliance_form(self, c: _Candidate, meeting_id: uuid.UUID, index: int) -> None:
        """The IRO's QA form after the review, sent to the Team Manager."""
        rng, a = self.rng, self.as_of
        form_id = self.uid()
        sent = self.wd(c.review, self.ri(1, 6))
        team_manager = rng.choice(TEAM_MANAGERS)
        status, due, responded, response = compliance.DRAFT, None, None, ""
        if sent <= a:
            status = compliance.SENT
            due = clocks.compliance_response_due(sent, self.cal, self.ts)
            r = rng.random()
            if r < 0.78:
                responded = self.wd(sent, self.ri(1, self.ts.compliance_response_wd))
            elif r < 0.9:
                responded = self.wd(sent, self.ts.compliance_response_wd + self.ri(1, 10))
            if responded is not None and responded > a:
                responded = None
            if responded is not None:
                status, response = compliance.ANSWERED, rng.choice(RESPONSES)
        else:
            sent = None
        self.sink.add(
            "compliance_form",
            {
                "id": form_id,
                "meeting_id": meeting_id,
                "child_id": c.child_id,
                "iro_id": c.iro,
                "meeting_kind": "LAR",
                "team_manager": team_manager if sent else "",
                "status": status,
                "sent_date": sent,
                "response_due": due,
                "response_date": responded,
                "response": response,
            },
        )
        concerns: list[tuple[str, str]] = []
        for key in codes.COMPLIANCE_ITEMS:
            answer, comment = "yes", ""
            if (key == "permanence_plan" and index == 0) or (
                key == "education_plan" and age_on(c.dob, c.review) < 3
            ):
                answer = "na"
            elif rng.random() < 0.04:
                answer, comment = "no", NO_COMMENTS[key]
                concerns.append((key, comment))
            self.sink.add(
                "compliance_item",
                {
                    "id": self.uid(),
                    "form_id": form_id,
                    "item_key": key,
                    "answer": answer,
                    "comment": comment,
                },
            )
        if sent is not None and concerns:
            c.form_id, c.form_sent, c.team_manager = form_id, sent, team_manager
            c.concerns = tuple(concerns)

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
        kids: list[_Kid] = []
        for i, age in enumerate(ages):
            dob = self.dob_for_age(age, anchor)
            if i == len(ages) - 1 and age == 0 and rng.random() < 0.3:
                dob = anchor + timedelta(days=self.ri(10, 120))  # pre-birth conference
            if dob > a:
                kids.append(self.add_child(dob=None, last_name=last_name, expected_dob=dob))
            else:
                kids.append(self.add_child(dob=dob, last_name=last_name))
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
        self, kids: list[_Kid], strategy: date, end: date | None, iro: uuid.UUID | None = None
    ) -> list[_Segment]:
        iro = iro or self.pick_iro()
        first = self.wd(strategy, self.ri(0, 3))
        if end is not None and first >= end:
            first = strategy
        segments: list[_Segment] = [(first, end, iro)]
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

    def cp_before_care(self, kid: _Kid, care_start: date) -> None:
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
        kids: list[_Kid],
        plan_ids: list[uuid.UUID],
        segments: list[_Segment],
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
        keys, cum = _weights(options)
        method = self.rng.choices(keys, cum_weights=cum)[0]
        assert method in codes.CP_PARTICIPATION_METHODS
        return method

    # -- visits ---------------------------------------------------------------------------

    def visits(self) -> None:
        """~90 visits a year to ~80 children (seed: 88 visits to 78 children)."""
        rng, a = self.rng, self.as_of
        for year in range(HISTORY_YEARS):
            top = a - timedelta(days=365 * year)
            bottom = top - timedelta(days=365)
            pool = [c for c in self.visit_candidates if bottom < c.review <= top]
            rng.shuffle(pool)
            n_children = round(80 * self.f_cla)
            n_visits = round(90 * self.f_cla)
            chosen: dict[uuid.UUID, _Candidate] = {}
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

    def visit(self, c: _Candidate, purpose: str) -> None:
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

    # -- Issues Resolution ----------------------------------------------------------------

    def resolution_cases(self) -> None:
        """~30 cases a year: most resolved informally or at stage 1, a few higher."""
        rng, a = self.rng, self.as_of
        n_cases = round(30 * HISTORY_YEARS * self.f_cla)
        from_forms = min(len(self.form_candidates), round(n_cases * 0.3))
        rng.shuffle(self.form_candidates)
        rng.shuffle(self.resolution_candidates)
        chosen = self.form_candidates[:from_forms]
        chosen += self.resolution_candidates[: n_cases - from_forms]
        plans: list[tuple[date, _Candidate]] = []
        for c in chosen:
            base = c.form_sent or c.review
            plans.append((min(a, base + timedelta(days=self.ri(0, 10))), c))
        plans.sort(key=lambda p: p[0])
        n_open = min(len(plans), max(2, round(3 * self.f_cla)))
        n_special = max(1, round(self.f_cla))
        open_from = len(plans) - n_open
        cafcass_left = n_special
        overdue_left = n_special
        for i, (raised, c) in enumerate(plans):
            mode = "open" if i >= open_from else "resolved"
            if mode == "open" and overdue_left:
                # Stuck with its holder past the stage's 20 WD; not tied to a recent form.
                mode, overdue_left = "overdue", overdue_left - 1
                raised = self.cal.subtract_working_days(a, self.ri(22, 30))
                c = replace(c, form_id=None, form_sent=None, team_manager="", concerns=())
            elif (
                mode == "resolved"
                and cafcass_left
                and i >= len(plans) // 3
                and raised < a - timedelta(days=180)
            ):
                mode, cafcass_left = "cafcass", cafcass_left - 1
            self.resolution_case(c, raised, mode)

    def resolution_case(self, c: _Candidate, raised: date, mode: str) -> None:
        rng, a = self.rng, self.as_of
        case_id = self.uid()
        if c.form_id is not None:
            first_stage = 1
            lines = [
                f"Concerns from the compliance form after the {codes.MEETING_KIND_LABELS['LAR']}:"
            ]
            lines += [f"- {codes.COMPLIANCE_ITEMS[k]} No: {text}" for k, text in c.concerns]
            issue = "\n".join(lines)
            final = rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
        else:
            first_stage = 0
            issue = rng.choice(ISSUES)
            final = rng.choices((0, 1, 2, 3, 4), weights=(45, 33, 13, 7, 2))[0]
        if mode == "cafcass":
            final = max(final, 2)
        if mode == "overdue":
            final = first_stage
        stages: list[dict[str, Any]] = []
        started = raised
        status, resolved, cafcass, outcome = resolution.OPEN, None, None, ""
        for stage in range(first_stage, final + 1):
            due = clocks.resolution_stage_due(started, self.cal, self.ts)
            if stage == 1:
                holder = c.team_manager or rng.choice(TEAM_MANAGERS)
            else:
                holder = STAGE_HOLDERS[stage]
            row = {
                "id": self.uid(),
                "case_id": case_id,
                "stage": stage,
                "holder": holder,
                "started": started,
                "due": due,
                "ended": None,
                "note": "" if stage == first_stage else "Not resolved in time; escalated.",
            }
            stages.append(row)
            if mode in ("open", "overdue") and stage == final:
                break
            if stage < final:
                ended = self.wd(started, self.ri(8, self.ts.resolution_stage_wd))
            elif rng.random() < 0.9:
                ended = self.wd(started, self.ri(2, self.ts.resolution_stage_wd))
            else:
                ended = self.wd(started, self.ts.resolution_stage_wd + self.ri(1, 10))
            if ended > a:
                break  # still with this stage's holder at as_of
            row["ended"] = ended
            started = ended
            if stage == final:
                if mode == "cafcass":
                    status, cafcass = resolution.CAFCASS, ended
                    outcome = (
                        "Referred to Cafcass: the plan has drifted; the child's rights at risk."
                    )
                else:
                    status, resolved = resolution.RESOLVED, ended
                    outcome = "Resolved: actions agreed and completed."
        self.sink.add(
            "resolution_case",
            {
                "id": case_id,
                "child_id": c.child_id,
                "raised_by_iro_id": c.iro,
                "compliance_form_id": c.form_id,
                "issue": issue,
                "raised_date": raised,
                "status": status,
                "outcome": outcome,
                "resolved_date": resolved,
                "cafcass_referred": cafcass,
            },
        )
        for row in stages:
            self.sink.add("resolution_stage", row)

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

    def enquiries(self, rota: dict[date, tuple[uuid.UUID | None, uuid.UUID | None]]) -> None:
        """~3 enquiries a working day; most closed with a trail, a handful still open."""
        a = self.as_of
        lam = 3 * self.f_total
        recent = self.cal.subtract_working_days(a, 10)
        for day, (duty_iro, backup) in rota.items():
            if day > a:
                break
            for _ in range(self.poisson(lam)):
                self.enquiry(day, duty_iro or backup, day >= recent)

    def enquiry(self, day: date, taker: uuid.UUID | None, recent: bool) -> None:
        rng, a = self.rng, self.as_of
        received = datetime.combine(day, time(8, 0), UTC) + timedelta(minutes=self.ri(0, 540))
        if received >= self.now:
            return  # later today: not rung yet
        category = self.pick("enquiry")
        role, agency = rng.choice(ENQUIRY_CALLERS)
        if category == duty.LADO:
            role, agency = rng.choice(
                (("Headteacher", "Demo Academy"), ("Fostering manager", "Demo Fostering Service"),
                 ("Police officer", "Demo Constabulary"), ("Club secretary", "Demo Youth FC"))
            )  # fmt: skip
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
        label = codes.ENQUIRY_CATEGORIES[category]
        follow_up = self.wd(day, self.ri(1, 5)) if rng.random() < 0.45 else None
        still_open = recent and rng.random() < 0.12
        if still_open and rng.random() < 0.8:
            follow_up = self.wd(day, self.ri(1, 5))
            if rng.random() < 0.4:
                # Promised a call back that has not happened: overdue at as_of.
                follow_up = max(self.wd(day, 1), self.cal.subtract_working_days(a, 1))
        lado_referred = lado_meeting = None
        if category == duty.LADO:
            lado_referred = self.wd(day, self.ri(0, 1) if rng.random() < 0.92 else 3)
            r = rng.random()
            if r < 0.8:
                lado_meeting = self.wd(day, self.ri(2, self.ts.lado_meeting_wd))
            elif r < 0.95:
                lado_meeting = self.wd(day, self.ts.lado_meeting_wd + self.ri(1, 4))
            lado_referred = lado_referred if lado_referred <= a else None
            lado_meeting = lado_meeting if lado_meeting and lado_meeting <= a else None
        close_day = None
        if not still_open:
            close_day = self.wd(follow_up or day, self.ri(0, 3))
            if lado_meeting:
                close_day = max(close_day, lado_meeting)
            if close_day > a:
                close_day, still_open = None, True
        enquiry_id = self.uid()
        # The trail: each update records the state after it (as duty.py writes it).
        trail: list[tuple[datetime, str, str, date | None, date | None, date | None]] = []
        state: dict[str, date | None] = {"follow": follow_up, "referred": None, "meeting": None}
        latest = self.now - timedelta(minutes=1)

        def note(at: datetime, text: str, status: str = duty.OPEN) -> None:
            at = min(at, latest)  # nothing is written later than "now"
            if trail and at <= trail[-1][0]:
                at = trail[-1][0] + timedelta(seconds=1)
            trail.append((at, text, status, state["follow"], state["referred"], state["meeting"]))

        note(received, "logged")
        if lado_referred is not None:
            state["referred"] = lado_referred
            note(datetime.combine(lado_referred, time(11, 0), UTC), "Referred to the LADO.")
        if lado_meeting is not None:
            state["meeting"] = lado_meeting
            note(
                datetime.combine(lado_meeting, time(14, 0), UTC),
                "Allegation management meeting held.",
            )
        if follow_up is not None and follow_up <= a and not still_open and rng.random() < 0.5:
            note(
                datetime.combine(follow_up, time(10, 30), UTC),
                "Followed up with the social worker.",
            )
        if close_day is not None:
            note(
                datetime.combine(close_day, time(16, 0), UTC),
                "No further action for the duty IRO.",
                duty.CLOSED,
            )
        self.sink.add(
            "enquiry",
            {
                "id": enquiry_id,
                "created_at": received,
                "updated_at": trail[-1][0],
                "received_at": received,
                "taken_by_iro_id": taker,
                "caller_name": f"{rng.choice(BOY_NAMES + GIRL_NAMES)} {rng.choice(SURNAMES)}",
                "caller_role": role,
                "caller_agency": agency,
                "category": category,
                "child_id": kid.id if kid else None,
                "subject": subject,
                "summary": f"{label}: caller concerned and asked for advice (demo text).",
                "action": rng.choice(ENQUIRY_ACTIONS),
                "follow_up_due": follow_up,
                "status": duty.CLOSED if close_day is not None else duty.OPEN,
                "lado_referred": lado_referred,
                "lado_meeting": lado_meeting,
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
