"""Use cases: every read the screens and CLI share, and every write (validated, audited)."""
