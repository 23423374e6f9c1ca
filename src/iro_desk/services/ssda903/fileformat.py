"""The 903 files' format: names, columns, code lists and shapes."""

from __future__ import annotations

import re

HEADER_FILE = "header.csv"
EPISODES_FILE = "episodes.csv"
REVIEWS_FILE = "reviews.csv"

HEADER_COLUMNS: tuple[str, ...] = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODE_COLUMNS: tuple[str, ...] = (
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
)  # fmt: skip
REVIEW_COLUMNS: tuple[str, ...] = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")
FILES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (HEADER_FILE, HEADER_COLUMNS),
    (EPISODES_FILE, EPISODE_COLUMNS),
    (REVIEWS_FILE, REVIEW_COLUMNS),
)

# 903 lists that rules.codes does not hold (yet): reason for new episode, category of
# need, placement provider, and the UPN stand-ins for a child who has no UPN.
RNE_CODES: dict[str, str] = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of both legal status and placement",
    "U": "Change of placement but same carer(s)",
    "B": "Change of legal status and placement but same carer(s)",
}
CIN_CODES = tuple(f"N{n}" for n in range(1, 9))
PLACE_PROVIDER_CODES = tuple(f"PR{n}" for n in range(6))
NO_UPN_CODES = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5"})
# Reason episode ceased: E2..E9, E11..E17, E41, E45..E48, E4A, E4B, and X1 (episode
# ceases and a new one begins in the same period). Shape only: the list changes often.
REC_SHAPE = re.compile(r"^(?:X1|E\d{1,2}|E4[AB])$")
DATE_SHAPE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

# The last return that used 1/2 for SEX; M/F/U from 2024-25.
LAST_NUMERIC_SEX_YEAR = 2023
SEX_TO_OLD = {"M": "1", "F": "2"}

# Keep IN lists well inside every driver's parameter limit.
CHUNK = 500
SOURCE = "SSDA903"
