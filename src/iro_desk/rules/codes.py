"""National (SSDA903, CIN census) and local code lists, as in docs/domain.md.

Dicts are ordered code -> label; the order is the display order.
"""

from __future__ import annotations

__all__ = [
    "AGE_BANDS",
    "ATTENDED",
    "COMPLIANCE_ANSWERS",
    "COMPLIANCE_ITEMS",
    "CP_CATEGORIES",
    "CP_PARTICIPATION_METHODS",
    "ENQUIRY_CATEGORIES",
    "ETHNIC_CODES",
    "LEGAL_STATUSES",
    "MEETING_KINDS",
    "MEETING_KIND_LABELS",
    "MISSING_CODES",
    "PARTICIPATED",
    "PARTICIPATION_CODES",
    "PLACEMENT_GROUPS",
    "PLACEMENT_GROUP_NAMES",
    "REASON_PLACE_CHANGE",
    "RESOLUTION_STAGES",
    "SECURE_PLACEMENTS",
    "SEX_CODES",
    "SEX_CODES_OLD",
    "SHORT_BREAK_STATUSES",
    "VISIT_LOCATIONS",
    "VISIT_PURPOSES",
    "age_band",
    "ethnic_group",
    "normalise_sex",
    "placement_group",
]

# -- Reviews (SSDA903 REVIEW_CODE) ------------------------------------------------------

PARTICIPATION_CODES: dict[str, str] = {
    "PN0": "Child aged under 4 at the time of the review",
    "PN1": "Attends and speaks for him or herself",
    "PN2": "Attends and an advocate speaks on his or her behalf",
    "PN3": "Attends and conveys views symbolically (non-verbally)",
    "PN4": "Attends but does not contribute",
    "PN5": "Does not attend but briefs an advocate to speak for him or her",
    "PN6": (
        "Does not attend but conveys views by a facilitative medium "
        "(text, written, phone, audio/video)"
    ),
    "PN7": "Does not attend nor are views conveyed",
}
PARTICIPATED = frozenset({"PN1", "PN2", "PN3", "PN5", "PN6"})
ATTENDED = frozenset({"PN1", "PN2", "PN3", "PN4"})

# -- Legal status (SSDA903 LS) ----------------------------------------------------------

LEGAL_STATUSES: dict[str, str] = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order",
    "E1": "Placement order",
    "V2": "Single period of accommodation under s20",
    "V3": "Short breaks (individual episodes recorded)",
    "V4": "Short breaks (agreement recorded)",
    "L1": "Police protection",
    "L2": "Emergency protection order",
    "L3": "Child assessment order",
    "J1": "Remanded",
    "J2": "PACE",
    "J3": "Youth rehabilitation order",
}
SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})

# -- Placement (SSDA903 PLACE) ----------------------------------------------------------

PLACEMENT_GROUP_NAMES: tuple[str, ...] = (
    "Fostered",
    "Placed for adoption",
    "Placed with parents",
    "Residential",
    "Supported/independent",
    "Other",
)
_PLACEMENTS_BY_GROUP: dict[str, tuple[str, ...]] = {
    "Fostered": ("U1", "U2", "U3", "U4", "U5", "U6"),
    "Placed for adoption": ("A3", "A4", "A5", "A6"),
    "Placed with parents": ("P1",),
    "Residential": ("K1", "K2", "R1", "S1"),
    "Supported/independent": ("K3", "H5", "P2"),
    "Other": (
        "R2", "R3", "R5", "P3", "T0", "T1", "T2", "T3", "T4",
        "Z1", "Z11", "Z12", "Z13", "Z14",
    ),
}  # fmt: skip
PLACEMENT_GROUPS: dict[str, str] = {
    code: group for group, codes in _PLACEMENTS_BY_GROUP.items() for code in codes
}
# K1 is the 903 code for a secure children's home: the placement that needs secure reviews.
SECURE_PLACEMENTS = frozenset({"K1"})


def placement_group(code: str) -> str:
    """The report group of a placement code; an unknown code falls in "Other"."""
    return PLACEMENT_GROUPS.get(code.strip().upper(), "Other")


# SSDA903 REASON_PLACE_CHANGE, on the episode that ends when the placement changes.
REASON_PLACE_CHANGE: dict[str, str] = {
    "CARPL": "Change to or implementation of the care plan",
    "CLOSE": "Resignation or closure of provision",
    "ALLEG": "Allegation (s47)",
    "STAND": "Standards of care concern",
    "APPRR": "Approval removed",
    "CREQB": "Carer requests placement end because of the child's behaviour",
    "CREQO": "Carer requests placement end for another reason",
    "CHILD": "Child requests placement end",
    "LAREQ": "Responsible or area authority requests placement end",
    "PLACE": "Change in the status of the placement only",
    "CUSTOD": "Custody arrangement",
    "OTHER": "Other",
}

MISSING_CODES: dict[str, str] = {
    "M": "Missing",
    "A": "Away from placement without authorisation",
}

# -- Child protection (CIN census) and local CP participation ---------------------------

