"""The demo unit's proportions, named in one place.

The default unit is shaped like the seed annual report (South Tyneside 2013-14); every
count scales with the number of children asked for (looked-after figures with the
looked-after share, CP figures with the CP share). The code weights give the mix of
903 codes, categories and places the generator draws from.
"""

from __future__ import annotations

# -- The shape of the default unit (seed figures, 2013-14) ------------------------------

DEFAULT_LOOKED_AFTER = 310
DEFAULT_CP = 170
DEFAULT_CHILDREN = DEFAULT_LOOKED_AFTER + DEFAULT_CP
CHILDREN_PER_IRO = 70
HISTORY_YEARS = 3
ROTA_WEEKS_AHEAD = 4
# One IRO in PART_TIME_EVERY works part-time, at PART_TIME_FTE (seed: 22 hours a week).
PART_TIME_EVERY = 7
PART_TIME_FTE = 0.6

# Year-end shares (seed section 4).
AGE_BAND_SHARES = (0.26, 0.22, 0.36, 0.16)
AGE_BAND_YEARS = ((0, 4), (5, 9), (10, 15), (16, 17))
PLACEMENT_SHARES = {"fostered": 0.789, "residential": 0.113, "adoption": 0.075, "parents": 0.023}
SHORT_BREAK_SHARE = 0.01
# Of the default 310 at the end: 140 in care for more than the three years of history.
# Over the history: 200 of those in care at the start leave, 420 start (250 of whom leave).
LONG_STAY_SHARE = 0.45
ENDED_BEFORE_HISTORY_PER_310 = 200
ENDED_WITHIN_HISTORY_PER_310 = 250
SECOND_PERIOD_SHARE = 0.03
CP_BEFORE_CARE_SHARE = 0.25
CP_ENDED_OLD_PER_170 = 120
CP_ENDED_NEW_PER_170 = 330

ON_TIME = 0.955  # reviews held on or before the due date (seed: 95.6%)
BROUGHT_FORWARD = 0.03
# Children: boys' share, the share with an NHS number, and those awaiting an IRO now.
BOY_SHARE = 0.51
NHS_NUMBER_SHARE = 0.97
UNALLOCATED_SHARE = 0.02
# IRO visits a year, per 310 looked after (seed: 88 visits to 78 children).
VISITED_CHILDREN_PER_310 = 80
VISITS_PER_310 = 90
# Issues Resolution cases a year, per 310 looked after; the share raised from a form.
RESOLUTION_CASES_PER_310 = 30
RESOLUTION_FROM_FORMS_SHARE = 0.3
# Duty enquiries a working day, per 480 children.
ENQUIRIES_PER_WORKING_DAY = 3

# -- Code weights -----------------------------------------------------------------------

FOSTER = {"U1": 8, "U2": 1, "U3": 12, "U4": 30, "U5": 2, "U6": 47}
RESIDENTIAL = {"K2": 70, "R1": 30}
ADOPTION = {"A3": 10, "A4": 15, "A5": 30, "A6": 45}
CIN_CODES = {"N1": 60, "N2": 5, "N3": 3, "N4": 20, "N5": 5, "N6": 2, "N7": 2, "N8": 3}
PLACE_CHANGE = {
    "CARPL": 40, "CREQB": 12, "CREQO": 10, "CHILD": 8, "LAREQ": 8, "STAND": 4,
    "ALLEG": 3, "CLOSE": 4, "APPRR": 2, "PLACE": 5, "OTHER": 4,
}  # fmt: skip
# Participation of children aged 4+ (seed: PN1 242, PN3 2, PN4 3, PN5 107, PN6 187, PN7 20).
PARTICIPATION_4PLUS = {
    "PN1": 43.0, "PN2": 0.3, "PN3": 0.4, "PN4": 0.5, "PN5": 19.0, "PN6": 33.0, "PN7": 3.5,
}  # fmt: skip
ETHNICITY = {
    "WBRI": 84.0, "NOBT": 5.0, "WIRI": 0.6, "WOTH": 1.4, "WROM": 0.4, "MWBC": 1.6,
    "MWBA": 0.8, "MWAS": 1.0, "MOTH": 1.2, "AIND": 0.3, "APKN": 0.6, "ABAN": 0.5,
    "AOTH": 0.3, "BCRB": 0.4, "BAFR": 1.0, "BOTH": 0.3, "CHNE": 0.2, "OOTH": 0.4,
}  # fmt: skip
# How care ends when not by adoption or at 18 (seed: returning home leads).
LEAVING_CARE = {"E4A": 35, "E45": 15, "E46": 10, "E48": 10, "E41": 5, "E13": 10, "E8": 5, "E15": 5}
CP_CATEGORY = {"NEG": 45, "EMO": 35, "PHY": 8, "SAB": 4, "MUL": 8}
CP_AGE_AT_ICPC = {(0, 0): 5, (1, 4): 31, (5, 9): 32, (10, 15): 26, (16, 17): 6}
FAMILY_SIZE = {1: 40, 2: 30, 3: 18, 4: 8, 5: 4}
ENTRY_AGE = {(0, 0): 20, (1, 4): 15, (5, 9): 20, (10, 15): 33, (16, 17): 12}
VISIT_LOCATION = {
    "placement": 45, "school": 12, "out_of_borough": 20, "home": 8, "office": 10, "other": 5,
}  # fmt: skip
ENQUIRY_CATEGORY = {
    "10A": 15, "11A": 8, "12A": 1, "13A": 2, "24A": 3, "22A": 0.5, "15A": 4, "3A": 2,
    "3B": 6, "3C": 2, "16A": 8, "17A": 4, "18B": 2, "18C": 4, "19B": 1, "19C": 2,
    "LADO": 5, "PLACEMENT": 8, "ADVICE": 19.5, "20": 3,
}  # fmt: skip
# Share of a CP conference's agency reports in on time (seed: ICPC 65%, RCPC 69%).
AGENCY_ON_TIME = {
    "Police": 0.56, "Health visitor": 0.75, "School": 0.72, "GP": 0.55, "Housing": 0.72,
    "Probation": 0.70, "Social care": 0.58, "Education welfare": 0.72,
}  # fmt: skip
REPORT_NEVER = 0.05
