"""Dialogs shared by several screens, one per module, each named ...Dialog; screens may
import them (and nothing else of one another)."""
