"""The pins install from wheels on every supported Python and OS (tools/wheel_check.py).

The check reads the real package index (PyPI, or ``PIP_INDEX_URL``): it is what a
reader's installer will find. One test proves the pins; another puts in a pin that
has no wheel for one Python and sees the check name it. A made-up index, offline,
shows the rule for a source build that pyproject.toml allows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from helpers import ROOT, tool_module

wheel_check = tool_module("wheel_check")
PROJECT = wheel_check.Project.read()
CONSTRAINTS = (ROOT / "constraints.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def index() -> Iterator[object]:
    """One reading of the index for this module's tests."""
    found = wheel_check.Index()
    yield found
    found.close()


def test_every_pin_installs_from_a_wheel_on_every_supported_python(index: object) -> None:
    problems = wheel_check.check_all(CONSTRAINTS, PROJECT, index)
    assert not problems, "\n".join(problems)
    assert len(PROJECT.targets()) == 3 * len(PROJECT.pythons)


def test_a_pin_without_a_wheel_fails_the_check_naming_it(index: object) -> None:
    """numpy 2.4.6 has no wheel for 3.15: pinned for every Python, the check says so."""
    everywhere = re.sub(r"^numpy==.*\n", "", CONSTRAINTS, flags=re.M) + "numpy==2.4.6\n"
    problems = wheel_check.check_all(everywhere, PROJECT, index)
    named = [p for p in problems if "numpy==2.4.6 has no wheel" in p]
    assert {p.split(":")[0] for p in named} >= {
        "CPython 3.15 on Linux",
        "CPython 3.15 on macOS",
        "CPython 3.15 on Windows",
    }, "\n".join(problems)


def test_a_package_needed_without_a_pin_fails_the_check(index: object) -> None:
    """appnope is installed on macOS only (ipykernel needs it there): without its pin,
    a macOS install would take whatever release is newest."""
    without = re.sub(r"^appnope==.*\n", "", CONSTRAINTS, flags=re.M)
    problems = wheel_check.check_all(without, PROJECT, index)
    assert problems and all("appnope is needed" in p and "macOS" in p for p in problems)


def test_an_allowed_source_build_must_go_once_its_wheel_appears() -> None:
    """A made-up index: "demo" has a wheel for 3.14 only; allowing a source build on
    3.15 passes, and allowing one on 3.14, where a wheel exists, fails."""

    def fetch(url: str, headers: dict[str, str]) -> bytes:
        if url.endswith("/demo/"):
            name = "demo-1.0-cp314-cp314-win_amd64.whl"
            files = [{"filename": name, "size": 1, "url": f"https://files.example/{name}"}]
            return json.dumps({"files": files}).encode()
        assert url.endswith(".metadata"), url
        return b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"

    def project(python: str) -> object:
        builds = {("demo==1.0", python): "no wheel yet"}
        return wheel_check.Project(["demo"], ["3.14", "3.15"], PROJECT.requires_python, builds)

    index = wheel_check.Index(fetch)
    windows = [t for t in project("3.15").targets() if t.os == "Windows"]
    pins = wheel_check.read_pins("demo==1.0\n")
    assert [wheel_check.check(t, project("3.15"), pins, index) for t in windows] == [[], []]
    stale = [wheel_check.check(t, project("3.14"), pins, index) for t in windows]
    assert "has a wheel now" in stale[0][0] and "demo==1.0 has no wheel" in stale[1][0]
