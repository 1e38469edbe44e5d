"""The GitHub workflows are valid, pass zizmor's security audit, pin every action to a
commit and bound every job's time; the issue forms are valid (all checked offline)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from helpers import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent
PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}")


def test_every_action_is_pinned_and_every_job_has_a_time_limit() -> None:
    """A tag can be moved to other code, a commit cannot; a job without a limit can hang
    for six hours (GitHub's default)."""
    assert WORKFLOWS
    for workflow in WORKFLOWS:
        jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
        for name, job in jobs.items():
            assert "timeout-minutes" in job, f"{workflow.name}: give job {name} timeout-minutes"
            for step in job.get("steps", []):
                uses = step.get("uses", "")
                assert not uses or PINNED.fullmatch(uses), (
                    f"{workflow.name}: pin {uses} to a commit"
                )


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


ISSUE_FORMS = sorted((ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))


def test_issue_forms_match_the_github_schemas() -> None:
    forms = [p for p in ISSUE_FORMS if p.name != "config.yml"]
    assert {p.stem for p in forms} >= {"bug-in-an-example", "wrong-claim", "new-topic"}
    for schema, files in [
        ("vendor.github-issue-forms", forms),
        ("vendor.github-issue-config", [p for p in ISSUE_FORMS if p.name == "config.yml"]),
    ]:
        cmd = [BIN / "check-jsonschema", "--builtin-schema", schema, *files]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_ci_and_the_deploy_run_every_supported_python() -> None:
    """pyproject.toml's ``[tool.site] pythons`` is the one list: CI tests each of them on
    Linux, the deploy measures each as a Linux cell and builds with the newest, and
    macOS and Windows run the newest in both."""
    pythons = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["site"]
    pythons = pythons["pythons"]
    newest = max((p for p in pythons if not p.endswith("t")), key=lambda p: int(p.split(".")[1]))
    workflows = {w.name: yaml.safe_load(w.read_text(encoding="utf-8")) for w in WORKFLOWS}
    ci = workflows["ci.yml"]["jobs"]["test"]["strategy"]["matrix"]
    assert set(pythons) <= set(ci["python"])
    assert {("macos-15", newest), ("windows-2025", newest)} <= {
        (extra["os"], extra["python"]) for extra in ci["include"]
    }
    cells = workflows["pages.yml"]["jobs"]["measure"]["strategy"]["matrix"]["include"]
    linux = {cell["python"] for cell in cells if cell["os"].startswith("ubuntu")}
    assert set(pythons) <= linux
    assert {f"macOS {newest}", f"Windows {newest}"} <= {cell["cell"] for cell in cells}
    steps = workflows["pages.yml"]["jobs"]["build"]["steps"]
    [setup] = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup["with"]["python-version"] == newest
    page = (ROOT / "docs" / "results" / "across-versions.md").read_text("utf-8")
    for python in pythons:
        assert python in page, f"the Across versions page does not name the cell {python}"
