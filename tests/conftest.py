"""Shared fixtures: one strict build of the site per session, and the snippet runs it made.

Building the site runs every snippet once. The tests that check a snippet's output
reuse that run instead of running the snippet again; when the build is not part of
the session (``pytest tests/test_threads.py``), they run the snippet on its own,
the same way the build would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import snippet_runner
from pytest_examples import find_examples

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BUILD_TIMEOUT = 1800  # seconds for the whole strict build; each snippet has its own limit
_BUILD_SELECTED = pytest.StashKey[bool]()


def snippets(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / "snippets").rglob("*.py") if "__pycache__" not in p.parts)


def pages(root: Path = ROOT) -> list[Path]:
    """The site's pages: not ``_*.md`` files (the page template), which mkdocs.yml excludes."""
    return sorted(p for p in (root / "docs").rglob("*.md") if not p.name.startswith("_"))


SNIPPETS = snippets()
PAGES = pages()


def rel(path: Path, root: Path = ROOT) -> str:
    return path.relative_to(root).as_posix()


@dataclass
class SnippetFence:
    """One ``python-snippet`` fence in a page."""

    page: str
    line: int
    path: str
    options: dict[str, str]


def snippet_fences(root: Path = ROOT) -> list[SnippetFence]:
    """Every ``python-snippet`` fence in the pages, as pytest-examples finds it."""
    return [
        SnippetFence(rel(ex.path, root), ex.start_line, ex.source.strip(), ex.prefix_settings())
        for ex in find_examples(*pages(root))
        if ex.prefix.split()[0] == "python-snippet"
    ]


def orphan_snippets(root: Path = ROOT) -> list[str]:
    """Snippets that no page shows: nobody reads them and nothing checks them."""
    shown = {fence.path for fence in snippet_fences(root)}
    return [rel(path, root) for path in snippets(root) if rel(path, root) not in shown]


@dataclass
class Build:
    returncode: int
    log: str
    site: Path
    runs: dict[str, snippet_runner.Run] = field(default_factory=dict)


def build_site(out: Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> Build:
    """``mkdocs build --strict`` into ``out/site``, recording every snippet run."""
    out.mkdir(parents=True, exist_ok=True)
    record = out / "snippet-runs.jsonl"
    env = {
        **os.environ,
        "SNIPPET_RECORD": str(record),
        "SNIPPET_CACHE": "0",  # the tests check fresh runs, like CI and the deployed site
        "NO_MKDOCS_2_WARNING": "1",
        **(env or {}),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            str(out / "site"),
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    runs = {}
    if record.exists():
        for line in record.read_text(encoding="utf-8").splitlines():
            run = snippet_runner.Run(**json.loads(line))
            runs[run.path] = run
    return Build(proc.returncode, proc.stdout + proc.stderr, out / "site", runs)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_BUILD_SELECTED] = any(
        "site_build" in getattr(i, "fixturenames", ()) for i in items
    )


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build_site(tmp_path_factory.mktemp("build"))


_runs: dict[str, snippet_runner.Run] = {}


@pytest.fixture
def snippet_run(request: pytest.FixtureRequest) -> Callable[[str], snippet_runner.Run]:
    """``snippet_run("snippets/x/01_y.py")``: the run from this session's build, or a fresh one."""
    fences = {fence.path: fence.options for fence in snippet_fences()}
    # Build now, while the fixture is set up, not from inside the test: a test's time
    # limit covers its body only, and the build (bounded by BUILD_TIMEOUT) takes minutes.
    build_runs = {}
    if request.config.stash.get(_BUILD_SELECTED, False):
        build_runs = request.getfixturevalue("site_build").runs

    def get(path: str) -> snippet_runner.Run:
        if path not in _runs:
            if path in build_runs:
                _runs[path] = build_runs[path]
            else:
                options = fences.get(path, {})
                timeout = float(options["timeout"]) if "timeout" in options else None
                _runs[path] = snippet_runner.run_snippet(
                    ROOT / path,
                    snippet_runner.timeout_for(timeout),
                    embed_images=options.get("output") == "markdown",
                )
        return _runs[path]

    return get


@pytest.fixture
def snippet_output(
    snippet_run: Callable[[str], snippet_runner.Run],
) -> Callable[[str], str]:
    """``snippet_output(path)``: the output of a snippet that must have succeeded."""

    def get(path: str) -> str:
        run = snippet_run(path)
        failure = run.failure()
        assert failure is None, run.describe_failure()
        return run.output

    return get


def site_skeleton(dest: Path) -> Path:
    """A throwaway site with our real configuration: mkdocs.yml (without nav and
    watch, which name our pages) and the theme overrides. Tests add the pages."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^(nav|watch):\n(?:[ \t-].*\n|\n)*", "", config, flags=re.M)
    (dest / "docs").mkdir(parents=True, exist_ok=True)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "overrides", dest / "overrides")  # the theme's custom_dir
    return dest
