"""The snippet runner fails loudly and leaves nothing behind: fault injection.

The unit tests call the runner directly; the build tests run ``mkdocs build`` on a
throwaway copy of the site's configuration with one broken example each, so they
check what a contributor sees: the build fails, the message names the file, and no
process the example started is still alive afterwards.
"""

from __future__ import annotations

import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import (
    GOOD,
    Build,
    build_site,
    check_code_block,
    orphan_snippets,
    throwaway_site,
    write,
)
from pytest_examples import EvalExample, find_examples
from snippet_runner.fence import FenceOptions, SnippetError, validator
from snippet_runner.process import DEFAULT_TIMEOUT, run_snippet, timeout_for
from snippet_runner.tree import kill_leftovers

HANG_WITH_CHILDREN = '''"""Starts a worker process and a subprocess, then hangs."""
import multiprocessing, subprocess, sys, time

def main():
    ctx = multiprocessing.get_context("fork")
    ctx.Process(target=time.sleep, args=(600,)).start()
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{marker}"])
    print("children started", flush=True)
    time.sleep(600)

if __name__ == "__main__":
    main()
'''


def live_processes_mentioning(marker: str) -> list[int]:
    """PIDs of live processes whose command line contains ``marker``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker in cmdline.read_text(errors="replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def test_a_raising_snippet_is_named_with_its_line(tmp_path: Path) -> None:
    snippet = write(
        tmp_path / "boom.py",
        'def main():\n    raise RuntimeError("injected")\n\nmain()\n',
    )
    run = run_snippet(snippet, 30)
    message = run.describe_failure()
    assert "exited with code 1" in message
    assert str(snippet) in message and "line 2, in main" in message
    assert "RuntimeError: injected" in message


def test_the_run_knows_the_exit_status_its_page_expects(tmp_path: Path) -> None:
    snippet = write(tmp_path / "three.py", "raise SystemExit(3)\n")
    assert run_snippet(snippet, 30, expected_returncode=3).failure() is None
    assert run_snippet(snippet, 30).failure() == "exited with code 3 (expected 0)"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for survivors")
def test_a_hang_is_killed_with_its_whole_process_tree(tmp_path: Path) -> None:
    marker = f"marker-{uuid.uuid4().hex}"
    snippet = write(tmp_path / f"{marker}.py", HANG_WITH_CHILDREN.format(marker=marker))
    start = time.monotonic()
    run = run_snippet(snippet, 3)
    assert time.monotonic() - start < 15
    assert run.timed_out and "did not finish within its 3 s timeout" in run.describe_failure()
    assert re.search(r"line \d+ in main", run.output), "faulthandler should say where it hung"
    time.sleep(0.5)
    assert live_processes_mentioning(marker) == []


def test_leftover_processes_fail_the_run(tmp_path: Path) -> None:
    marker = f"marker-{uuid.uuid4().hex}"
    code = (
        "import subprocess, sys\n"
        f'child = [sys.executable, "-c", "import time; time.sleep(60)", "{marker}"]\n'
        "subprocess.Popen(child, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    )
    run = run_snippet(write(tmp_path / "orphan.py", code), 30)
    assert run.left_running and "left processes running" in run.describe_failure()
    assert live_processes_mentioning(marker) == []


def test_a_child_holding_the_output_is_a_leftover_not_a_hang(tmp_path: Path) -> None:
    """The child inherits the snippet's stdout: waiting for the output to end would wait
    for the child, until the timeout; the runner waits for the snippet's own process."""
    marker = f"marker-{uuid.uuid4().hex}"
    code = (
        "import subprocess, sys\n"
        f'subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "{marker}"])\n'
        'print("parent done")\n'
    )
    start = time.monotonic()
    run = run_snippet(write(tmp_path / "holder.py", code), 30)
    assert time.monotonic() - start < 15
    assert run.left_running and not run.timed_out, run.describe_failure()
    assert "parent done" in run.output
    assert live_processes_mentioning(marker) == []


