#!/usr/bin/env python3
"""Set up the pinned environment, then serve the site or run the tests.

    python3 dev.py serve          # http://127.0.0.1:8000, rebuilt on every save (snippet cache on)
    python3 dev.py test [ARGS]    # the whole suite, strict build included; ARGS go to pytest
    python3 dev.py build          # a strict build into site/ (every snippet runs)
    python3 dev.py run PATH       # run one snippet exactly as the build does
    python3 dev.py lint           # the pre-commit hooks on every file (fixes what they can)
    python3 dev.py bench          # time a clean build and the edit loop's rebuilds

Needs only Python 3.11+ with pip and venv. The virtual environment lives in .venv
and is (re)installed from pyproject.toml and constraints.txt whenever either changes.
"""

from __future__ import annotations

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


def main(argv: list[str]) -> int:
    commands = {
        "serve": ["-m", "mkdocs", "serve", "--dev-addr", "127.0.0.1:8000"],
        "test": ["-m", "pytest"],
        "build": ["-m", "mkdocs", "build", "--strict"],
        "run": ["-m", "snippet_runner"],
        "lint": [],
        "bench": [str(ROOT / "tools" / "build_bench.py")],
    }
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    python = ensure_environment()
    command, env = [str(python), *commands[argv[0]]], None
    if argv[0] == "lint":
        command, env = lint_command(python)
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


def lint_command(python: Path) -> tuple[list[str], dict[str, str]]:
    """pre-commit's hooks on every project file (so a new snippet is checked before its
    first commit), with ``python``'s environment first on PATH: the hooks run the pinned
    tools from it (``language: system``). The tests run this too."""
    path = [str(python.parent), *filter(None, [os.environ.get("PATH")])]
    env = {**os.environ, "PATH": os.pathsep.join(path)}
    return [str(python), "-m", "pre_commit", "run", "--files", *project_files()], env


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
