"""How the caseload, child and form screens show dates, codes and deadlines."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from iro_desk.rules import codes
from iro_desk.services.display import literal, plain

# Within this many working days a review counts as "due soon" (amber).
SOON_WD = 10  # a review due within this many working days is amber

VISIT_PURPOSE_LABELS: dict[str, str] = {
    "before_review": "Before a review",
    "between_reviews": "Between reviews",
    "other": "Other",
}


def day(value: date | None, empty: str = "") -> str:
    """30 Nov 2026."""
    return f"{value:%d %b %Y}" if value else empty


def long_day(value: date | None, empty: str = "") -> str:
    """Mon 30 Nov 2026."""
    return f"{value:%a %d %b %Y}" if value else empty


def rota_day(value: date) -> str:
    """Mon 3 Nov 2026 (the rota's style: no leading zero)."""
    return f"{value:%a} {value.day} {value:%b %Y}"


def code_label(code: str) -> str:
    """ "out_of_borough" -> "Out of borough"."""
    return code.replace("_", " ").capitalize()


def visit_location_label(code: str) -> str:
    return code_label(code)


def visit_purpose_label(code: str) -> str:
    return VISIT_PURPOSE_LABELS.get(code, code_label(code))


def participation_label(code: str) -> str:
    """ "PN1 attends and speaks for him or herself", as the 903 guidance words it."""
    label = codes.PARTICIPATION_CODES.get(code)
    return f"{code} {label[0].lower()}{label[1:]}" if label else code


def cp_method_label(method: str | None) -> str:
    return codes.CP_PARTICIPATION_METHODS.get(method or "", method or "")


def cp_participation_text(took_part: bool | None, method: str | None) -> str:
    if took_part is None:
        return ""
    if not took_part:
        return "did not take part"
    return f"took part ({cp_method_label(method)})" if method else "took part"


def styled(value: str, style: str = "") -> Text:
    """A one-line table cell that is never read as markup (names and views may hold "[")
    and shows any control character escaped."""
    text = literal(value, style, multiline=False)
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


def first_line(value: str, width: int = 50) -> str:
    """Free text on one line, cut to ``width``; control characters escaped before cutting."""
    line = " ".join(plain(value).split())
    return line if len(line) <= width else line[: width - 1] + "…"


def participation_summary(text: str | None) -> str:
    """The caseload's "took part (consultation_form)" with the method's label instead."""
    if not text:
        return ""
    for code, label in codes.CP_PARTICIPATION_METHODS.items():
        text = text.replace(f"({code})", f"({label.lower()})")
    return text