CP_CATEGORIES: dict[str, str] = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple",
}
# No national code exists; recorded for children aged 4+ who took part in a conference.
CP_PARTICIPATION_METHODS: dict[str, str] = {
    "attended": "Attended",
    "consultation_form": "Consultation form",
    "direct_work": "Direct work",
    "drawings": "Drawings",
    "written": "Written",
    "advocate": "Advocate",
}

# -- Duty enquiries (CIN census factors plus local categories) --------------------------

ENQUIRY_CATEGORIES: dict[str, str] = {
    "10A": "Missing",
    "11A": "Child sexual exploitation (CSE)",
    "12A": "Trafficking",
    "13A": "Gangs",
    "24A": "Child criminal exploitation",
    "22A": "Female genital mutilation (FGM)",
    "15A": "Self-harm",
    "3A": "Domestic violence: the child is the subject",
    "3B": "Domestic violence: the child's parent or carer is the subject",
    "3C": "Domestic violence: another person in the household is the subject",
    "16A": "Neglect",
    "17A": "Emotional abuse",
    "18B": "Physical abuse: child on child",
    "18C": "Physical abuse: adult on child",
    "19B": "Sexual abuse: child on child",
    "19C": "Sexual abuse: adult on child",
    "LADO": "Allegation against an adult working with children (LADO)",
    "PLACEMENT": "Placement concern",
    "ADVICE": "Advice only",
    "20": "Other",
}

# -- Ethnicity and sex (SSDA903 header) -------------------------------------------------

ETHNIC_CODES: dict[str, str] = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WOTH": "Any other White background",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
_ETHNICITY_UNKNOWN = frozenset({"REFU", "NOBT"})


def ethnic_group(code: str) -> str:
    """The annual report's grouping: "White British", "BME" or "Not obtained"."""
    code = code.strip().upper()
    if code == "WBRI":
        return "White British"
    if code in _ETHNICITY_UNKNOWN:
        return "Not obtained"
    return "BME"


# Up to the 2023-24 return SEX was 1/2; from 2024-25 it is M/F/U.
SEX_CODES_OLD: dict[str, str] = {"1": "M", "2": "F"}
SEX_CODES: tuple[str, ...] = ("M", "F", "U")


def normalise_sex(value: str | int) -> str:
    """A 903 sex code, old (1/2) or new (M/F/U), as M, F or U; ``ValueError`` otherwise."""
    text = str(value).strip().upper()
    text = SEX_CODES_OLD.get(text, text)
    if text not in SEX_CODES:
        raise ValueError(f"sex code {value!r} is not one of 1, 2, M, F, U")
    return text


# -- Local lists: meetings, visits, compliance, issues resolution -----------------------

# SHORTBREAK: the reg 48 review of a child on short breaks (V3/V4), which the 903 does
# not collect as a Looked After Review (rule 399).
MEETING_KINDS: tuple[str, ...] = ("LAR", "SHORTBREAK", "ICPC", "RCPC", "SECURE", "OTHER")
MEETING_KIND_LABELS: dict[str, str] = {
    "LAR": "Looked After Review",
    "SHORTBREAK": "Short-break review (reg 48)",
    "ICPC": "Initial Child Protection Conference",
    "RCPC": "Review Child Protection Conference",
    "SECURE": "Secure accommodation review",
    "OTHER": "Other meeting",
}
VISIT_PURPOSES: tuple[str, ...] = ("before_review", "between_reviews", "other")
VISIT_LOCATIONS: tuple[str, ...] = (
    "placement",
    "school",
    "out_of_borough",
    "office",
    "home",
    "other",
)

COMPLIANCE_ITEMS: dict[str, str] = {
    "care_plan": "Is there an up-to-date care plan?",
    "placement_plan": "Is there an up-to-date placement plan?",
    "permanence_plan": "Was a permanence plan in place by the second review?",
    "health_plan": "Is there an up-to-date health plan?",
    "education_plan": "Is there an up-to-date personal education plan (PEP)?",
    "child_views": "Were the child's views sought and considered?",
    "parents_views": "Were the parents' views sought and considered?",
    "reports_on_time": "Were the reports for the review received in time?",
    "actions_completed": "Were the actions from the last review completed?",
}
COMPLIANCE_ANSWERS: tuple[str, ...] = ("yes", "no", "na")

RESOLUTION_STAGES: dict[int, str] = {
    0: "Informal (IRO case note)",
    1: "Stage 1 Team Manager",
    2: "Stage 2 Service Manager",
    3: "Stage 3 Head of Service",
    4: "Stage 4 Director of Children's Services",
}

# -- Annual report age bands ------------------------------------------------------------

AGE_BANDS: tuple[str, ...] = ("Under 5", "5-9", "10-15", "16+")


def age_band(age: int) -> str:
    """The annual report's age band for an age in whole years (``ValueError`` if negative)."""
    if age < 0:
        raise ValueError(f"age {age} is negative (an unborn child has no age band)")
    if age < 5:
        return AGE_BANDS[0]
    if age < 10:
        return AGE_BANDS[1]
    if age < 16:
        return AGE_BANDS[2]
    return AGE_BANDS[3]
