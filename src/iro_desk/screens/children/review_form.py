"""Record a Looked After Review or a CP conference for one child, with how they took part.

The DfE 903 participation rules are checked as the code or the date changes (the same
``rules.participation`` functions the services apply on save), so the reason shows
next to the field before anything is saved; the service still has the last word.
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Header, Input, Label, Select, Static, TextArea

from iro_desk.rules.codes import (
    CP_CATEGORIES,
    CP_PARTICIPATION_METHODS,
    MEETING_KIND_LABELS,
    PARTICIPATION_CODES,
)
from iro_desk.rules.dates import age_on
from iro_desk.rules.participation import allowed_codes, check_cp_participation, check_review
from iro_desk.screens.base import DeskModal
from iro_desk.screens.dialogs.confirm import leave_or_ask
from iro_desk.services.child_record import ChildRecord, MeetingLine
from iro_desk.services.display import literal
from iro_desk.services.errors import InvalidInput
from iro_desk.services.meeting_actions import CONFERENCE_KINDS, save_review, start_review
from iro_desk.services.validate import parse_date
from iro_desk.widgets.child_format import day, participation_label
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.desk_select import DeskSelect
from iro_desk.widgets.form_kit import DATE_PLACEHOLDER, FormKit, error_lines, set_error

REVIEW_KINDS = ("LAR", "SECURE")
# Fields the services name, mapped to the note under our field.
FIELD_ALIASES = {"date": "review_date", "children": "kind"}


def _legal_status_on(record: ChildRecord, on: date) -> str | None:
    for period in record.periods:
        for e in period.episodes:
            if e.start <= on and (e.end is None or on < e.end):
                return e.legal_status
    return None


def _default_kind(record: ChildRecord) -> str:
    """The kind of meeting the child's schedule says is next."""
    current = record.current
    next_kind = (current.next_review_kind or "") if current else ""
    if "ICPC" in next_kind:
        return "ICPC"
    if "RCPC" in next_kind:
        return "RCPC"
    if "Secure" in next_kind:
        return "SECURE"
    if current and "CLA" not in current.status and "CP" in current.status:
        return "RCPC"
    return "LAR"


def _codes_text(codes_: list[str]) -> str:
    return codes_[0] if len(codes_) == 1 else f"{codes_[0]}-{codes_[-1]}"


