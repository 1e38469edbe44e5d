"""The pre-commit hooks pass: whitespace, YAML and TOML syntax, ruff, spelling.

The suite runs what ``python3 dev.py lint`` runs: the hooks a commit runs
(.pre-commit-config.yaml), from this environment and offline, on every file git knows
or would add, so a new snippet is checked before it is committed. It only checks: the
hooks run on a copy of those files, so a fixer (whitespace, ruff format) changes the
copy, never your working tree. To fix what it reports, run ``python3 dev.py lint``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from build_bench import copy_project
from helpers import ROOT, dev_module


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="pre-commit needs a git checkout")
def test_pre_commit_hooks_pass(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    copy_project(copy)
    git = ["git", "-C", str(copy), "-c", "core.hooksPath=/dev/null"]
    subprocess.run([*git, "init", "--quiet"], check=True)
    subprocess.run([*git, "add", "--all"], check=True)  # pre-commit reads git's file list
    command, env = dev_module().lint_command(Path(sys.executable))
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")  # its own store, offline
    hooks = subprocess.run(
        [*command, "--color=never"], cwd=copy, env=env, capture_output=True, text=True, check=False
    )
    assert hooks.returncode == 0, (
        f"run python3 dev.py lint, which fixes what it can:\n"
        f"{hooks.stdout[-6000:]}\n{hooks.stderr[-2000:]}"
    )
    # Every hook ran (one that matched no file would say "(no files to check)Skipped").
    assert "Skipped" not in hooks.stdout, hooks.stdout
