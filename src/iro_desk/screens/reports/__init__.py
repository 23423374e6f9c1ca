"""The annual report on screen."""
