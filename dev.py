#!/usr/bin/env python3
"""Set up the pinned environment, then serve the site or run the tests.

    python3 dev.py serve          # http://127.0.0.1:8000, rebuilt on every save
    python3 dev.py test [ARGS]    # the whole suite, strict build included; ARGS go to pytest
    python3 dev.py build          # a strict build into site/
    python3 dev.py run PATH       # run one snippet exactly as the build does

Needs only Python 3.11+ with pip and venv. The virtual environment lives in .venv
and is (re)installed from pyproject.toml and constraints.txt whenever either changes.
Every command passes SITE_COMMIT and SITE_BUILD_DATE (from git and the clock, unless
already set) to the build, which names them in every page's footer.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PINS = (ROOT / "pyproject.toml", ROOT / "constraints.txt")
STAMP = VENV / "installed-from.sha256"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment() -> Path:
    """Create or refresh .venv so that it matches the pinned files exactly."""
    digest = hashlib.sha256(sys.version.encode())
    for pin in PINS:
        digest.update(pin.read_bytes())
    wanted = digest.hexdigest()
    if STAMP.is_file() and STAMP.read_text().strip() == wanted and venv_python().is_file():
        return venv_python()
    print(f"dev.py: installing the pinned environment into {VENV.name}/ ...", flush=True)
    venv.EnvBuilder(clear=True, with_pip=True).create(VENV)
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run(
        [*pip, "install", "-c", "constraints.txt", "-e", ".[test]"],
        cwd=ROOT,
        check=True,
    )
    STAMP.write_text(wanted + "\n")
    return venv_python()


def build_identity() -> dict[str, str]:
    """The commit and date the footer names; mkdocs.yml reads them with !ENV."""
    now = datetime.datetime.now(datetime.UTC)
    found = {"SITE_BUILD_DATE": now.strftime("%Y-%m-%d %H:%M UTC")}
    git = ["git", "-C", str(ROOT)]
    try:
        commit = subprocess.run(
            [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        changes = subprocess.run(
            [*git, "status", "--porcelain"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return found  # not a git checkout: the footer says "unknown"
    found["SITE_COMMIT"] = commit + ("+dirty" if changes else "")
    return found


def main(argv: list[str]) -> int:
    commands = {
        "serve": ["-m", "mkdocs", "serve", "--dev-addr", "127.0.0.1:8000"],
        "test": ["-m", "pytest"],
        "build": ["-m", "mkdocs", "build", "--strict"],
        "run": ["-m", "snippet_runner"],
    }
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    python = ensure_environment()
    env = build_identity() | dict(os.environ)  # values already set win
    return subprocess.run(
        [str(python), *commands[argv[0]], *argv[1:]], cwd=ROOT, env=env, check=False
    ).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
