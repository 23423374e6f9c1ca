"""Issues Resolution: raised from a form, escalated stage by stage, resolved or sent to Cafcass."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from iro_desk.db.models import AuditEvent, Child, ResolutionCase, ResolutionStage
from iro_desk.services.context import Desk
from iro_desk.services.resolution import (
    case_detail,
    cases_for_child,
    escalate,
    open_cases,
    raise_case,
    raise_from_form,
    refer_to_cafcass,
    resolve,
)
from tests.builders import refused, reviewed_child, row_counts, sent_form


def _case(desk: Desk, ref: str, raised: date, stage: int, holder: str = "", **kw) -> uuid.UUID:
    """A child in care (reviewed in October) with a case raised on ``raised``."""
    reviewed_child(desk, ref, date(2025, 10, 1), kw.pop("iro", "Jo Bloggs"))
    with desk.write() as s:
        case = raise_case(
            s,
            desk.ctx,
            child_ref=ref,
            iro_name="Jo Bloggs",
            issue=kw.pop("issue", "Permanence plan drifting"),
            raised=raised,
            stage=stage,
            holder=holder,
        )
        return case.id


def test_case_from_a_form_escalated_twice_then_resolved(desk: Desk) -> None:
    form_id = sent_form(
        desk,
        "C1",
        date(2026, 3, 10),
        date(2026, 3, 13),
        answers={
            "placement_plan": ("no", "Placement plan out of date"),
            "health_plan": ("no", "Health assessment overdue"),
        },
    )
    with desk.write() as s:
        case = raise_from_form(s, desk.ctx, form_id, raised=date(2026, 3, 16))
    with desk.read() as s:
        detail = case_detail(s, desk.ctx, case.id)
    # In the form's question order, each concern with its comment.
    assert detail.issue.splitlines()[1:] == [
        "- Is there an up-to-date placement plan? No: Placement plan out of date",
        "- Is there an up-to-date health plan? No: Health assessment overdue",
    ]
    assert "Looked After Review" in detail.issue
    assert detail.compliance_form_id == form_id
    assert (detail.child_ref, detail.iro_name, detail.status) == ("C1", "Jo Bloggs", "open")
    assert detail.current is not None
    # Stage 1 with the form's Team Manager. Started Mon 16 Mar 2026; 20 WD skipping
    # Good Friday (3 Apr) and Easter Monday (6 Apr) -> Wed 15 April (not Mon 13).
    assert (detail.current.stage, detail.current.holder) == (1, "Pat Manager")
    assert detail.due == date(2026, 4, 15)

    with desk.write() as s:
        escalate(
            s,
            desk.ctx,
            case.id,
            on=date(2026, 4, 20),
            holder="Sam Service",
            note="No plan by the due date",
        )
    with desk.write() as s:
        escalate(
            s,
            desk.ctx,
            case.id,
            on=date(2026, 5, 11),
            holder="Hana Head",
            note="Service Manager has no resources",
        )
    with desk.read() as s:
        detail = case_detail(s, desk.ctx, case.id)
    # Stage 2 from Mon 20 Apr, skipping the early May bank holiday (Mon 4 May) -> Tue 19 May.
    # Stage 3 from Mon 11 May, skipping the spring bank holiday (Mon 25 May) -> Tue 9 June.
    assert [(v.stage, v.holder, v.started, v.due, v.ended) for v in detail.stages] == [
        (1, "Pat Manager", date(2026, 3, 16), date(2026, 4, 15), date(2026, 4, 20)),
        (2, "Sam Service", date(2026, 4, 20), date(2026, 5, 19), date(2026, 5, 11)),
        (3, "Hana Head", date(2026, 5, 11), date(2026, 6, 9), None),
    ]
    assert [v.late for v in detail.stages[:2]] == [True, False]  # stage 1 ran past its date
    assert detail.stages[2].note == "Service Manager has no resources"
    assert detail.current is not None and detail.current.stage == 3
    assert detail.due == date(2026, 6, 9)
    assert detail.overdue  # still open on 27 November 2026 (ctx.today)

    with desk.write() as s:
        resolve(s, desk.ctx, case.id, on=date(2026, 6, 1), outcome="Plans updated; health booked")
    with desk.read() as s:
        detail = case_detail(s, desk.ctx, case.id)
        rows = s.scalars(select(ResolutionStage).where(ResolutionStage.case_id == case.id)).all()
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("resolution.%"))
        ).all()
    assert (detail.status, detail.resolved_date, detail.outcome) == (
        "resolved",
        date(2026, 6, 1),
        "Plans updated; health booked",
    )
    assert detail.resolved_in_time is True
    assert detail.current is None and detail.due is None and not detail.overdue
    assert len(rows) == 3 and all(r.ended is not None for r in rows)
    assert sorted(set(actions)) == [
        "resolution.case.stage",
        "resolution.escalate",
        "resolution.raise",
        "resolution.resolve",
        "resolution.stage",
        "resolution.stage.end",
    ]
    # The form may now have a new case; while one is open it may not.
    with desk.write() as s:
        again = raise_from_form(s, desk.ctx, form_id, raised=date(2026, 6, 2), holder="Pat")
    before = row_counts(desk)
    assert refused(
        desk, lambda s: raise_from_form(s, desk.ctx, form_id, raised=date(2026, 6, 3))
    ) == {"form"}
    assert row_counts(desk) == before
    assert again.id != case.id


def test_a_form_without_concerns_cannot_raise_a_case(desk: Desk) -> None:
    form_id = sent_form(desk, "C1", date(2026, 3, 10), date(2026, 3, 13))
    before = row_counts(desk)
    assert refused(
        desk, lambda s: raise_from_form(s, desk.ctx, form_id, raised=date(2026, 3, 16))
    ) == {"form"}
    assert refused(
        desk, lambda s: raise_from_form(s, desk.ctx, uuid.uuid4(), raised=date(2026, 3, 16))
    ) == {"form"}
    assert row_counts(desk) == before


def test_no_stage_beyond_the_director(desk: Desk) -> None:
    case_id = _case(desk, "C1", date(2026, 9, 1), 3, "Hana Head")
    with desk.write() as s:
        escalate(s, desk.ctx, case_id, on=date(2026, 9, 10), holder="Dee Director", note="Stuck")
    before = row_counts(desk)
    assert refused(
        desk,
        lambda s: escalate(s, desk.ctx, case_id, on=date(2026, 9, 20), holder="X", note="More"),
    ) == {"stage"}
    assert row_counts(desk) == before
    with desk.read() as s:
        detail = case_detail(s, desk.ctx, case_id)
    assert [(v.stage, v.due) for v in detail.stages] == [
        (3, date(2026, 9, 29)),
        (4, date(2026, 10, 8)),
    ]
    assert detail.current is not None and detail.current.stage == 4


def test_refused_raises_and_escalations_name_the_field(desk: Desk) -> None:
    case_id = _case(desk, "C1", date(2026, 11, 2), 0)
    before = row_counts(desk)

    def raise_(**kw):
        base = dict(child_ref="C1", iro_name="Jo Bloggs", issue="Drift", raised=date(2026, 11, 2))
        return lambda s: raise_case(s, desk.ctx, **{**base, **kw})

    assert refused(desk, raise_(stage=1)) == {"holder"}  # a formal stage names its holder
    assert refused(desk, raise_(stage=7)) == {"stage"}
    assert refused(desk, raise_(issue="  ", raised=date(2026, 12, 1))) == {"issue", "raised"}
    assert refused(desk, raise_(child_ref="C9")) == {"child_ref"}
    assert refused(desk, raise_(compliance_form_id=uuid.uuid4())) == {"compliance_form_id"}
    assert refused(
        desk,
        lambda s: escalate(s, desk.ctx, case_id, on=date(2026, 10, 30), holder="", note=""),
    ) == {"on", "holder", "note"}
    assert refused(
        desk, lambda s: resolve(s, desk.ctx, case_id, on=date(2026, 11, 28), outcome="ok")
    ) == {"on"}
    assert refused(
        desk,
        lambda s: escalate(s, desk.ctx, uuid.uuid4(), on=date(2026, 11, 3), holder="A", note="b"),
    ) == {"case"}
    assert row_counts(desk) == before


def test_cafcass_referral_closes_the_local_process(desk: Desk) -> None:
    case_id = _case(desk, "C1", date(2026, 11, 2), 0, issue="Contact not happening")
    with desk.write() as s:
        refer_to_cafcass(
            s, desk.ctx, case_id, on=date(2026, 11, 5), note="Article 8 rights at risk"
        )
    with desk.read() as s:
        row = s.get(ResolutionCase, case_id)
        detail = case_detail(s, desk.ctx, case_id)
        listed = open_cases(s, desk.ctx, date(2026, 11, 27))
    assert row is not None
    assert (row.status, row.cafcass_referred) == ("cafcass", date(2026, 11, 5))
    assert [(v.stage, v.ended) for v in detail.stages] == [(0, date(2026, 11, 5))]
    assert detail.current is None and detail.resolved_in_time is None
    assert listed == []
    before = row_counts(desk)
    assert refused(
        desk,
        lambda s: escalate(s, desk.ctx, case_id, on=date(2026, 11, 6), holder="TM", note="x"),
    ) == {"case"}
    assert refused(
        desk, lambda s: resolve(s, desk.ctx, case_id, on=date(2026, 11, 6), outcome="x")
    ) == {"case"}
    assert refused(
        desk, lambda s: refer_to_cafcass(s, desk.ctx, case_id, on=date(2026, 11, 6), note="x")
    ) == {"case"}
    assert row_counts(desk) == before


def test_open_cases_by_due_date_with_overdue_stages(desk: Desk) -> None:
    # Stage 1 from Thu 1 Oct 2026: 20 WD -> Thu 29 Oct.
    late = _case(desk, "C1", date(2026, 10, 1), 1, "Pat Manager")
    # Informal from Fri 20 Nov 2026 -> Fri 18 Dec.
    fresh = _case(desk, "C2", date(2026, 11, 20), 0)
    # Another IRO's case, due between the two.
    reviewed_child(desk, "C3", date(2025, 10, 1), "Sam Other")
    with desk.write() as s:
        theirs = raise_case(
            s,
            desk.ctx,
            child_ref="C3",
            iro_name="Sam Other",
            issue="Education plan",
            raised=date(2026, 11, 2),
            stage=1,
            holder="Lee TM",
        ).id
    # A resolved case is not listed as open.
    done = _case(desk, "C4", date(2026, 10, 1), 0)
    with desk.write() as s:
        resolve(s, desk.ctx, done, on=date(2026, 11, 2), outcome="Sorted informally")

    with desk.read() as s:
        today = open_cases(s, desk.ctx, date(2026, 11, 27))
        on_due_day = open_cases(s, desk.ctx, date(2026, 10, 29))
        mine = open_cases(s, desk.ctx, date(2026, 11, 27), iro_name="Jo Bloggs")
        detail = case_detail(s, desk.ctx, late)
        c4 = s.scalars(select(Child).where(Child.ref == "C4")).one()
        c4_cases = cases_for_child(s, c4.id)
        c1 = s.scalars(select(Child).where(Child.ref == "C1")).one()
        c1_cases = cases_for_child(s, c1.id, as_of=date(2026, 11, 27))

    assert [(c.id, c.stage, c.due, c.overdue) for c in today] == [
        (late, 1, date(2026, 10, 29), True),
        (theirs, 1, date(2026, 11, 30), False),
        (fresh, 0, date(2026, 12, 18), False),
    ]
    assert today[0].stage_label == "Stage 1 Team Manager" and today[0].holder == "Pat Manager"
    assert not any(c.overdue for c in on_due_day)  # the due date itself is in time
    assert [c.id for c in mine] == [late, fresh]
    assert detail.overdue and detail.current is not None and detail.current.late
    assert [(c.id, c.status, c.due, c.overdue) for c in c4_cases] == [
        (done, "resolved", None, False)
    ]
    assert [(c.id, c.overdue) for c in c1_cases] == [(late, True)]
    with desk.read() as s:
        # Due Thu 29 Oct, resolved Mon 2 Nov: resolved, but not in time.
        assert case_detail(s, desk.ctx, done).resolved_in_time is False
