"""The GitHub workflows are valid and pass zizmor's security audit (both offline)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def test_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "pages.yml"}


def test_workflows_match_the_github_schema() -> None:
    # The schema ships inside check-jsonschema, so this needs no network.
    cmd = [
        BIN / "check-jsonschema",
        "--builtin-schema",
        "vendor.github-workflows",
        *WORKFLOWS,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_zizmor() -> None:
    cmd = [BIN / "zizmor", "--offline", "--no-progress", ROOT / ".github" / "workflows"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
