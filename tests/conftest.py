"""Shared fixtures: one strict build of the site per session, and the snippet runs it made.

Building the site runs every snippet once. The tests that check a snippet's output
reuse that run instead of running the snippet again; when the build is not part of
the session (``pytest tests/test_threads.py``), they run the snippet on its own,
the same way the build would. Helpers live in helpers.py; this file holds only
fixtures and hooks.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest
from helpers import ROOT, Build, build_site, snippet_fences, working_site
from snippet_runner.debian_cells import CELLS, record_file
from snippet_runner.options import FenceOptions
from snippet_runner.process import Run, run_snippet, timeout_for
from snippet_runner.records import RECORDS_DIR

_BUILD_SELECTED = pytest.StashKey[bool]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Whether a selected test needs the whole build. This runs after ``-k`` and ``-m``
    have deselected tests, so ``pytest -k 'not built_page'`` builds nothing."""
    session.config.stash[_BUILD_SELECTED] = any(
        "site_build" in getattr(item, "fixturenames", ()) for item in session.items
    )


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    # The suite shows this checkout's own runs and the cells this machine measured
    # (dev.py cells: Debian's 3.14 and 3.15), and no other records of .records/ (an
    # interpreter a contributor once measured with dev.py measure). Which of this
    # machine's cells have no records, test_records says.
    records = tmp_path_factory.mktemp("records")
    for cell in CELLS:
        if record_file(cell, ROOT / RECORDS_DIR).is_file():
            shutil.copy(record_file(cell, ROOT / RECORDS_DIR), records)
    return build_site(tmp_path_factory.mktemp("build"), {"SNIPPET_RECORDS_DIR": str(records)})


@pytest.fixture(scope="session")
def working_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One build of helpers.working_site() as the tests build throwaway sites (every
    snippet run fresh), shared by the tests that check different facts of it."""
    root = tmp_path_factory.mktemp("working")
    return build_site(root / "out", cwd=working_site(root / "src"))


_runs: dict[str, Run] = {}


@pytest.fixture
def snippet_run(request: pytest.FixtureRequest) -> Callable[[str], Run]:
    """``snippet_run("snippets/x/01_y.py")``: the run from this session's build, or a fresh one."""
    fences = {fence.path: fence.options for fence in snippet_fences()}
    # Build now, while the fixture is set up, not from inside the test: a test's time
    # limit covers its body only, and the build (bounded by BUILD_TIMEOUT) takes minutes.
    build_runs = {}
    if request.config.stash.get(_BUILD_SELECTED, False):
        build_runs = request.getfixturevalue("site_build").runs

    def get(path: str) -> Run:
        if path not in _runs:
            if path in build_runs:
                _runs[path] = build_runs[path]
            else:
                options = fences.get(path, FenceOptions())
                _runs[path] = run_snippet(
                    ROOT / path,
                    timeout_for(options.timeout),
                    expected_returncode=options.returncode,
                    embed_images=options.output == "markdown",
                )
        return _runs[path]

    return get


@pytest.fixture
def snippet_output(snippet_run: Callable[[str], Run]) -> Callable[[str], str]:
    """``snippet_output(path)``: the output of a snippet that must have succeeded."""

    def get(path: str) -> str:
        run = snippet_run(path)
        assert run.failure() is None, run.describe_failure()
        return run.output

    return get
