"""What the rota and the enquiry log share: statuses, column limits and the IRO look-up."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from iro_desk.db.models import Iro
from iro_desk.services.errors import NotFound
from iro_desk.services.iros import find_iro
from iro_desk.services.validate import Checker

OPEN = "open"
CLOSED = "closed"
LADO = "LADO"

# Column limits from db/models.py, so a long value is refused by name, not by the database.
NAME_MAX = 100
REF_MAX = 40
SUBJECT_MAX = 200
TEXT_MAX = 10_000
# Phones and laptops drift a little; a call logged "now" must not be refused as future.
FUTURE_SLACK = timedelta(minutes=5)
# A rota screen shows weeks or months; two years bounds the list one call can build.
MAX_ROTA_DAYS = 732


def lookup_iro(
    session: Session, check: Checker, name: str | None, field: str, *, required: bool
) -> Iro | None:
    """Find an IRO by name or login, adding a problem (not raising) when there is none."""
    before = len(check.problems)
    name = check.text(field, name, required=required, max_len=NAME_MAX, one_line=True)
    # A NUL would make PostgreSQL refuse the look-up itself, so only clean text is searched.
    if not name or len(check.problems) > before:
        return None
    try:
        return find_iro(session, name, field)
    except NotFound as exc:
        for problem in exc.problems:
            check.add(problem.field, problem.reason)
        return None
