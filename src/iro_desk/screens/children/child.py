"""Everything about one child, on tabs, and the things an IRO does for them from here."""

from __future__ import annotations

import uuid
from datetime import date

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Label, Static, TabbedContent, TabPane

from iro_desk import clock, textual_private
from iro_desk.screens.base import DeskScreen
from iro_desk.services.audit_trail import Opening
from iro_desk.services.caseload import CaseloadRow
from iro_desk.services.caseload_clocks import deadline_text
from iro_desk.services.child_actions import open_child_record
from iro_desk.services.child_record import ChildRecord, MeetingLine
from iro_desk.services.display import literal, plain
from iro_desk.services.duty import EnquiryRow
from iro_desk.services.enquiry_search import find_enquiries
from iro_desk.services.errors import InvalidInput
from iro_desk.widgets.child_format import (
    SOON_WD,
    cp_participation_text,
    day,
    first_line,
    long_day,
    participation_summary,
    styled,
    visit_location_label,
    visit_purpose_label,
)
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.form_kit import due_style

TABLES: dict[str, tuple[str, ...]] = {
    "child-episodes": ("Period from", "Episode from", "To", "Legal status", "Placement", "Reason"),
    "child-plans": ("Strategy", "ICPC", "Plan from", "Category", "Ended", "Outcome"),
    # The dates first and short, so that at 80 columns only the free text is ever cut.
    "child-meetings": ("Date", "Kind", "Due", "Timely", "BF", "Decisions", "Record", "Took part"),
    "child-visits": ("Date", "IRO", "Where", "Purpose", "Alone", "Views", "Note"),
    "child-forms": ("Review", "Held", "Status", "Team manager", "Sent", "Due", "Answered", "No's"),
    "child-cases": ("Raised", "Status", "Stage", "Held by", "Stage due", "Issue"),
    "child-enquiries": ("Received", "Cat", "Caller", "Follow-up", "Status", "Summary"),
}


