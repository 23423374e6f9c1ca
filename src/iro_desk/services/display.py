"""Stored text, ready to print: literal, never read as Rich or Textual markup.

Names, references, views and summaries are whatever people typed or a file held, so
"[sic]" or "[/]" must print as typed, and a control character must not reach the
terminal. The CLI and every TUI table and label show stored text through ``literal``.
"""

from __future__ import annotations

from rich.text import Text

from iro_desk.rules.text import visible

__all__ = ["literal", "plain"]


def plain(value: object, *, multiline: bool = True) -> str:
    """The value as a string safe to print (control characters escaped); None is ""."""
    return "" if value is None else visible(str(value), multiline=multiline)


def literal(value: object, style: str = "", *, multiline: bool = True) -> Text:
    """A Text that shows the value exactly as stored (no markup), control characters escaped.

    Rich tables, console prints and Textual's DataTable and Static all take it as it is.
    """
    return Text(plain(value, multiline=multiline), style=style)
