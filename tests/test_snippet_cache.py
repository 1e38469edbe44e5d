"""The edit loop: the snippet-output cache and the cost report every build prints.

The cache is for local work only (``mkdocs serve``, or ``SNIPPET_CACHE=1``): these
tests check what its key tracks, that a reused output is marked on the page, that
failures are never reused, that CI never uses it, and that the report names every
snippet a build ran or reused. The test command's own build runs everything fresh
(tests/test_build.py checks that).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from helpers import GOOD, Build, as_command, build_site, throwaway_site, write
from snippet_runner.cache import CACHE_DIR, cache_enabled, cache_key

CACHED = "snippet-cached"  # the class of the note under a reused output
# Every run prints a new id, so a page shows whether its output was reused.
FRESH_ID = GOOD.replace(
    'print("hello from the demo")', 'import uuid\n    print("run id", uuid.uuid4().hex)'
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny project: a chapter whose snippet runs a sibling by path and reads a data
    file, a shared module, another chapter, a page, and the pinned files."""
    monkeypatch.setenv("MKDOCS_CONFIG_DIR", str(tmp_path))
    for name, text in {
        "snippets/demo/01_demo.py": "import subprocess, sys\nimport measure\n",
        "snippets/demo/02_child.py": "print('run by 01_demo, by path')\n",
        "snippets/demo/data/input.txt": "1 2 3\n",
        "snippets/measure.py": "X = 1\n",
        "snippets/other/01_other.py": "print('another chapter')\n",
        "docs/index.md": "# Prose\n",
        "pyproject.toml": "[project]\n",
        "constraints.txt": "a==1\n",
        "README.md": "# Readme\n",
    }.items():
        write(tmp_path / name, text)
    return tmp_path


def key(project: Path, output: str = "text", returncode: int = 0) -> str:
    return cache_key(project / "snippets/demo/01_demo.py", output, returncode)


@pytest.mark.parametrize(
    "change",
    [
        "snippets/demo/01_demo.py",
        "snippets/demo/02_child.py",  # run by path, as gil/07 runs gil/03
        "snippets/demo/data/input.txt",
        "snippets/demo/03_new.py",
        "snippets/measure.py",
        "snippets/shared_new.py",
        "pyproject.toml",
        "constraints.txt",
    ],
)
def test_key_covers_the_chapter_shared_modules_and_pins(project: Path, change: str) -> None:
    before = key(project)
    path = project / change
    write(path, (path.read_text() if path.exists() else "") + "# edited\n")
    assert key(project) != before


def test_key_ignores_other_chapters_and_prose(project: Path) -> None:
    before = key(project)
    for name in ("snippets/other/01_other.py", "docs/index.md", "README.md"):
        write(project / name, "# edited\n")
    write(project / "snippets" / "demo" / "__pycache__" / "x.pyc", "derived")
    assert key(project) == before


def test_each_snippet_of_a_chapter_has_its_own_key(project: Path) -> None:
    """The chapter's files are the same for all its snippets: the path tells them apart."""
    assert key(project) != cache_key(project / "snippets/demo/02_child.py", "text", 0)


def test_key_tracks_options_and_passed_environment_only(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = key(project)
    assert key(project, output="markdown") != before
    assert key(project, returncode=1) != before
    monkeypatch.setenv("SNIPPET_TIMEOUT", "7")  # not passed to snippets
    monkeypatch.setenv("EDITOR", "something-else")
    assert key(project) == before
    monkeypatch.setenv("PYTHONHASHSEED", "123")  # passed to snippets
    assert key(project) != before


@pytest.mark.parametrize(
    ("env", "argv", "enabled"),
    [
        ({}, ["mkdocs", "build"], False),
        ({}, ["mkdocs", "serve"], True),
        ({"SNIPPET_CACHE": "0"}, ["mkdocs", "serve"], False),
        ({"SNIPPET_CACHE": "1"}, ["mkdocs", "build"], True),
        ({"SNIPPET_CACHE": "1", "CI": "true"}, ["mkdocs", "serve"], False),
    ],
)
def test_only_serve_or_an_opt_in_uses_the_cache_and_never_ci(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], argv: list[str], enabled: bool
) -> None:
    as_command(monkeypatch, argv, env)
    assert cache_enabled() is enabled


def test_a_wrong_cache_setting_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("SNIPPET_CACHE", "yes")
    with pytest.raises(ValueError, match="SNIPPET_CACHE"):
        cache_enabled()


# --- whole builds -------------------------------------------------------------------------------


def cached_build(tmp_path: Path, site: Path, name: str, cache: str = "1") -> tuple[Build, str]:
    """Build ``site`` in a new process with the cache on (CI unset); also return index.html."""
    result = build_site(tmp_path / name, env={"SNIPPET_CACHE": cache, "CI": ""}, cwd=site)
    assert result.returncode == 0, result.log
    return result, (result.site / "index.html").read_text(encoding="utf-8")


