"""Finding any enquiry again (services/enquiry_search.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iro_desk.services import duty
from iro_desk.services.children import add_child
from iro_desk.services.context import Desk
from iro_desk.services.enquiry_search import enquiry_id_from, search_enquiries
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.iros import add_iro
from tests.conftest import TODAY

# (days before TODAY, category, child, subject, caller, agency, closed)
CALLS = [
    (0, "10A", "C1001", "", "Pat Jones", "Police", False),
    (3, "11A", "C1001", "", "Sam Lee", "School", True),
    (10, "LADO", None, "Foster carer allegation", "Pat Jones", "Fostering", False),
    (40, "ADVICE", "C2002", "", "Kim Fox", "Health", True),
    (400, "10A", "C2002", "", "Lee Pat", "Police", False),
]


@pytest.fixture
def logged(desk: Desk) -> Desk:
    with desk.write() as s:
        add_iro(s, desk.ctx, "Ann Duty", username="tester")
        add_child(s, desk.ctx, ref="C1001", first_name="Alice", last_name="Smith")
        add_child(s, desk.ctx, ref="C2002", first_name="Bob", last_name="Brown")
        for days, category, ref, subject, caller, agency, closed in CALLS:
            at = datetime.combine(TODAY - timedelta(days=days), time(9), UTC)
            row = duty.log_enquiry(
                s,
                desk.ctx,
                category=category,
                summary=f"{category} call from {caller}",
                received_at=at,
                child_ref=ref,
                subject=subject,
                caller_name=caller,
                caller_agency=agency,
            )
            if closed:
                duty.close_enquiry(s, desk.ctx, row.id, "done")
    return desk


def _search(desk: Desk, **filters: object) -> list[duty.EnquiryRow]:
    with desk.read() as s:
        return search_enquiries(s, desk.ctx, **filters)  # type: ignore[arg-type]


def test_no_filter_lists_every_enquiry_newest_first(logged: Desk) -> None:
    rows = _search(logged)
    assert [r.received_date for r in rows] == [
        TODAY - timedelta(days=c[0]) for c in sorted(CALLS, key=lambda c: c[0])
    ]


def test_each_filter_narrows_to_what_it_names(logged: Desk) -> None:
    assert {r.category for r in _search(logged, child_ref="C1001")} == {"10A", "11A"}
    assert [r.category for r in _search(logged, status="open", category="10a")] == ["10A", "10A"]
    assert [r.subject for r in _search(logged, text="carer")] == ["Foster carer allegation"]
    # any part of the reference, the child's name, or the caller
    assert len(_search(logged, text="002")) == 2
    assert len(_search(logged, text="alice")) == 2
    assert [r.caller_agency for r in _search(logged, caller="pat")] == [
        "Police",
        "Fostering",
        "Police",
    ]
    since = TODAY - timedelta(days=10)
    assert [r.category for r in _search(logged, since=since, until=TODAY - timedelta(days=3))] == [
        "11A",
        "LADO",
    ]
    # a typed % is a percent sign, not "anything"
    assert _search(logged, text="%") == []
    # the last day a date can be still ends the range (no overflow)
    assert len(_search(logged, since=date.min, until=date.max)) == len(CALLS)


def test_bad_filters_are_all_named(logged: Desk) -> None:
    with pytest.raises(InvalidInput) as exc:
        _search(
            logged,
            category="XYZ",
            status="pending",
            since=TODAY,
            until=TODAY - timedelta(days=1),
        )
    assert {p.field for p in exc.value.problems} == {"category", "status", "until"}
    with pytest.raises(NotFound) as missing:
        _search(logged, child_ref="NOPE")
    assert missing.value.problems[0].field == "child"


def test_short_id_names_one_enquiry(logged: Desk) -> None:
    rows = _search(logged)
    with logged.read() as s:
        for row in rows:
            assert enquiry_id_from(s, str(row.id)[:8]) == row.id
            assert enquiry_id_from(s, str(row.id).upper()) == row.id
        for bad in ("", "12345", "zzzzzzzz", "1" * 40):
            with pytest.raises(InvalidInput):
                enquiry_id_from(s, bad)
        unused = "0" * 8 if not any(str(r.id).startswith("0" * 8) for r in rows) else "f" * 8
        with pytest.raises(NotFound):
            enquiry_id_from(s, unused)


FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "child_ref": st.sampled_from(["C1001", "C2002"]),
        "category": st.sampled_from(["10A", "11A", "LADO", "ADVICE"]),
        "status": st.sampled_from(["open", "closed"]),
        "since": st.integers(0, 450).map(lambda d: TODAY - timedelta(days=d)),
        "until": st.integers(0, 450).map(lambda d: TODAY - timedelta(days=d)),
        "caller": st.sampled_from(["pat", "LEE", "fox", "nobody"]),
    },
)


def _matches(row: duty.EnquiryRow, f: dict) -> bool:
    caller = f.get("caller", "").lower()
    return (
        ("child_ref" not in f or row.child_ref == f["child_ref"])
        and ("category" not in f or row.category == f["category"])
        and ("status" not in f or row.status == f["status"])
        and ("since" not in f or row.received_date >= f["since"])
        and ("until" not in f or row.received_date <= f["until"])
        and caller in f"{row.caller_name} {row.caller_role} {row.caller_agency}".lower()
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(filters=FILTERS)
def test_filters_combine_as_and(logged: Desk, filters: dict) -> None:
    everything = _search(logged)
    since, until = filters.get("since"), filters.get("until")
    if since and until and until < since:
        with pytest.raises(InvalidInput):
            _search(logged, **filters)
        return
    expected = [r.id for r in everything if _matches(r, filters)]
    assert [r.id for r in _search(logged, **filters)] == expected


def test_limit_keeps_the_newest(logged: Desk) -> None:
    assert [r.received_date for r in _search(logged, limit=2)] == [TODAY, TODAY - timedelta(3)]
    assert isinstance(TODAY, date)
