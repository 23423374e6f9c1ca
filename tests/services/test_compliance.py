"""Compliance forms: answered, sent to the Team Manager, answered back; refusals write nothing."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from iro_desk.db.models import (
    AuditEvent,
    Child,
    ComplianceForm,
    ComplianceItem,
)
from iro_desk.rules.codes import COMPLIANCE_ITEMS
from iro_desk.services.compliance import (
    answer_items,
    form_detail,
    forms_awaiting_response,
    forms_for_child,
    overdue_responses,
    record_response,
    send_form,
)
from iro_desk.services.context import Desk
from tests.builders import (
    ALL_YES,
    refused,
    reviewed_child,
    row_counts,
    sent_form,
    start_compliance_form,
)

# --- the life of a form ----------------------------------------------------------------


def test_form_answered_sent_and_answered(desk: Desk) -> None:
    mc = reviewed_child(desk, "C1", date(2025, 12, 17))
    with desk.write() as s:
        form = start_compliance_form(s, desk, "C1", mc.meeting_id, "lar", "jo bloggs")
        answer_items(
            s,
            desk.ctx,
            form.id,
            {
                **ALL_YES,
                "placement_plan": ("no", "Placement plan not updated since the move"),
                "permanence_plan": ("NA", ""),
            },
        )
    with desk.read() as s:
        detail = form_detail(s, desk.ctx, form.id)
    assert detail.status == "draft"
    assert detail.meeting_kind == "LAR" and detail.meeting_date == date(2025, 12, 17)
    assert (detail.child_ref, detail.child_name, detail.iro_name) == (
        "C1",
        "Ada Example",
        "Jo Bloggs",
    )
    assert [i.key for i in detail.items] == list(COMPLIANCE_ITEMS)
    assert [(c.key, c.comment) for c in detail.concerns] == [
        ("placement_plan", "Placement plan not updated since the move")
    ]
    assert detail.unanswered == ()

    # Changing an answer while still a draft updates the one row, with a new version.
    with desk.write() as s:
        answer_items(s, desk.ctx, form.id, {"permanence_plan": ("yes", "")})
    with desk.read() as s:
        rows = s.scalars(
            select(ComplianceItem).where(
                ComplianceItem.form_id == form.id, ComplianceItem.item_key == "permanence_plan"
            )
        ).all()
        assert [(r.answer, r.version) for r in rows] == [("yes", 2)]

    # Sent on Friday 19 December 2025. Ten working days, counting from day 0 and
    # skipping Christmas Day (Thu 25), Boxing Day (Fri 26) and New Year's Day
    # (Thu 1 Jan): 22, 23, 24, 29, 30, 31 Dec, 2, 5, 6, 7 Jan -> Wednesday 7 January.
    with desk.write() as s:
        send_form(s, desk.ctx, form.id, team_manager=" Pat Manager ", sent=date(2025, 12, 19))
    with desk.read() as s:
        row = s.get(ComplianceForm, form.id)
        assert row is not None
        assert (row.status, row.team_manager) == ("sent", "Pat Manager")
        assert row.sent_date == date(2025, 12, 19)
        assert row.response_due == date(2026, 1, 7)
        detail = form_detail(s, desk.ctx, form.id)
    assert detail.response_overdue  # ctx.today is 27 November 2026

    with desk.write() as s:
        record_response(
            s, desk.ctx, form.id, responded=date(2026, 1, 7), response="Plan updated on 6 Jan."
        )
    with desk.read() as s:
        detail = form_detail(s, desk.ctx, form.id)
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("compliance.%"))
        ).all()
    assert detail.status == "answered"
    assert detail.response == "Plan updated on 6 Jan."
    assert detail.responded_in_time is True  # on the due date is on time
    assert not detail.response_overdue
    assert sorted(set(actions)) == [
        "compliance.answer",
        "compliance.response",
        "compliance.send",
        "compliance.start",
    ]
    assert actions.count("compliance.answer") == len(COMPLIANCE_ITEMS) + 1


def test_a_no_needs_a_comment_and_nothing_is_written(desk: Desk) -> None:
    mc = reviewed_child(desk, "C1", date(2026, 11, 2))
    with desk.write() as s:
        form = start_compliance_form(s, desk, "C1", mc.meeting_id, "LAR", "Jo Bloggs")
    before = row_counts(desk)
    fields = refused(
        desk,
        lambda s: answer_items(
            s,
            desk.ctx,
            form.id,
            {
                "care_plan": ("yes", ""),  # fine on its own, but the batch is refused whole
                "placement_plan": ("no", "   "),
                "health_plan": ("maybe", ""),
                "shoe_size": ("yes", ""),
                "child_views": ("yes", "bad\x00text"),
            },
        ),
    )
    assert fields == {
        "placement_plan.comment",
        "health_plan.answer",
        "shoe_size",
        "child_views.comment",
    }
    assert row_counts(desk) == before


def test_sending_needs_every_item_and_a_team_manager(desk: Desk) -> None:
    mc = reviewed_child(desk, "C1", date(2026, 11, 2))
    with desk.write() as s:
        form = start_compliance_form(s, desk, "C1", mc.meeting_id, "LAR", "Jo Bloggs")
        partial = {k: v for k, v in ALL_YES.items() if k != "education_plan"}
        answer_items(s, desk.ctx, form.id, partial)
    before = row_counts(desk)
    fields = refused(
        desk, lambda s: send_form(s, desk.ctx, form.id, team_manager="", sent=date(2026, 11, 3))
    )
    assert fields == {"education_plan.answer", "team_manager"}
    # Sent before the review it reports on, or in the future: refused, naming the date.
    with desk.write() as s:
        answer_items(s, desk.ctx, form.id, {"education_plan": ("yes", "")})
    before = row_counts(desk)
    for bad in (date(2026, 11, 1), date(2026, 11, 30)):
        fields = refused(
            desk, lambda s, d=bad: send_form(s, desk.ctx, form.id, team_manager="Pat", sent=d)
        )
        assert fields == {"sent"}
    assert row_counts(desk) == before
    with desk.read() as s:
        assert form_detail(s, desk.ctx, form.id).status == "draft"


def test_a_sent_form_is_frozen_and_a_response_comes_after_sending(desk: Desk) -> None:
    mc = reviewed_child(desk, "C1", date(2026, 11, 2))
    with desk.write() as s:
        form = start_compliance_form(s, desk, "C1", mc.meeting_id, "LAR", "Jo Bloggs")
        answer_items(s, desk.ctx, form.id, ALL_YES)
    before = row_counts(desk)
    assert refused(
        desk,
        lambda s: record_response(s, desk.ctx, form.id, responded=date(2026, 11, 5), response="x"),
    ) == {"form"}
    with desk.write() as s:
        send_form(s, desk.ctx, form.id, team_manager="Pat Manager", sent=date(2026, 11, 4))
    before = row_counts(desk)
    assert refused(desk, lambda s: answer_items(s, desk.ctx, form.id, ALL_YES)) == {"form"}
    assert refused(
        desk, lambda s: send_form(s, desk.ctx, form.id, team_manager="X", sent=date(2026, 11, 5))
    ) == {"form"}
    assert refused(
        desk,
        lambda s: record_response(
            s, desk.ctx, form.id, responded=date(2026, 11, 3), response="Done"
        ),
    ) == {"responded"}
    assert refused(
        desk,
        lambda s: record_response(s, desk.ctx, form.id, responded=date(2026, 11, 6), response=""),
    ) == {"response"}
    assert row_counts(desk) == before


def test_the_meeting_must_be_one_the_child_was_at(desk: Desk) -> None:
    mc = reviewed_child(desk, "C1", date(2026, 11, 2))
    reviewed_child(desk, "C2", date(2026, 11, 3))
    before = row_counts(desk)
    assert refused(
        desk,
        lambda s: start_compliance_form(s, desk, "C2", mc.meeting_id, "LAR", "Jo Bloggs"),
    ) == {"meeting_id"}
    assert refused(
        desk,
        lambda s: start_compliance_form(s, desk, "C1", mc.meeting_id, "ICPC", "Jo Bloggs"),
    ) == {"meeting_kind"}
    assert refused(
        desk,
        lambda s: start_compliance_form(s, desk, "C1", None, "PANEL", "Jo Bloggs"),
    ) == {"meeting_kind"}
    assert refused(
        desk,
        lambda s: start_compliance_form(s, desk, "C9", None, "LAR", "Jo Bloggs"),
    ) == {"child_ref"}
    assert refused(
        desk,
        lambda s: start_compliance_form(s, desk, "C1", None, "LAR", "Nobody"),
    ) == {"iro_name"}
    assert row_counts(desk) == before
    # One form per child per meeting.
    with desk.write() as s:
        start_compliance_form(s, desk, "C1", mc.meeting_id, "LAR", "Jo Bloggs")
    before = row_counts(desk)
    assert refused(
        desk,
        lambda s: start_compliance_form(s, desk, "C1", mc.meeting_id, "LAR", "Jo Bloggs"),
    ) == {"meeting_id"}
    assert row_counts(desk) == before


def test_overdue_and_awaiting_responses(desk: Desk) -> None:
    # Sent Mon 2 Nov 2026: 10 WD (no bank holidays in November) -> Mon 16 Nov.
    late = sent_form(
        desk,
        "C1",
        date(2026, 10, 30),
        date(2026, 11, 2),
        answers={"health_plan": ("no", "No health assessment since June")},
    )
    # Sent Fri 20 Nov 2026 -> Fri 4 Dec: not yet due on 27 November.
    waiting = sent_form(desk, "C2", date(2026, 11, 19), date(2026, 11, 20))
    # Another IRO's form, also overdue.
    other = sent_form(desk, "C3", date(2026, 10, 29), date(2026, 11, 2), iro="Sam Other")
    # Answered forms are never overdue, however late.
    answered = sent_form(desk, "C4", date(2026, 10, 28), date(2026, 10, 29))
    with desk.write() as s:
        record_response(
            s, desk.ctx, answered, responded=date(2026, 11, 20), response="Late but done"
        )

    with desk.read() as s:
        # An answer on the due date is on time: nothing is overdue on 16 November.
        assert [f.id for f in overdue_responses(s, desk.ctx, date(2026, 11, 16))] == []
        overdue = overdue_responses(s, desk.ctx, date(2026, 11, 17))
        mine = overdue_responses(s, desk.ctx, date(2026, 11, 17), iro_name="jo bloggs")
        awaiting = forms_awaiting_response(s, desk.ctx)
        awaiting_mine = forms_awaiting_response(s, desk.ctx, iro_name="Jo Bloggs")
        child = s.scalars(select(Child).where(Child.ref == "C1")).one()
        c1_forms = forms_for_child(s, child.id, as_of=date(2026, 11, 27))
        c4_detail = form_detail(s, desk.ctx, answered)

    assert sorted(f.child_ref for f in overdue) == ["C1", "C3"]
    assert all(f.overdue and f.response_due == date(2026, 11, 16) for f in overdue)
    assert [(f.id, f.iro_name, f.concerns) for f in mine] == [(late, "Jo Bloggs", 1)]
    assert [f.id for f in awaiting] == [late, other, waiting]  # by due date, then child
    assert [(f.id, f.overdue) for f in awaiting_mine] == [(late, True), (waiting, False)]
    assert [(f.id, f.status, f.team_manager, f.overdue) for f in c1_forms] == [
        (late, "sent", "Pat Manager", True)
    ]
    assert c4_detail.responded_in_time is False  # due 12 Nov, answered 20 Nov


def test_audit_detail_names_the_item(desk: Desk) -> None:
    form_id = sent_form(desk, "C1", date(2026, 11, 2), date(2026, 11, 3))
    with desk.read() as s:
        items = s.scalars(select(ComplianceItem).where(ComplianceItem.form_id == form_id)).all()
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.entity_id.in_([i.id for i in items]))
        ).all()
    assert sorted(json.loads(e.detail)["item"] for e in events) == sorted(COMPLIANCE_ITEMS)
    assert {e.user for e in events} == {"tester"}
    assert {i.created_by for i in items} == {"tester"}
