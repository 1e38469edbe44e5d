"""Spelling: codespell over the pages, the snippets, README and CONTRIBUTING.

codespell knows common misspellings rather than every English word, so it finds real
typos and rarely flags a correct word. The few words it flags wrongly here are in
tests/spelling_words.txt, each with the reason it is right; a name in code that only
looks misspelt can instead carry an inline ``# codespell:ignore`` comment.
"""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

CHECKED = ["docs", "snippets", "README.md", "CONTRIBUTING.md"]
WORD_LIST = ROOT / "tests" / "spelling_words.txt"
ENTRY = re.compile(r"(?P<word>[^\s#]+)\s+#\s*(?P<reason>\S.*)")


def project_words() -> dict[str, str]:
    """word -> why it is right, from the word list; a malformed line fails the test."""
    words = {}
    for number, line in enumerate(WORD_LIST.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = ENTRY.fullmatch(line.strip())
        assert match, f"{WORD_LIST.name}:{number}: write `word  # why it is right`: {line!r}"
        words[match["word"]] = match["reason"]
    return words


def checked_text() -> str:
    files = []
    for name in CHECKED:
        path = ROOT / name
        files += sorted(path.rglob("*")) if path.is_dir() else [path]
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in files
        if p.is_file() and "__pycache__" not in p.parts
    )


def test_spelling() -> None:
    words = project_words()
    cmd = [sys.executable, "-m", "codespell_lib", "--check-filenames", *CHECKED]
    if words:
        cmd += ["--ignore-words-list", ",".join(words)]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, (
        f"codespell found misspellings (fix them, or add a correct word with its reason "
        f"to tests/{WORD_LIST.name}):\n{result.stdout}{result.stderr}"
    )


def test_word_list_stays_small() -> None:
    """Every listed word is still used somewhere; a stale entry hides future typos."""
    text = checked_text()
    unused = [w for w in project_words() if not re.search(rf"\b{re.escape(w)}\b", text, re.I)]
    assert not unused, f"remove from {WORD_LIST.name} (no longer used): {unused}"
