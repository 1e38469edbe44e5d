"""Every snippet: well-formed, shown on a page, and runs as its own process.

Linting and formatting (ruff) run with the other pre-commit hooks in test_precommit.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ROOT, SNIPPETS, orphan_snippets, rel, snippet_fences
from snippet_runner.process import Run

# A chapter's programs are NN_what_it_shows.py; a module that programs or notebooks
# import (such as the assignment's solution) may drop the number so it can be imported.
CHAPTER_FILE = re.compile(r"(\d\d_)?[a-z][a-z0-9_]*\.py")


@pytest.mark.parametrize("path", SNIPPETS, ids=rel)
def test_snippet_is_a_complete_program(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    in_chapter = path.parent != ROOT / "snippets"
    if in_chapter:
        assert CHAPTER_FILE.fullmatch(path.name), f"{rel(path)}: name it NN_what_it_shows.py"
    assert source.startswith('"""'), f"{rel(path)}: start with a docstring saying what it shows"
    assert re.search(r"^def main\(", source, re.M), f"{rel(path)}: needs a main() function"
    assert 'if __name__ == "__main__":\n    main()' in source, (
        f"{rel(path)}: needs the __main__ guard"
    )


def test_every_snippet_is_shown_on_a_page() -> None:
    orphans = orphan_snippets()
    assert not orphans, (
        f"not shown on any page: {', '.join(orphans)}; add a python-snippet fence for each, "
        "or delete it"
    )


@pytest.mark.parametrize("path", SNIPPETS, ids=rel)
def test_snippet_runs_cleanly(path: Path, snippet_run: Callable[[str], Run]) -> None:
    expected = {f.options.returncode for f in snippet_fences() if f.path == rel(path)} or {0}
    assert len(expected) == 1, f"{rel(path)}: pages disagree on its exit status: {expected}"
    run = snippet_run(rel(path))
    assert run.expected_returncode in expected
    assert run.failure() is None, run.describe_failure()
