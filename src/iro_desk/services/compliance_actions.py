"""Each user action on a compliance form as one call: it opens the transaction, validates,
writes and commits (the screens hand over what was typed and show what comes back)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from iro_desk.services.caseload import build_caseload_for_child
from iro_desk.services.children import child_by_ref, display_name
from iro_desk.services.compliance import (
    FormDetail,
    FormSummary,
    answer_items,
    form_detail,
    forms_awaiting_response,
    forms_for_child,
    record_response,
    send_form,
    start_form,
)
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.services.meetings import meetings_of
from iro_desk.services.resolution import raise_from_form

# Meeting kinds a form can follow -> the form's kind (a secure review is a LAR too).
FORM_KIND_OF: dict[str, str] = {"LAR": "LAR", "SECURE": "LAR", "ICPC": "ICPC", "RCPC": "RCPC"}
RECENT_MEETINGS = 8  # how far back the meeting picker goes

Answers = dict[str, tuple[str, str]]  # item key -> (answer, comment)


@dataclass(frozen=True)
class MeetingChoice:
    meeting_id: uuid.UUID | None
    meeting_child_id: uuid.UUID | None
    kind: str  # the form's kind: LAR, ICPC or RCPC
    label: str
    has_form: bool


@dataclass(frozen=True)
class NewFormFacts:
    child_ref: str
    child_name: str
    iro_name: str | None
    choices: tuple[MeetingChoice, ...]
    default: int
    team_manager: str


def new_form_facts(
    desk: Desk,
    *,
    child_ref: str,
    me: str | None,
    meeting_child_id: uuid.UUID | None,
    today: date,
) -> NewFormFacts:
    """What a new form for a child offers: its recent meetings (newest first, then one
    "not recorded here" choice per kind), the IRO and the last Team Manager written."""
    with desk.read() as session:
        child = child_by_ref(session, child_ref, field="child_ref")
        forms = forms_for_child(session, child.id)
        with_form = {(f.meeting_kind, f.meeting_date) for f in forms}
        choices: list[MeetingChoice] = []
        for meeting, attended in reversed(meetings_of(session, child.id)):  # newest first
            kind = FORM_KIND_OF.get(attended.kind)
            if kind is None:
                continue
            choices.append(
                MeetingChoice(
                    meeting_id=meeting.id,
                    meeting_child_id=attended.id,
                    kind=kind,
                    label=f"{attended.kind} held {attended.meeting_date:%a %d %b %Y}",
                    has_form=(kind, attended.meeting_date) in with_form,
                )
            )
            if len(choices) >= RECENT_MEETINGS:
                break
        iro = me
        if iro is None:
            row = build_caseload_for_child(session, desk.ctx, child.id, today)
            iro = row.iro if row else None
        return NewFormFacts(
            child_ref=child.ref,
            child_name=display_name(child),
            iro_name=iro,
            choices=tuple(choices)
            + tuple(
                MeetingChoice(None, None, kind, f"{kind}: not recorded here", False)
                for kind in ("LAR", "ICPC", "RCPC")
            ),
            default=_default_choice(choices, meeting_child_id),
            team_manager=next((f.team_manager for f in forms if f.team_manager), ""),
        )


def _default_choice(choices: list[MeetingChoice], meeting_child_id: uuid.UUID | None) -> int:
    """The meeting asked for, else the latest one without a form, else the latest."""
    for index, choice in enumerate(choices):
        if meeting_child_id is not None and choice.meeting_child_id == meeting_child_id:
            return index
    for index, choice in enumerate(choices):
        if not choice.has_form:
            return index
    return 0


def load_form(desk: Desk, *, form_id: uuid.UUID) -> FormDetail:
    with desk.read() as session:
        return form_detail(session, desk.ctx, form_id)


def save_form(
    desk: Desk,
    *,
    form_id: uuid.UUID | None,
    new: tuple[NewFormFacts, MeetingChoice] | None,
    answers: Answers,
    team_manager: str,
    sent: date | None,
) -> FormDetail:
    """Start the form (when ``form_id`` is None), save its answers and, given ``sent``,
    send it: all in one transaction."""
    ctx = desk.ctx
    with desk.write() as session:
        if form_id is None:
            if new is None:
                raise InvalidInput([Problem("meeting_id", "choose the meeting the form follows")])
            facts, choice = new
            form = start_form(
                session,
                ctx,
                child_ref=facts.child_ref,
                meeting_id=choice.meeting_id,
                meeting_kind=choice.kind,
                iro_name=facts.iro_name or "",
            )
            form_id = form.id
        if answers:
            answer_items(session, ctx, form_id, answers)
        if sent is not None:
            send_form(session, ctx, form_id, team_manager=team_manager, sent=sent)
        return form_detail(session, ctx, form_id)


def record_form_response(
    desk: Desk, *, form_id: uuid.UUID, responded: date, response: str
) -> FormDetail:
    ctx = desk.ctx
    with desk.write() as session:
        record_response(session, ctx, form_id, responded=responded, response=response)
        return form_detail(session, ctx, form_id)


def escalate_form(
    desk: Desk,
    *,
    form_id: uuid.UUID,
    answers: Answers,
    holder: str | None,
    raised: date,
    issue: str | None = None,
    stage: int = 1,
) -> tuple[FormDetail, uuid.UUID]:
    """Raise an Issues Resolution case from the form's concerns (``issue``: the text as the
    IRO edited it); returns the form and the new case's id. A problem with the form itself
    is reported against "escalate"."""
    ctx = desk.ctx
    try:
        with desk.write() as session:
            # Unsaved answers count: the case lists the concerns as they are on screen.
            if answers:
                answer_items(session, ctx, form_id, answers)
            case = raise_from_form(
                session, ctx, form_id, raised=raised, holder=holder, issue=issue, stage=stage
            )
            case_id = case.id
            return form_detail(session, ctx, form_id), case_id
    except InvalidInput as exc:
        raise InvalidInput(
            [Problem("escalate", p.reason) if p.field == "form" else p for p in exc.problems]
        ) from exc


def forms_awaiting(desk: Desk, *, iro_name: str | None) -> list[FormSummary]:
    """Sent forms awaiting the Team Manager's response (one IRO's, or all)."""
    with desk.read() as session:
        return forms_awaiting_response(session, desk.ctx, iro_name=iro_name)
