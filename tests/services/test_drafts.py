"""Drafts saved as the user types: per user, overwritten in place, never audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from iro_desk.db.models import AuditEvent, FormDraft
from iro_desk.services import drafts
from iro_desk.services.context import Desk
from iro_desk.services.drafts import discard_draft, load_draft, pending_drafts, save_draft
from tests.builders import make_ctx, refused, row_counts

ALICE = make_ctx("alice")
BOB = make_ctx("bob")


def test_saved_overwritten_loaded_and_discarded_per_user(desk: Desk) -> None:
    with desk.write() as s:
        save_draft(s, ALICE, "visit", "C1", {"views": "Lik"})
    with desk.write() as s:
        save_draft(s, ALICE, "visit", "C1", {"views": "Likes school", "seen_alone": True})
        save_draft(s, ALICE, "enquiry", "new", {"caller": "PC Smith", "when": date(2026, 11, 27)})
        save_draft(s, BOB, "visit", "C1", {"views": "Bob's own notes"})

    with desk.read() as s:
        assert load_draft(s, ALICE, "visit", "C1") == {"views": "Likes school", "seen_alone": True}
        assert load_draft(s, BOB, "visit", "C1") == {"views": "Bob's own notes"}
        assert load_draft(s, make_ctx("carol"), "visit", "C1") is None
        assert load_draft(s, ALICE, "visit", "C2") is None
        # Dates come back as ISO text: the form re-parses what it saved.
        assert load_draft(s, ALICE, "enquiry", "new") == {
            "caller": "PC Smith",
            "when": "2026-11-27",
        }
        rows = s.scalars(select(FormDraft).order_by(FormDraft.created_by, FormDraft.kind)).all()
        alice_pending = pending_drafts(s, ALICE)
        bob_pending = pending_drafts(s, BOB)
        audit = s.scalar(select(func.count()).select_from(AuditEvent))

    # Overwritten in place: one row per (kind, key, user), stamped, version bumped.
    assert [(r.created_by, r.kind, r.key, r.version) for r in rows] == [
        ("alice", "enquiry", "new", 1),
        ("alice", "visit", "C1", 2),
        ("bob", "visit", "C1", 1),
    ]
    assert all(r.updated_by == r.created_by for r in rows)
    alice_visit = next(r for r in rows if r.created_by == "alice" and r.kind == "visit")
    assert alice_visit.updated_at > alice_visit.created_at
    assert audit == 0  # drafts are scratch, not records about a child

    assert sorted((d.kind, d.key) for d in alice_pending) == [("enquiry", "new"), ("visit", "C1")]
    assert [(d.kind, d.key, d.payload) for d in bob_pending] == [
        ("visit", "C1", {"views": "Bob's own notes"})
    ]
    assert all(d.updated_at.tzinfo is not None for d in alice_pending)

    with desk.write() as s:
        assert discard_draft(s, ALICE, "visit", "C1") is True
        assert discard_draft(s, ALICE, "visit", "C1") is False
    with desk.read() as s:
        assert load_draft(s, ALICE, "visit", "C1") is None
        assert load_draft(s, BOB, "visit", "C1") == {"views": "Bob's own notes"}
        assert [(d.kind, d.key) for d in pending_drafts(s, ALICE)] == [("enquiry", "new")]


def test_pending_drafts_most_recently_typed_first(desk: Desk) -> None:
    for kind in ("visit", "enquiry", "compliance"):
        with desk.write() as s:
            save_draft(s, ALICE, kind, "C1", {"n": 1})
    with desk.write() as s:
        save_draft(s, ALICE, "visit", "C1", {"n": 2})  # typing again moves it to the top
    with desk.read() as s:
        assert [d.kind for d in pending_drafts(s, ALICE)] == ["visit", "compliance", "enquiry"]


def test_losing_an_insert_race_updates_the_winner(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two terminals of one user saving the same new draft at once: the loser updates."""
    with desk.write() as s:
        save_draft(s, ALICE, "visit", "C1", {"views": "from terminal 1"})
    real_find = drafts._find
    calls: list[int] = []

    def blind_first(*args):  # the other terminal's row is not yet visible at the first look
        calls.append(1)
        return None if len(calls) == 1 else real_find(*args)

    monkeypatch.setattr(drafts, "_find", blind_first)
    with desk.write() as s:
        save_draft(s, ALICE, "visit", "C1", {"views": "from terminal 2"})
        save_draft(s, ALICE, "enquiry", "new", {"still": "usable"})  # the session survived
    monkeypatch.undo()
    with desk.read() as s:
        assert load_draft(s, ALICE, "visit", "C1") == {"views": "from terminal 2"}
        assert load_draft(s, ALICE, "enquiry", "new") == {"still": "usable"}
        assert s.scalar(select(func.count()).select_from(FormDraft)) == 2


def test_an_unchanged_save_writes_nothing(desk: Desk) -> None:
    with desk.write() as s:
        save_draft(s, ALICE, "visit", "C1", {"views": "same"})
    for _ in range(3):
        with desk.write() as s:
            save_draft(s, ALICE, "visit", "C1", {"views": "same"})
    with desk.read() as s:
        row = s.scalars(select(FormDraft)).one()
    assert row.version == 1


def test_text_with_a_nul_survives_on_every_backend(desk: Desk) -> None:
    # PostgreSQL refuses NUL in text; the JSON encoding escapes it.
    payload = {"views": "pasted \x00 from a PDF", "name": "Zoë"}
    with desk.write() as s:
        save_draft(s, ALICE, "visit", "C1", payload)
    with desk.read() as s:
        assert load_draft(s, ALICE, "visit", "C1") == payload


def test_bad_drafts_are_refused_and_write_nothing(desk: Desk) -> None:
    before = row_counts(desk)
    assert refused(desk, lambda s: save_draft(s, ALICE, "", " ", {})) == {"kind", "key"}
    assert refused(desk, lambda s: save_draft(s, ALICE, "visit", "C1", {"x": object()})) == {
        "payload"
    }
    assert refused(desk, lambda s: save_draft(s, ALICE, "visit", "C1", ["not", "a", "dict"])) == {  # type: ignore[arg-type]
        "payload"
    }
    assert refused(desk, lambda s: save_draft(s, ALICE, "k" * 31, "C1", {})) == {"kind"}
    assert row_counts(desk) == before
