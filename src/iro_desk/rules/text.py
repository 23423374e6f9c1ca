"""Control characters in stored text (docs/domain.md, "Identity checks").

Text reaches the desk from people typing and from imported files. A control
character (ESC, a bidi override, a newline in a reference) can rewrite the screen
when printed, or travel on into an exported return, so:

- identifiers and other one-line values (references, UPN, NHS number, names, codes)
  refuse every control character, Unicode categories Cc and Cf;
- free text (views, summaries, notes) keeps newlines and tabs, and any other control
  character is shown escaped (ESC as ``\\x1b``) wherever it is displayed.
"""

from __future__ import annotations

import unicodedata

__all__ = ["CONTROL_REASON", "control_problem", "has_control", "is_control", "visible"]

CONTROL_REASON = "must not contain control characters"

# Kept as they are in free text: they lay text out, they do not drive the terminal.
_LAYOUT = frozenset("\n\t")
# Joins emoji sequences (a family, a flag); harmless, and escaping it would break them.
_ZWJ = "\u200d"


def is_control(ch: str) -> bool:
    """True for a control or format character (Unicode categories Cc and Cf)."""
    return unicodedata.category(ch) in ("Cc", "Cf")


def has_control(value: str) -> bool:
    # Printable text (the usual case) has no Cc or Cf character; str.isprintable answers
    # that at C speed, and every screen and table asks it of each cell.
    if value.isprintable():
        return False
    return any(is_control(ch) for ch in value)


def control_problem(value: str) -> str | None:
    """None for a one-line value without control characters, else the reason (which ones)."""
    found = sorted({ch for ch in value if is_control(ch)})
    if not found:
        return None
    shown = ", ".join(_escape(ch) for ch in found[:3])
    return f"{CONTROL_REASON} (found {shown})"


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(value: str, *, multiline: bool = True) -> str:
    """The text as it may be printed: every control character escaped (``\\x1b``).

    With ``multiline`` (free text), newlines and tabs stay and a Windows line end
    becomes a newline; without it (a one-line cell or label), each line end or tab
    becomes a space. Text without control characters comes back unchanged.
    """
    if not has_control(value):
        return value
    value = value.replace("\r\n", "\n")
    if not multiline:
        value = value.replace("\n", " ").replace("\t", " ")
    return "".join(
        _escape(ch) if is_control(ch) and ch not in _LAYOUT and ch != _ZWJ else ch for ch in value
    )