class ReviewFormScreen(FormKit, DeskModal[bool]):
    FORM_ERROR = "error-form"

    HELP = """\
# Record a review or conference

For a **Looked After Review** (or a secure accommodation review): the date it was
held, whether it was brought forward (an early review), and how the child took part,
as the SSDA903 code:

- PN0 child aged under 4 at the time of the review
- PN1 attends and speaks for him or herself
- PN2 attends and an advocate speaks on his or her behalf
- PN3 attends and conveys views symbolically (non-verbally)
- PN4 attends but does not contribute
- PN5 does not attend but briefs an advocate to speak for him or her
- PN6 does not attend but conveys views by a facilitative medium
- PN7 does not attend nor are views conveyed

The DfE rules are checked as you choose: PN0 is only for a child under 4 on the
review date (rule 440) and PN1-PN7 only for a child of 4 or over (rule 441); a
child on short breaks (V3/V4) has no Looked After Reviews (rule 399).

For a **child protection conference** (ICPC or RCPC): whether a child aged 4 or
over took part, and how (attended, consultation form, direct work, drawings,
written, advocate). An ICPC also records whether it made a plan, and the category.

Opened with `p` on a held review, the form corrects the participation code only.

`Ctrl+S` saves; `Escape` leaves (asking first if anything was typed).
"""
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="review_save", priority=True),
        Binding("escape", "cancel", "Cancel", id="review_cancel"),
    ]

    DRAFT_KIND = "review"
    REQUIRED = ("review-date", "review-participation", "review-took-part", "review-chair")
    DRAFT_FIELDS = (
        "review-kind",
        "review-date",
        "review-bf",
        "review-participation",
        "review-took-part",
        "review-method",
        "review-plan",
        "review-category",
        "review-chair",
        "review-views",
    )

    def __init__(
        self,
        ref: str,
        meeting_child_id: uuid.UUID | None = None,
        restore: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.ref = ref
        self.restore = restore  # a new review's draft, left when the terminal closed
        self.meeting_child_id = meeting_child_id
        self.record: ChildRecord | None = None
        self.meeting: MeetingLine | None = None  # the review being corrected
        self._initial: dict[str, Any] | None = None
        self._checked: dict[str, Any] | None = None  # the state the notes describe

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Vertical(id="review-body"):
            yield Static(f"Review for {self.ref}", id="review-title", classes="screen-title")
            # Compact one-line fields: the whole form fits an 80x24 terminal.
            with Horizontal(classes="review-line"):
                yield Label("Kind", classes="review-label")
                yield DeskSelect(
                    [
                        (f"{MEETING_KIND_LABELS[k]} ({k})", k)
                        for k in (*REVIEW_KINDS, "ICPC", "RCPC")
                    ],
                    id="review-kind",
                    allow_blank=False,
                    value="LAR",
                    compact=True,
                )
            with Horizontal(classes="review-line"):
                yield Label("Date held", classes="review-label")
                yield Input(id="review-date", placeholder=DATE_PLACEHOLDER, compact=True)
                yield Checkbox("Brought forward (early review)", id="review-bf", compact=True)
            yield from error_lines("kind", "review_date", "brought_forward")
            with Vertical(id="review-lar"):
                with Horizontal(classes="review-line"):
                    yield Label("Took part", classes="review-label")
                    yield DeskSelect(
                        [(participation_label(c), c) for c in PARTICIPATION_CODES],
                        id="review-participation",
                        prompt="How the child took part (PN0-PN7)",
                        compact=True,
                    )
                yield Static("", id="review-allowed", classes="hint")
                yield from error_lines("participation", "legal_status")
            with Vertical(id="review-cp"):
                with Horizontal(classes="review-line"):
                    yield Label("Took part", classes="review-label")
                    yield DeskSelect(
                        [("Took part", "yes"), ("Did not take part", "no")],
                        id="review-took-part",
                        prompt="Did the child take part?",
                        compact=True,
                    )
                    yield DeskSelect(
                        [(label, code) for code, label in CP_PARTICIPATION_METHODS.items()],
                        id="review-method",
                        prompt="How",
                        compact=True,
                    )
                yield Static("", id="review-cp-hint", classes="hint")
                yield from error_lines("took_part", "method")
                with Vertical(id="review-icpc"):
                    with Horizontal(classes="review-line"):
                        yield Label("Outcome", classes="review-label")
                        yield Checkbox("Made a CP plan", value=True, id="review-plan", compact=True)
                        yield DeskSelect(
                            [(f"{label} ({code})", code) for code, label in CP_CATEGORIES.items()],
                            id="review-category",
                            prompt="Category of abuse",
                            compact=True,
                        )
                    yield from error_lines("outcome", "category")
            with Horizontal(classes="review-line", id="review-chair-row"):
                yield Label("Chair", classes="review-label")
                yield DeskSelect([], id="review-chair", prompt="The IRO who chaired", compact=True)
            yield from error_lines("chair")
            with Vertical(id="review-views-box"):
                yield Label("The child's views at the meeting (optional)", classes="muted")
                yield TextArea(id="review-views", soft_wrap=True, tab_behavior="focus")
            yield from error_lines("views", "form")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#review-body").loading = True
        self._prepare(self.ref, self.iro_app.me is None)

    @work(thread=True, exclusive=True, group="review-load")
    def _prepare(self, ref: str, need_chairs: bool) -> None:
        try:
            record, chairs = start_review(
                self.desk, ref=ref, need_chairs=need_chairs, today=self.iro_app.today
            )
        except InvalidInput as exc:
            self.app.call_from_thread(self._cannot_open, str(exc))
            return
        self.app.call_from_thread(self._fill, record, chairs)

    def _cannot_open(self, message: str) -> None:
        self.notify(message, title="Review", severity="error")
        self.dismiss(False)

    def _fill(self, record: ChildRecord, chairs: list[str]) -> None:
        self.record = record
        self.query_one("#review-body").loading = False
        self.query_one("#review-chair", Select).set_options(
            [(literal(n, multiline=False), n) for n in chairs]
        )
        self.query_one("#review-chair-row").display = bool(chairs)
        kind = self.query_one("#review-kind", Select)
        when = self.query_one("#review-date", Input)
        if self.meeting_child_id is not None:
            self.meeting = next(
                (m for m in record.meetings if m.meeting_child_id == self.meeting_child_id), None
            )
            if self.meeting is None:
                self._cannot_open("That review is no longer on the child's record.")
                return
            m = self.meeting
            self.query_one("#review-title", Static).update(
                literal(
                    f"Correct how {record.name} ({record.ref}) took part: "
                    f"{m.kind} held {day(m.date)}"
                )
            )
            kind.value = m.kind
            when.value = m.date.isoformat()
            kind.disabled = when.disabled = True
            if m.participation in PARTICIPATION_CODES:
                self.query_one("#review-participation", Select).value = m.participation
            if m.cp_took_part is not None:
                took = "yes" if m.cp_took_part else "no"
                self.query_one("#review-took-part", Select).value = took
            if m.cp_method in CP_PARTICIPATION_METHODS:
                self.query_one("#review-method", Select).value = m.cp_method
            for hidden in ("#review-bf", "#review-views-box", "#review-chair-row"):
                self.query_one(hidden).display = False
            self.query_one("#review-participation", Select).focus()
        else:
            self.query_one("#review-title", Static).update(
                literal(
                    f"Record a review or conference for {record.name} ({record.ref}), "
                    f"age {record.age}"
                )
            )
            kind.value = _default_kind(record)
            when.value = self.iro_app.today.isoformat()
        self._initial = self.state()
        if self.meeting_child_id is None:  # a correction is one choice: no draft
            blank = self.draft_state()
            if self.restore:
                self.fill_draft(self.restore)
            self.start_drafts(blank)
        self._show_kind()
        self.live_check()
        if self.meeting_child_id is None:
            self.focus_first_empty("review-kind")

    def draft_key(self) -> str:
        return self.ref

    @staticmethod
    def _chosen(select: Select) -> str | None:
        return None if select.value is Select.NULL else str(select.value)

    def state(self) -> dict[str, Any]:
        q = self.query_one
        return {
            "kind": self._chosen(q("#review-kind", Select)),
            "date": q("#review-date", Input).value.strip(),
            "participation": self._chosen(q("#review-participation", Select)),
            "brought_forward": q("#review-bf", Checkbox).value,
            "took_part": self._chosen(q("#review-took-part", Select)),
            "method": self._chosen(q("#review-method", Select)),
            "plan": q("#review-plan", Checkbox).value,
            "category": self._chosen(q("#review-category", Select)),
            "chair": self._chosen(q("#review-chair", Select)),
            "views": q("#review-views", TextArea).text,
        }

    def _show_kind(self) -> None:
        kind = self._chosen(self.query_one("#review-kind", Select)) or "LAR"
        self.query_one("#review-lar").display = kind in REVIEW_KINDS
        self.query_one("#review-cp").display = kind in CONFERENCE_KINDS
        # Correcting participation leaves the conference's outcome alone.
        self.query_one("#review-icpc").display = kind == "ICPC" and self.meeting is None
        self.query_one("#review-bf").display = kind in REVIEW_KINDS and self.meeting is None

    # --- as-you-type checks ---------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "review-kind":
            self._show_kind()
        self.live_check()

    def on_input_changed(self) -> None:
        self.live_check()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "review-plan":
            # A category is only asked for when the conference made a plan.
            self.query_one("#review-category").display = event.value
        self.live_check()

    def _note(self, field: str, text: str) -> None:
        set_error(self.query_one(f"#error-{field}", Static), text)

    def live_check(self) -> None:
        """The 903 / local participation rules on what is on screen now (no database)."""
        if self.record is None:
            return
        state = self.state()
        if state == self._checked:
            return  # a late event for a value already checked (or already saved)
        self._checked = state
        for field in ("review_date", "participation", "legal_status", "took_part", "method"):
            self._note(field, "")
        try:
            when = parse_date("review_date", state["date"])
        except InvalidInput as exc:
            self._note("review_date", exc.problems[0].reason)
            when = None
        dob = self.record.dob
        if state["kind"] == "LAR":
            self._lar_hint(dob, when)
            if when is not None:
                code = state["participation"]
                for breach in check_review(when, code, dob, _legal_status_on(self.record, when)):
                    if breach.field == "participation" and not code:
                        continue  # not chosen yet: that is only said on save
                    self._note(breach.field, breach.message)
        elif state["kind"] in CONFERENCE_KINDS:
            self._cp_hint(dob, when, state)

    def _lar_hint(self, dob: date | None, when: date | None) -> None:
        hint = self.query_one("#review-allowed", Static)
        if dob is None or when is None:
            hint.update("")
            return
        age = age_on(dob, when)
        hint.update(
            f"Aged {age} on {day(when)}: {_codes_text(allowed_codes(dob, when))}"
            if age >= 0
            else "Not yet born on this date"
        )

    def _cp_hint(self, dob: date | None, when: date | None, state: dict[str, Any]) -> None:
        hint = self.query_one("#review-cp-hint", Static)
        if dob is None or when is None:
            hint.update("Age on the conference date not known")
            return
        age = age_on(dob, when)
        if age < 4:
            hint.update("Taking part is recorded only for children aged 4 or over; leave it blank.")
        else:
            hint.update(f"Aged {age}: record whether the child took part, and how.")
        took_part = {"yes": True, "no": False}.get(state["took_part"] or "")
        for breach in check_cp_participation(age, took_part, state["method"]):
            missing = (breach.field == "took_part" and took_part is None) or (
                breach.field == "method" and took_part and not state["method"]
            )
            if not missing:
                self._note(breach.field, breach.message)

    # --- save ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.record is None or self.busy:
            return
        self._checked = self.state()  # the save's answer replaces the as-you-type notes
        state = self.state()
        job = partial(
            save_review,
            self.desk,
            ref=self.ref,
            meeting_child_id=self.meeting_child_id,
            kind=state["kind"] or "LAR",
            held=state["date"],
            participation=state["participation"],
            brought_forward=bool(state["brought_forward"]),
            chair_name=self.iro_app.me or state["chair"],
            views=state["views"],
            took_part=state["took_part"],
            method=state["method"],
            plan=bool(state["plan"]),
            category=state["category"],
        )
        self.save(job, self._saved)

    def problem_field(self, field: str) -> str:
        field = field.split(".")[-1]  # "C12.took_part" -> "took_part"
        return FIELD_ALIASES.get(field, field)

    def _saved(self, message: str) -> None:
        self.notify(message, title="Review")
        self.dismiss(True)

    # --- cancel -------------------------------------------------------------------------

    def action_cancel(self) -> None:
        unchanged = self.record is None or self._initial is None or self.state() == self._initial
        unchanged = unchanged and not self.unsaved  # a restored draft counts as typed
        leave_or_ask(
            self,
            not unchanged,
            "Discard this review? Nothing has been saved.",
            lambda: self.drop_draft_then(lambda: self.dismiss(False)),
        )
