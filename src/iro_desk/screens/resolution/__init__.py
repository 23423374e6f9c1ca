"""Issues Resolution: open cases, one case, and raising a case."""