class ChildScreen(DeskScreen):
    AUTO_FOCUS = "#child-tabs Tabs"
    HELP = """\
# Child

Everything about one child, on tabs (click a tab, or focus the tabs and use
Left/Right):

- **Profile**: identity, current legal status or CP category, next review, IRO and
  allocation history.
- **Care**: periods of care with each legal status and placement; CP plans.
- **Reviews**: reviews and conferences with the date due, the date held, on time or
  late, brought forward (BF) and how the child took part.
- **Visits**, **Views** (the child's views, wishes and feelings over time, and below
  them who has opened this record and when: every opening is audited),
  **Forms** (compliance forms), **Cases** (issues resolution) and **Enquiries** (every
  duty enquiry about the child; `Enter` opens one).

Keys: `r` record a review or conference, `v` log a visit, `p` record or correct how
the child took part in the review highlighted on the Reviews tab, `c` start a
compliance form (for the highlighted review when the Reviews tab is open), `e`
raise an issues resolution case (on the Cases tab: open the highlighted case to
escalate it). Escape goes back.
"""
    BINDINGS = [
        Binding("r", "record_review", "Review", id="child_review"),
        Binding("v", "visit", "Visit", id="child_visit"),
        Binding("p", "participation", "Participation", id="child_participation"),
        Binding("c", "compliance", "Compliance", id="child_compliance"),
        Binding("e", "resolution", "Resolution", id="child_resolution"),
        Binding("ctrl+r", "reload", "Reload", id="child_reload", show=False),
        Binding("m", "details_903", "903 details", id="child_903", show=False),
    ]

    def __init__(self, ref: str = "") -> None:
        super().__init__()
        self.ref = ref
        self.record: ChildRecord | None = None
        # The child whose opening was last audited: a reload (back from a form) is not
        # a new opening.
        self._opened: str | None = None

    def show_child(self, ref: str) -> None:
        """Point a kept (reused) child screen at another child before it is shown again.

        The previous child's details are cleared first so they never show under the new
        child's reference while the record loads.
        """
        self.ref = ref
        self.record = None
        self._opened = None  # shown again: a new opening
        if not self.is_mounted:
            return
        self.title = plain(ref, multiline=False)
        self.query_one("#child-title", Static).update(literal(ref, multiline=False))
        for static_id in ("child-next", "child-profile", "child-views", "child-opened"):
            self.query_one(f"#{static_id}", Static).update("")
        for table in self.query(DataTable):
            table.clear()
        self.query_one("#child-tabs", TabbedContent).active = "tab-profile"

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(literal(self.ref, multiline=False), id="child-title", classes="screen-title")
        yield Static("", id="child-next")
        with TabbedContent(id="child-tabs"):
            with TabPane("Profile", id="tab-profile"), VerticalScroll():
                yield Static("", id="child-profile")
            with TabPane("Care", id="tab-care"), Vertical(id="child-care"):
                yield Label("Periods of care: legal status and placement")
                yield self._table("child-episodes")
                yield Label("Child protection")
                plans = self._table("child-plans")
                # Few plans per child: the table shrinks to them (inline: beats app.tcss).
                plans.styles.height = "auto"
                plans.styles.max_height = 8
                yield plans
            with TabPane("Reviews", id="tab-reviews"):
                yield self._table("child-meetings")
            with TabPane("Visits", id="tab-visits"):
                yield self._table("child-visits")
            with TabPane("Views", id="tab-views"), VerticalScroll():
                yield Static("", id="child-views")
                yield Static("", id="child-opened")
            with TabPane("Forms", id="tab-forms"):
                yield self._table("child-forms")
            with TabPane("Cases", id="tab-cases"):
                yield self._table("child-cases")
            with TabPane("Enquiries", id="tab-enquiries"):
                yield self._table("child-enquiries")
        yield DeskFooter()

    @staticmethod
    def _table(table_id: str) -> DataTable:
        table: DataTable = DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
        table.add_columns(*TABLES[table_id])
        return table

    @on(events.ScreenResume)
    def _restyle_only_if_needed(self, event: events.ScreenResume) -> None:
        # Many nodes (eight tabs, seven tables): restyling them all on every opening was
        # about a tenth of Enter's CPU.
        textual_private.restyle_on_resume_only_if_changed(self, event)

    def on_screen_resume(self) -> None:
        # First shown, or back from a form: reload so what was just saved shows.
        self.load()

    def action_reload(self) -> None:
        self.load()

    def load(self) -> None:
        if self.ref:  # a kept screen made ahead of time has no child until one is opened
            self._load(self.ref)

    @work(thread=True, exclusive=True, group="child")
    def _load(self, ref: str) -> None:
        try:
            record, opened = open_child_record(
                self.desk, ref=ref, today=self.iro_app.today, audit_opening=ref != self._opened
            )
            self._opened = ref
            enquiries = find_enquiries(self.desk, child_ref=ref)
        except InvalidInput as exc:
            self.app.call_from_thread(self._missing, str(exc))
            return
        self.app.call_from_thread(self._show, record, opened, enquiries)

    def _missing(self, message: str) -> None:
        self.notify(message, title="Child", severity="error")
        if self.app.screen is self:
            self.app.pop_screen()

    # --- drawing ----------------------------------------------------------------------

    def _show(
        self,
        record: ChildRecord,
        opened: list[Opening] | None = None,
        enquiries: list[EnquiryRow] | None = None,
    ) -> None:
        self.record = record
        self.title = plain(record.name, multiline=False)
        self.query_one("#child-title", Static).update(self._title_text(record))
        self.query_one("#child-next", Static).update(self._next_text(record))
        self.query_one("#child-profile", Static).update(self._profile_text(record))
        self.query_one("#child-views", Static).update(self._views_text(record))
        self.query_one("#child-opened", Static).update(_opened_text(opened or []))
        self._fill("child-episodes", self._episode_rows(record))
        self._fill("child-plans", self._plan_rows(record))
        self._fill("child-meetings", self._meeting_rows(record))
        self._fill("child-visits", self._visit_rows(record))
        self._fill("child-forms", self._form_rows(record))
        self._fill("child-cases", self._case_rows(record))
        self._fill(
            "child-enquiries", _enquiry_rows(enquiries or [], due_style(self.app, True, None))
        )

    def _fill(self, table_id: str, rows: list[tuple[str, list[Text]]]) -> None:
        """Replace a table's rows, keeping the highlighted row where it still exists."""
        table = self.query_one(f"#{table_id}", DataTable)
        before = [str(row.key.value) for row in table.ordered_rows]
        keep = None
        if table.row_count:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        keys = [key for key, _ in rows]
        if keep in keys and set(keys) <= set(before):
            table.move_cursor(row=keys.index(keep))
        else:
            # Something new (just recorded, newest first): show it at the top.
            table.move_cursor(row=0)
            table.scroll_home(animate=False)

    @staticmethod
    def _title_text(r: ChildRecord) -> Text:
        text = literal(f"{r.name} · {r.ref} · age {r.age}", multiline=False)
        if r.current:
            text.append(f" · {r.current.status}")
        text.append(plain(f" · IRO {r.iro}", multiline=False) if r.iro else " · no IRO")
        return text

    def _next_text(self, r: ChildRecord) -> Text:
        current = r.current
        if current is None:
            return Text("Not looked after or on a CP plan today", style="dim")
        if current.next_review_due is None:
            return Text("No review is due", style="dim")
        text = Text("Next: ")
        text.append(
            f"{current.next_review_kind} due {long_day(current.next_review_due)}"
            f" ({_wd_words(current.wd_left)})",
            style=due_style(self.app, current.overdue, current.wd_left, soon_wd=SOON_WD),
        )
        text.append(_record_note(current), style="bold")
        if current.last_visit:
            text.append(f" · last visit {day(current.last_visit)}")
        return text

    def _profile_text(self, r: ChildRecord) -> Text:
        t = Text()
        t.append(plain(r.name, multiline=False), style="bold")
        t.append(f"  ({plain(r.ref, multiline=False)})\n")
        if r.dob:
            t.append(f"Born {day(r.dob)}, age {r.age}")
        elif r.expected_dob:
            t.append(f"Unborn: expected {day(r.expected_dob)}")
        else:
            t.append("Date of birth not known")
        sex = {"M": "male", "F": "female", "U": "sex not known"}.get(r.sex or "", "")
        if sex:
            t.append(f" · {sex}")
        if r.ethnicity:
            t.append(f" · {r.ethnicity_label or r.ethnicity} ({r.ethnicity})")
        t.append("\n")
        t.append(
            plain(f"NHS number {r.nhs_number or 'not recorded'} · UPN {r.upn or 'not recorded'}")
            + "\n\n"
        )
        for line in r.findings:  # open 903 import findings (iro-desk findings)
            t.append(plain(f"Finding: {line}", multiline=False) + "\n", style="bold")
        t.append("Now\n", style="bold")
        c = r.current
        if c is None:
            t.append("Not looked after and not on a child protection plan today.\n")
        else:
            t.append(f"Status {c.status}")
            if c.legal_status:
                t.append(f" · legal status {c.legal_status}")
            if c.placement:
                t.append(f" · placement {c.placement}")
            if c.cp_category:
                t.append(f" · CP category {c.cp_category}")
            t.append("\n")
            if c.next_review_due:
                t.append("Next review: ")
                t.append(
                    f"{c.next_review_kind} due {long_day(c.next_review_due)}"
                    f" ({_wd_words(c.wd_left)})",
                    style=due_style(self.app, c.overdue, c.wd_left, soon_wd=SOON_WD),
                )
                t.append(_record_note(c) + "\n", style="bold")
                if c.next_review_basis:
                    t.append(f"  {c.next_review_basis}\n", style="dim")
            for d in c.deadlines:  # IRO allocation and circulation (rules/clocks.py)
                t.append(deadline_text(d, day) + "\n", style=due_style(self.app, d.late, None))
            t.append(
                f"Last review {day(c.last_review, 'none')} · last visit "
                f"{day(c.last_visit, 'none')} · last took part: "
                f"{participation_summary(c.last_participation) or 'not recorded'}\n"
            )
        t.append(f"IRO: {plain(r.iro) or 'none allocated'}\n\n")
        t.append("IRO allocations\n", style="bold")
        if not r.allocations:
            t.append("None recorded.\n")
        for a in r.allocations:
            t.append(f"  {plain(a.iro)}: {day(a.start)} to {day(a.end, 'now')}\n")
        return t

    @staticmethod
    def _views_text(r: ChildRecord) -> Text:
        if not r.views:
            return Text("No views, wishes or feelings recorded yet.", style="dim")
        t = Text()
        for v in r.views:
            t.append(f"{long_day(v.date)} · {plain(v.source)}\n", style="bold")
            t.append(f"{plain(v.text.strip())}\n\n")
        return t

    def _episode_rows(self, r: ChildRecord) -> list[tuple[str, list[Text]]]:
        rows = []
        for p in r.periods:
            for i, e in enumerate(p.episodes):
                place = f"{e.placement} {e.placement_group or ''}".strip() if e.placement else ""
                rows.append(
                    (
                        f"{p.id}:{e.start}",
                        [
                            styled(day(p.start) if i == 0 else ""),
                            styled(day(e.start)),
                            styled(day(e.end, "now")),
                            styled(f"{e.legal_status} {e.legal_label}"),
                            styled(place),
                            styled(e.reason_place_change or ""),
                        ],
                    )
                )
        return rows

    @staticmethod
    def _plan_rows(r: ChildRecord) -> list[tuple[str, list[Text]]]:
        return [
            (
                str(p.id),
                [
                    styled(day(p.strategy_date)),
                    styled(day(p.icpc_date)),
                    styled(day(p.start)),
                    styled(p.category or ""),
                    styled(day(p.end, "open")),
                    styled(p.outcome or ""),
                ],
            )
            for p in r.plans
        ]

    def _meeting_rows(self, r: ChildRecord) -> list[tuple[str, list[Text]]]:
        rows = []
        for m in r.meetings:
            if m.on_time is None:
                timely = styled("")
            elif m.on_time:
                timely = styled("on time")
            else:
                timely = styled("late", due_style(self.app, True, None))
            took_part = m.participation or cp_participation_text(m.cp_took_part, m.cp_method)
            rows.append(
                (
                    str(m.meeting_child_id),
                    [
                        styled(_short(m.date)),
                        styled(m.kind),
                        styled(_short(m.due)),
                        timely,
                        styled("BF" if m.brought_forward else ""),
                        styled(_short(m.decisions_circulated)),
                        styled(_short(m.record_circulated)),
                        styled(took_part),
                    ],
                )
            )
        return rows

    @staticmethod
    def _visit_rows(r: ChildRecord) -> list[tuple[str, list[Text]]]:
        rows = []
        for v in r.visits:
            note = "amended later" if v.superseded else ("a correction" if v.amends_id else "")
            rows.append(
                (
                    str(v.id),
                    [
                        styled(day(v.visit_date)),
                        styled(v.iro),
                        styled(visit_location_label(v.location)),
                        styled(visit_purpose_label(v.purpose)),
                        styled("yes" if v.seen_alone else "no"),
                        styled(first_line(v.views, 40)),
                        styled(note, "dim"),
                    ],
                )
            )
        return rows

    def _form_rows(self, r: ChildRecord) -> list[tuple[str, list[Text]]]:
        late = due_style(self.app, True, None)
        return [
            (
                str(f.id),
                [
                    styled(f.meeting_kind or ""),
                    styled(day(f.meeting_date)),
                    styled(f.status),
                    styled(f.team_manager or ""),
                    styled(day(f.sent_date)),
                    styled(day(f.response_due), late if f.overdue else ""),
                    styled(day(f.response_date)),
                    styled(str(f.concerns)),
                ],
            )
            for f in r.forms
        ]

    def _case_rows(self, r: ChildRecord) -> list[tuple[str, list[Text]]]:
        late = due_style(self.app, True, None)
        return [
            (
                str(c.id),
                [
                    styled(day(c.raised)),
                    styled(c.status),
                    styled(c.stage_label),
                    styled(c.holder or ""),
                    styled(day(c.due), late if c.overdue else ""),
                    styled(first_line(c.issue, 40)),
                ],
            )
            for c in r.cases
        ]

    # --- actions ----------------------------------------------------------------------

    @on(DataTable.RowSelected, "#child-enquiries")
    def _open_enquiry(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.iro_app.open_form("enquiry_detail", enquiry_id=event.row_key.value)

    def highlighted_meeting(self) -> MeetingLine | None:
        table = self.query_one("#child-meetings", DataTable)
        if self.record is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((m for m in self.record.meetings if str(m.meeting_child_id) == key), None)

    def action_record_review(self) -> None:
        self.iro_app.open_form("review", ref=self.ref)

    def action_details_903(self) -> None:  # MOTHER / MC_DOB (children/child_903_form.py)
        if self.record is not None:
            r = self.record
            self.iro_app.open_form(
                "child_903",
                on_close=lambda saved: self.action_reload() if saved else None,
                ref=r.ref,
                mother=r.mother,
                mc_dob=r.mc_dob.isoformat() if r.mc_dob else "",
            )

    def action_visit(self) -> None:
        self.iro_app.open_form("visit", ref=self.ref)

    def action_participation(self) -> None:
        meeting = self.highlighted_meeting()
        if meeting is None:
            self.notify("No review to correct: record one with r.", severity="warning")
            return
        if meeting.kind not in ("LAR", "SHORTBREAK", "SECURE", "ICPC", "RCPC"):
            self.notify(f"A {meeting.kind} has no participation to record.", severity="warning")
            return
        tabs = self.query_one("#child-tabs", TabbedContent)
        tabs.active = "tab-reviews"
        self.iro_app.open_form("review", ref=self.ref, meeting_child_id=meeting.meeting_child_id)

    def action_compliance(self) -> None:
        meeting_child_id: uuid.UUID | None = None
        if self.query_one("#child-tabs", TabbedContent).active == "tab-reviews":
            meeting = self.highlighted_meeting()
            meeting_child_id = meeting.meeting_child_id if meeting else None
        self.iro_app.open_form("compliance", child_ref=self.ref, meeting_child_id=meeting_child_id)

    def action_resolution(self) -> None:
        table = self.query_one("#child-cases", DataTable)
        on_cases = self.query_one("#child-tabs", TabbedContent).active == "tab-cases"
        if on_cases and table.row_count:
            # The highlighted case: its own screen escalates, resolves or refers it.
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key:
                self.iro_app.open_case(uuid.UUID(key))
                return
        self.iro_app.open_form("raise_case", child_ref=self.ref)


def _short(value: date | None) -> str:
    """26 May 26: a date that leaves room for the other columns at 80 columns."""
    return f"{value:%d %b %y}" if value else ""


def _wd_words(wd: int | None) -> str:
    if wd is None:
        return "no date"
    if wd < 0:
        return f"{-wd} WD overdue"
    if wd == 0:
        return "due today"
    return f"{wd} WD left"


def _opened_text(opened: list[Opening]) -> Text:
    """Who opened this record and when (local time), newest first: the audit trail's readings."""
    t = Text("Record opened by (newest first)\n", style="bold")
    if not opened:
        t.append("No openings recorded.\n", style="dim")
    for o in opened:
        at = clock.local(o.at)
        t.append(plain(f"  {at:%d %b %Y %H:%M}  {o.user} on {o.device or '?'} ({o.via})\n"))
    return t


def _record_note(row: CaseloadRow) -> str:
    """What a 903 import's findings mean for the due date beside which this is shown."""
    if row.history_incomplete:
        return " · history incomplete: enter the last review"
    return " · check the record" if row.check_record else ""


def _enquiry_rows(rows: list[EnquiryRow], overdue: str) -> list[tuple[str, list[Text]]]:
    """The child's enquiries, newest first; closed ones dimmed, overdue follow-ups in
    ``overdue`` (the theme's deadline style)."""
    lines = []
    for e in rows:
        style = "dim" if e.status == "closed" else ""
        due = styled(day(e.follow_up_due), overdue if e.overdue else style)
        caller = " · ".join(p for p in (e.caller_name, e.caller_agency) if p)
        cells = [styled(day(e.received_date), style), styled(e.category, style)]
        cells += [styled(first_line(caller, 30), style), due, styled(e.status, style)]
        lines.append((str(e.id), [*cells, styled(first_line(e.summary, 40), style)]))
    return lines