class FakeTree:
    """A process tree that ends by itself after ``lives`` looks, or when killed."""

    def __init__(self, lives: int) -> None:
        self.lives, self.killed = lives, False

    def alive(self) -> bool:
        self.lives -= 1
        return not self.killed and self.lives >= 0

    def kill(self) -> None:
        self.killed = True


def test_leftovers_get_a_grace_period_then_are_killed_and_reported() -> None:
    """The logic both platforms share (the Windows job object cannot run here)."""
    ending = FakeTree(lives=2)
    assert kill_leftovers(ending, grace=5) is False and not ending.killed
    stuck = FakeTree(lives=10**6)
    assert kill_leftovers(stuck, grace=0.1) is True and stuck.killed


def test_environment_timeout_overrides_the_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SNIPPET_TIMEOUT", "5")
    assert timeout_for(600) == 5
    monkeypatch.delenv("SNIPPET_TIMEOUT")
    assert timeout_for(600) == 600
    assert timeout_for(None) == DEFAULT_TIMEOUT
    monkeypatch.setenv("SNIPPET_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="SNIPPET_TIMEOUT"):
        timeout_for(None)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"timeot": "5"}, "unknown option"),  # codespell:ignore timeot
        ({"timeout": "-1"}, "positive"),
        ({"output": "html"}, "output="),
    ],
)
def test_fence_options_are_checked(options: dict[str, str], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        FenceOptions.parse(options)
    # In the build, the same error stops it: superfences lets only a SnippetError through.
    with pytest.raises(SnippetError, match=f"python-snippet: .*{error}"):
        validator("python-snippet", options, {}, {}, None)


def test_fence_options_are_parsed_once_with_defaults() -> None:
    parsed: dict[str, FenceOptions] = {}
    assert validator("python-snippet", {"returncode": "2", "show": "output"}, parsed, {}, None)
    assert parsed["fence"] == FenceOptions(returncode=2, show="output")
    assert FenceOptions.parse({}) == FenceOptions(timeout=None, output="text", show="both")


# --- whole builds on a throwaway site: one injected fault each ----------------------------------


def test_throwaway_site_builds_when_nothing_is_wrong(working_build: Build) -> None:
    assert working_build.returncode == 0, working_build.log
    assert "hello from the demo" in (working_build.site / "index.html").read_text("utf-8")


def test_markdown_output_embeds_the_images_a_snippet_writes(working_build: Build) -> None:
    assert working_build.returncode == 0, working_build.log
    page = (working_build.site / "index.html").read_text("utf-8")
    assert 'alt="a dot" src="data:image/svg+xml;base64,' in page


def _with_main(body: str) -> str:
    return GOOD.replace('    print("hello from the demo")', body)


# name: (snippet code, fence options, environment, what the log must say after the file name)
FAULTS = {
    "raises": (
        GOOD + 'raise RuntimeError("injected")\n',
        "",
        {},
        ["exited with code 1 (expected 0)", "RuntimeError: injected"],
    ),
    "exits non-zero": (
        _with_main('    import sys\n    print("giving up", flush=True)\n    sys.exit(4)'),
        "",
        {},
        ["exited with code 4 (expected 0)", "giving up"],
    ),
    "exits with another code than the page expects": (
        _with_main("    raise SystemExit(3)"),
        'returncode="2"',
        {},
        ["exited with code 3 (expected 2)"],
    ),
    "hangs past its fence timeout": (
        _with_main('    import time\n    print("waiting", flush=True)\n    time.sleep(600)'),
        'timeout="3"',
        {},
        ["did not finish within its 3 s timeout", "waiting"],
    ),
    "hangs with children": (
        HANG_WITH_CHILDREN,
        "",
        {"SNIPPET_TIMEOUT": "5"},
        ["did not finish within its 5 s timeout", "children started"],
    ),
    "exits leaving a child running": (
        _with_main(
            "    import subprocess, sys\n"
            '    code = "import time; time.sleep(600)"\n'
            '    subprocess.Popen([sys.executable, "-c", code, "{marker}"])'
        ),
        "",
        {},
        ["exited but left processes running; they were killed"],
    ),
}


@dataclass(frozen=True)
class FaultyBuild:
    result: Build
    marker: str  # in the snippet's path and in every command line it starts
    seconds: float


def _faulty_site(root: Path, name: str) -> tuple[Path, dict[str, str]]:
    """The throwaway site for one injected fault (FAULTS, or a broken page), and its env."""
    if name == "missing snippet":
        return throwaway_site(root, GOOD, include="snippets/demo/02_missing.py"), {}
    if name == "missing include":
        site = throwaway_site(root, GOOD)
        index = site / "docs" / "index.md"
        index.write_text(index.read_text() + '\n--8<-- "docs/_missing_part.md"\n')
        return site, {}
    code, fence_options, env, _expected = FAULTS[name]
    marker = root.name
    return throwaway_site(root, code.replace("{marker}", marker), fence_options=fence_options), env


@pytest.fixture(scope="module")
def faulty_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FaultyBuild]:
    """Every faulty site, built at once. Each build mostly starts MkDocs or waits for a
    timeout, so eight in parallel take about as long as the slowest one: seconds,
    where one after another took half a minute. No build here is timed but by its limit."""
    names = [*FAULTS, "missing snippet", "missing include"]

    def build_one(name: str) -> FaultyBuild:
        root = tmp_path_factory.mktemp("fault") / f"marker-{uuid.uuid4().hex}"
        site, env = _faulty_site(root, name)
        start = time.monotonic()
        result = build_site(root.parent / "out", env=env, cwd=site)
        return FaultyBuild(result, root.name, time.monotonic() - start)

    with ThreadPoolExecutor(len(names)) as pool:
        return dict(zip(names, pool.map(build_one, names), strict=True))


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for survivors")
@pytest.mark.parametrize("fault", FAULTS)
def test_build_fails_naming_the_broken_snippet_and_leaves_nothing(
    faulty_builds: dict[str, FaultyBuild], fault: str
) -> None:
    built = faulty_builds[fault]
    result, (headline, *details) = built.result, FAULTS[fault][3]
    assert built.seconds < 90
    assert result.returncode != 0, result.log
    assert f"snippets/demo/01_demo.py {headline}" in result.log, result.log[-3000:]
    assert all(text in result.log for text in details), result.log[-3000:]
    assert "Run it alone: python snippets/demo/01_demo.py" in result.log
    time.sleep(0.5)
    assert live_processes_mentioning(built.marker) == []


