"""Sync with the unit's server: the conflicts to settle."""
