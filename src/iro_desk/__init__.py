"""IRO Desk."""
