"""Runs inside the DfE validator's own environment (not the project's): validates one
year's 903 CSV files and prints, as JSON, every failing rule's rows and the rules that
crashed. Usage: python validator_driver.py RULESET COLLECTION_YEAR LA_CODE DIR [PREV_DIR]
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from pathlib import Path

FILES = ("header.csv", "episodes.csv", "reviews.csv")


def main(argv: list[str]) -> None:
    logging.disable(logging.CRITICAL)  # the validator logs every rule at INFO
    from lac_validator.lac_validator import LacValidator
    from lac_validator.utils import process_uploaded_files

    ruleset, year, authority, this_dir, *prev = argv
    out = sys.stdout
    sys.stdout = sys.stderr  # the validator prints as it reads; only the JSON goes out
    files = {"This year": [str(Path(this_dir) / name) for name in FILES]}
    if prev:
        files["Prev year"] = [str(Path(prev[0]) / name) for name in FILES]
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    validator = LacValidator(
        metadata={"collectionYear": year, "localAuthority": authority},
        files=process_uploaded_files(files),
        registry=registry,
    )
    failures = []
    for table, frame in validator.ds_results.items():
        if table == "metadata":
            continue
        for column in (c for c in frame.columns if c.startswith("ERR_")):
            for row in frame.index[frame[column] == True]:  # noqa: E712 (NaN-safe)
                code = column[4:]
                failures.append(
                    {
                        "rule": code,
                        "message": registry[code].message,
                        "table": table,
                        "row": int(row),
                        "child": str(frame.at[row, "CHILD"]),
                    }
                )
    json.dump({"failures": failures, "crashed": validator.fails}, out)


if __name__ == "__main__":
    main(sys.argv[1:])
