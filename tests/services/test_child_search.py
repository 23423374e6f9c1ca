"""Finding a child by any part of the reference, shown with birth date and IRO."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iro_desk.services.children import add_child, allocate, search_children
from iro_desk.services.context import Desk
from iro_desk.services.iros import add_iro
from tests.conftest import TODAY

REFS = ["DEMO000223", "DEMO002231", "AB_223", "XY100"]


def _unit(desk: Desk) -> None:
    with desk.write() as s:
        ann = add_iro(s, desk.ctx, "Ann Iro")
        bea = add_iro(s, desk.ctx, "Bea Iro")
        for i, ref in enumerate(REFS):
            kid = add_child(
                s,
                desk.ctx,
                ref=ref,
                first_name="Kim",
                last_name=f"Lee{i}",
                dob=date(2015, 1, i + 1),
            )
            if i < 2:
                allocate(s, desk.ctx, kid, ann, TODAY - timedelta(days=100))
        # A change of IRO: only the allocation open now counts.
        moved = add_child(s, desk.ctx, ref="MOVED9", first_name="Max", last_name="Moved")
        allocate(s, desk.ctx, moved, ann, TODAY - timedelta(days=100))
        allocate(s, desk.ctx, moved, bea, TODAY - timedelta(days=10))


def test_any_part_of_the_reference_finds_the_child(desk: Desk) -> None:
    _unit(desk)
    with desk.read() as s:
        assert {h.ref for h in search_children(s, "223")} == {"DEMO000223", "DEMO002231", "AB_223"}
        assert {h.ref for h in search_children(s, "b_2")} == {"AB_223"}  # _ is itself
        assert {h.ref for h in search_children(s, "000223")} == {"DEMO000223"}
        hit = search_children(s, "000223")[0]
        assert (hit.name, hit.dob, hit.iro) == ("Kim Lee0", date(2015, 1, 1), "Ann Iro")
        assert search_children(s, "XY100")[0].iro is None
        assert [(h.ref, h.iro) for h in search_children(s, "moved")] == [("MOVED9", "Bea Iro")]


ALL_REFS = [*REFS, "MOVED9"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pick=st.sampled_from(REFS), data=st.data())
def test_every_piece_with_a_digit_finds_its_child(desk: Desk, pick: str, data) -> None:
    with desk.read() as s:
        ready = bool(search_children(s, "MOVED9"))
    if not ready:  # one unit per database: Hypothesis runs its examples on the same desk
        _unit(desk)
    start = data.draw(st.integers(0, len(pick) - 1))
    piece = pick[start : data.draw(st.integers(start + 1, len(pick)))]
    if not any(c.isdigit() for c in piece):
        return  # a piece without a digit is a name or a prefix (the test above)
    with desk.read() as s:
        found = {h.ref for h in search_children(s, piece.lower(), limit=50)}
    assert found == {r for r in ALL_REFS if piece.upper() in r.upper()}
