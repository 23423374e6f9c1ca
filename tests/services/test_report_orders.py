"""Legal orders made in the year: the first episode of every period of care counts."""

from __future__ import annotations

from datetime import date

from iro_desk.services.children import add_child, change_episode, end_care, start_care
from iro_desk.services.context import Desk
from iro_desk.services.report import annual_report

D = date


def test_a_new_period_under_the_same_status_is_a_new_order(desk: Desk) -> None:
    ctx = desk.ctx
    with desk.write() as s:
        # Ann: C1 in 2024, left care, back under C1 in the year: a new interim care order.
        ann = add_child(s, ctx, ref="ANN", first_name="Ann", dob=D(2016, 4, 4))
        start_care(s, ctx, ann, D(2024, 5, 1), legal_status="C1", placement="U1")
        end_care(s, ctx, ann, D(2025, 5, 1))
        start_care(s, ctx, ann, D(2025, 9, 1), legal_status="C1", placement="U1")
        # Bo: E1 period ends in the year and a new E1 period starts later in the year.
        bo = add_child(s, ctx, ref="BO", first_name="Bo", dob=D(2020, 1, 1))
        start_care(s, ctx, bo, D(2025, 4, 10), legal_status="E1", placement="A4")
        end_care(s, ctx, bo, D(2025, 8, 1))
        start_care(s, ctx, bo, D(2025, 10, 1), legal_status="E1", placement="A4")
        # Cy: a placement move under the same C2 is no new order.
        cy = add_child(s, ctx, ref="CY", first_name="Cy", dob=D(2012, 2, 2))
        start_care(s, ctx, cy, D(2025, 6, 1), legal_status="C2", placement="U1")
        change_episode(s, ctx, cy, D(2025, 7, 1), placement="U2", reason_place_change="CARPL")
    with desk.read() as s:
        r = annual_report(s, ctx, 2025)
    # Ann 1 (C1, Sep 2025); Bo 2 (E1, Apr and Oct 2025); Cy 1 (C2, Jun 2025).
    assert [(o.code, o.count) for o in r.legal_orders] == [("C1", 1), ("C2", 1), ("E1", 2)]
