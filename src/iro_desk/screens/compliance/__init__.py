"""Compliance forms: those awaiting a response, and one form."""
