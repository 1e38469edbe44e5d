#!/usr/bin/env python3
"""Set up the pinned environment, then serve the site or run the tests.

    python3 dev.py serve          # http://127.0.0.1:8000, rebuilt on every save (snippet cache on)
    python3 dev.py test [ARGS]    # the whole suite, strict build included; ARGS go to pytest
    python3 dev.py build          # a strict build into site/ (every snippet runs)
    python3 dev.py run PATH       # run one snippet exactly as the build does
    python3 dev.py measure [--python PATH] [--cell NAME]
                                  # every shown snippet under one interpreter, into .records/
    python3 dev.py cells          # the same under Debian's 3.14 and 3.15, in a chroot (root)
    python3 dev.py wheels         # check that every pin has a wheel on every supported Python
    python3 dev.py lint           # the pre-commit hooks on every file (fixes what they can)
    python3 dev.py bench          # time a clean build and the edit loop's rebuilds

Needs only Python 3.11.5+ with pip and venv. The virtual environment lives in .venv
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
        "measure": ["-m", "snippet_runner.cells"],
        "cells": ["-m", "snippet_runner.debian_cells"],
        "wheels": [str(ROOT / "tools" / "wheel_check.py")],
        "lint": [],
        "bench": [str(ROOT / "tools" / "build_bench.py")],
    }
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    python = ensure_environment()
    # Values already set in the environment win over the commit and date from git.
    # Material prints a banner about Zensical, its successor, on every build; this site
    # needs no MkDocs hooks, so Zensical can read the same mkdocs.yml.
    env = build_identity() | dict(os.environ) | {"NO_MKDOCS_2_WARNING": "1"}
    command = [str(python), *commands[argv[0]]]
    if argv[0] == "lint":
        command, env = lint_command(python, env)
    return subprocess.run([*command, *argv[1:]], cwd=ROOT, env=env, check=False).returncode


def project_files() -> list[str]:
    """Every file git knows or would add: the project, without .venv, caches or builds."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    return [name for name in listed if name and (ROOT / name).is_file()]


def lint_command(
    python: Path, env: dict[str, str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """pre-commit's hooks on every project file (so a new snippet is checked before its
    first commit), with ``python``'s environment first on PATH: the hooks run the pinned
    tools from it (``language: system``). The tests run this too."""
    env = dict(os.environ if env is None else env)
    env["PATH"] = os.pathsep.join([str(python.parent), *filter(None, [env.get("PATH")])])
    return [str(python), "-m", "pre_commit", "run", "--files", *project_files()], env


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
