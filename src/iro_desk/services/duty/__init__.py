"""The duty desk: the daily duty rota and the log of safeguarding enquiries.

One IRO (plus a back-up) is on duty each day and answers safeguarding enquiries. What a
caller said is never rewritten: every later note, follow-up date, LADO date, closing or
reopening is appended as an ``EnquiryUpdate`` row, and the enquiry itself only keeps the
*current* status and dates so lists can be filtered in SQL.

Days are the unit's local days (``clock``: Europe/London unless set). ``received_at`` is
stored in UTC; an enquiry's "received date" (the day's log, the follow-up check and the
LADO clocks) is its local date, so a call at 23:30 on a summer evening is that day's.
"""

from iro_desk.services.duty.enquiries import (
    close_enquiry,
    log_enquiry,
    reopen_enquiry,
    update_enquiry,
)
from iro_desk.services.duty.enquiry_rows import (
    ClockState,
    EnquiryRow,
    LadoClock,
    UpdateRow,
    enquiries_on,
    enquiry_history,
    get_enquiry,
    lado_referrals,
    open_enquiries,
    received_on,
)
from iro_desk.services.duty.fields import CLOSED, LADO, OPEN
from iro_desk.services.duty.rota import (
    DutyDay,
    assign_duty,
    clear_duty,
    duty_days_of,
    duty_on,
    rota,
    swap_duty,
)

__all__ = [
    "CLOSED",
    "ClockState",
    "LADO",
    "OPEN",
    "DutyDay",
    "EnquiryRow",
    "LadoClock",
    "UpdateRow",
    "assign_duty",
    "clear_duty",
    "close_enquiry",
    "duty_days_of",
    "duty_on",
    "enquiries_on",
    "enquiry_history",
    "get_enquiry",
    "lado_referrals",
    "log_enquiry",
    "open_enquiries",
    "received_on",
    "reopen_enquiry",
    "rota",
    "swap_duty",
    "update_enquiry",
]
