"""Every code block in the docs, found by pytest-examples, is checked.

- ``python-snippet`` fences must name an existing snippet with valid options
  (the snippet itself is run by test_snippets.py and by the build);
- inline ``python`` blocks are linted with ruff and run; ``#>`` comments after a
  ``print`` are checked against what it prints. Fence attributes change that:
  ``{.python test="varies"}`` runs without checking prints, and
  ``{.python test="skip: <reason>"}`` lints only, and the skip shows its reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import DOCS, PAGES, ROOT, check_code_block
from pytest_examples import CodeExample, EvalExample, find_examples

SOURCES = [*PAGES, ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
EXAMPLES = list(find_examples(*SOURCES))
KNOWN_LANGUAGES = {
    "python",
    "python-snippet",
    "snippet-cells",  # one benchmark in every cell of the measuring matrix (run records)
    "bash",
    "console",
    "text",
    "markdown",
    "toml",
    "yaml",
}
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_code_block(example: CodeExample, eval_example: EvalExample) -> None:
    check_code_block(example, eval_example)


def fence_infos(path: Path) -> list[tuple[int, str]]:
    """(line, info string) of every opening fence in a Markdown file."""
    found, open_fence = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = FENCE.match(line)
        if not match:
            continue
        if open_fence is None:
            open_fence = match["fence"]
            found.append((number, match["info"]))
        elif (
            match["fence"][0] == open_fence[0]
            and len(match["fence"]) >= len(open_fence)
            and not match["info"]
        ):
            open_fence = None
    return found


@pytest.mark.parametrize(
    "path", sorted(DOCS.rglob("*.md")) + SOURCES[-2:], ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_every_fence_has_a_known_language(path: Path) -> None:
    unknown = [
        f"{path.name}:{line}: {info!r}"
        for line, info in fence_infos(path)
        if (info.strip("{} ").split() or [""])[0].lstrip(".") not in KNOWN_LANGUAGES
    ]
    assert not unknown, f"give every fence one of {sorted(KNOWN_LANGUAGES)}:\n" + "\n".join(unknown)