def test_build_fails_on_a_fence_naming_a_missing_snippet(
    faulty_builds: dict[str, FaultyBuild],
) -> None:
    result = faulty_builds["missing snippet"].result
    assert result.returncode != 0
    assert "names 'snippets/demo/02_missing.py', which is not a .py file" in result.log


def test_build_fails_on_a_missing_include(faulty_builds: dict[str, FaultyBuild]) -> None:
    result = faulty_builds["missing include"].result
    assert result.returncode != 0
    assert "docs/_missing_part.md" in result.log


# --- checks the test suite makes, run on a throwaway tree -----------------------------------------


def test_an_orphan_snippet_is_named(tmp_path: Path) -> None:
    site = throwaway_site(tmp_path, GOOD)
    write(site / "snippets" / "demo" / "02_orphan.py", GOOD)
    assert orphan_snippets(site) == ["snippets/demo/02_orphan.py"]
    (site / "snippets" / "demo" / "02_orphan.py").unlink()
    assert orphan_snippets(site) == []


def test_an_inline_block_with_a_wrong_print_comment_fails_naming_the_file(
    tmp_path: Path, eval_example: EvalExample
) -> None:
    page = write(
        tmp_path / "page.md",
        "# Page\n\n```python\nprint(1 + 1)\n#> 2\n```\n\n```python\nprint(2 + 2)\n#> 5\n```\n",
    )
    right, wrong = find_examples(page)
    check_code_block(right, eval_example)  # the check itself works
    with pytest.raises(pytest.fail.Exception) as failure:
        check_code_block(wrong, eval_example)
    assert f"{page}:8-11" in str(failure.value)
    assert "#> 4" in str(failure.value)