def run_id(page: str) -> str:
    return re.search(r"run id ([0-9a-f]{32})", page)[1]


def test_cache_reuses_marks_and_reruns_after_an_edit(tmp_path: Path) -> None:
    site = throwaway_site(tmp_path / "src", FRESH_ID)
    first, page1 = cached_build(tmp_path, site, "first")
    assert CACHED not in page1
    assert "0 from the cache" in first.log

    # A new process: the cache survives restarts, and the page says the output is reused.
    second, page2 = cached_build(tmp_path, site, "second")
    assert run_id(page2) == run_id(page1)
    assert CACHED in page2 and "Cached output" in page2
    assert re.search(r"produced it on \d{4}-\d\d-\d\d \d\d:\d\d UTC", page2)
    assert second.runs["snippets/demo/01_demo.py"].cached

    # A prose-only edit still reuses; an edit to the snippet runs it again.
    index = site / "docs" / "index.md"
    index.write_text(index.read_text() + "\nMore prose.\n")
    _, page3 = cached_build(tmp_path, site, "prose")
    assert run_id(page3) == run_id(page1)
    snippet = site / "snippets" / "demo" / "01_demo.py"
    snippet.write_text(snippet.read_text() + "# edited\n")
    _, page4 = cached_build(tmp_path, site, "edited")
    assert run_id(page4) != run_id(page1) and CACHED not in page4

    # Opting out runs it again even though the cache has it.
    _, page5 = cached_build(tmp_path, site, "off", cache="0")
    assert run_id(page5) != run_id(page4) and CACHED not in page5


RUNS_A_SIBLING = GOOD.replace(
    'print("hello from the demo")',
    "import subprocess, sys\n    from pathlib import Path\n"
    '    child = Path(__file__).with_name("02_child.py")\n'
    "    subprocess.run([sys.executable, child], check=True)",
)


def test_editing_a_file_the_snippet_runs_by_path_runs_it_again(tmp_path: Path) -> None:
    """Like gil/07 and gil/08, which run gil/03 as a subprocess: no import names it."""
    site = throwaway_site(tmp_path / "src", RUNS_A_SIBLING)
    child = write(site / "snippets" / "demo" / "02_child.py", 'print("child says one")\n')
    _, before = cached_build(tmp_path, site, "first")
    assert "child says one" in before
    child.write_text('print("child says two")\n')
    again, after = cached_build(tmp_path, site, "edited")
    assert "child says two" in after and CACHED not in after
    assert not again.runs["snippets/demo/01_demo.py"].cached


def test_failures_are_never_cached(tmp_path: Path) -> None:
    flag = tmp_path / f"fail-{uuid.uuid4().hex}"
    flag.touch()
    code = FRESH_ID.replace(
        "def main():\n",
        f"def main():\n    from pathlib import Path\n    if Path({str(flag)!r}).exists():\n"
        "        raise SystemExit(5)\n",
    )
    site = throwaway_site(tmp_path / "src", code)
    env = {"SNIPPET_CACHE": "1", "CI": ""}
    failed = build_site(tmp_path / "failed", env=env, cwd=site)
    assert failed.returncode != 0 and "exited with code 5" in failed.log
    assert not list((site / CACHE_DIR).glob("*.json"))
    flag.unlink()  # same inputs, now it succeeds: it must have run, not come from the cache
    _, page = cached_build(tmp_path, site, "fixed")
    assert CACHED not in page and "run id" in page


def test_every_build_reports_its_snippets_slowest_first(working_build: Build) -> None:
    result = working_build  # its 02_slow.py sleeps for a second
    assert result.returncode == 0, result.log
    report = result.log[result.log.index("Snippet cost report") :]
    assert report.index("02_slow.py") < report.index("01_demo.py")  # slowest first
    total = float(re.search(r"^\s+([\d.]+)\s+total\s", report, re.M)[1])
    assert total == pytest.approx(sum(run.seconds for run in result.runs.values()), abs=0.02)
    assert total >= 1
    assert "Documentation built in" in report  # it ends the build, MkDocs' last line follows


SERVE_LIKE = """
import logging, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
logging.getLogger("mkdocs").setLevel(logging.INFO)  # as the mkdocs command line does
for _ in range(2):  # what `mkdocs serve` does on every change, in one process
    build(load_config(config_file="mkdocs.yml", site_dir=sys.argv[1]))
"""


def test_a_process_that_rebuilds_reports_each_build(tmp_path: Path) -> None:
    site = throwaway_site(tmp_path / "src", GOOD)
    env = {"SNIPPET_CACHE": "1", "CI": "", "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-c", SERVE_LIKE, str(tmp_path / "site")],
        cwd=site,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    reports = re.findall(r"Snippet cost report: .*", result.stderr)
    assert reports == [
        "Snippet cost report: 1 snippets, 1 ran, 0 from the cache",
        "Snippet cost report: 1 snippets, 0 ran, 1 from the cache",
    ]
