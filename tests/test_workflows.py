"""The GitHub workflows are valid and pass zizmor's security audit; the issue forms and
the pull-request template are in place (all checked offline)."""

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


def test_pull_request_template_has_a_checklist() -> None:
    template = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert template.count("- [ ] ") >= 3 and "python3 dev.py test" in template
