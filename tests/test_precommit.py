"""The pre-commit hooks pass: whitespace, YAML and TOML syntax, ruff, spelling.

The suite runs exactly what ``python3 dev.py lint`` runs: the hooks a commit runs
(.pre-commit-config.yaml), from this environment and offline, on every file git
knows or would add, so a new snippet is checked before it is committed. Fixers
(whitespace, ruff format) fix files in place and the test fails; run it again.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT


def dev_module():
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="pre-commit needs a git checkout")
def test_pre_commit_hooks_pass(tmp_path: Path) -> None:
    command, env = dev_module().lint_command(Path(sys.executable))
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")  # its own store, offline
    hooks = subprocess.run(
        [*command, "--color=never"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert hooks.returncode == 0, f"{hooks.stdout[-6000:]}\n{hooks.stderr[-2000:]}"
    # Every hook ran (one that matched no file would say "(no files to check)Skipped").
    assert "Skipped" not in hooks.stdout, hooks.stdout
