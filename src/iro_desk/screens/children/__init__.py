"""The children's screens: caseload, one child, and the visit and review forms."""
