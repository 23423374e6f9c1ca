"""Pure statutory rules: working days, due dates, code lists, identity checks.

No I/O and no ORM/UI imports here; plain dates and strings in, answers out.
Submodules are imported explicitly (e.g. ``from iro_desk.rules import reviews``) so that
importing the package stays cheap.
"""
