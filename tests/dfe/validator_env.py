"""The DfE's SSDA903 validator (``csc-validator-be-903``) in its own environment.

It is not a dependency of IRO Desk (it pins old pandas and numpy), so it lives in a
venv under the user's cache folder, made once with uv and reused by later runs. Run
this file to make (or check) the environment: ``python tests/dfe/validator_env.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = "csc-validator-be-903==0.1.17"  # the version whose rules the exemptions were read in
DRIVER = Path(__file__).with_name("validator_driver.py")
INSTALL_TIMEOUT_S = 300
RUN_TIMEOUT_S = 120


class ValidatorUnavailable(RuntimeError):
    """The validator's environment could not be made (no uv, no network ...)."""


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "iro-desk"


def venv_dir() -> Path:
    return cache_root() / ("dfe-validator-" + PACKAGE.split("==")[1])


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_validator() -> Path:
    """The validator venv's python, made first if needed. Built in a temporary folder and
    renamed into place, so a failed or concurrent install never leaves a half venv."""
    venv = venv_dir()
    if (venv / "ready").exists():
        return _python(venv)
    uv = shutil.which("uv")
    if uv is None:
        raise ValidatorUnavailable("uv is not on PATH, so the validator venv cannot be made")
    venv.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=".dfe-validator-", dir=venv.parent))
    try:
        for args in (
            [uv, "venv", "-q", "--python", f"{sys.version_info[0]}.{sys.version_info[1]}", build],
            [uv, "pip", "install", "-q", "--python", _python(build), PACKAGE],
        ):
            done = subprocess.run(
                [str(a) for a in args], capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S
            )
            if done.returncode != 0:
                raise ValidatorUnavailable(
                    f"`{' '.join(map(str, args[:3]))}` failed: {done.stderr.strip()[-500:]}"
                )
        (build / "ready").write_text(PACKAGE + "\n")
        try:
            build.rename(venv)
        except OSError:  # another run finished first: use its venv
            if not (venv / "ready").exists():
                raise
    except subprocess.TimeoutExpired as exc:
        raise ValidatorUnavailable(f"installing {PACKAGE} took over {exc.timeout} s") from exc
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return _python(venv)


def validate(
    python: Path, ruleset: str, year: int, authority: str, this_year: Path, last_year: Path
) -> dict:
    """Run the ruleset on one year's files (with the year before's); the driver's JSON:
    ``failures`` (rule, message, table, row, child) and ``crashed`` (rules that raised)."""
    done = subprocess.run(
        [str(python), str(DRIVER), ruleset, str(year), authority, str(this_year), str(last_year)],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the validator failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


if __name__ == "__main__":
    print(ensure_validator())
