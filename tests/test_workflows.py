"""The GitHub workflows are valid, pass zizmor's security audit, pin every action to a
commit and bound every job's time; the issue forms are valid (all checked offline)."""

from __future__ import annotations

import re
import subprocess
import sys
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
