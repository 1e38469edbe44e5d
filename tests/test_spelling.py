"""Spelling has one mechanism: the codespell pre-commit hook, with one word list.

codespell knows common misspellings rather than every English word, so it finds real
typos and rarely flags a correct word. The hook (run by test_precommit.py and
``python3 dev.py lint``) checks every text file; a correct word it flags goes in
.codespell-words.txt, one per line, and a name in code that only looks misspelt can
carry an inline ``# codespell:ignore`` comment instead. This test keeps the list honest.
"""

from __future__ import annotations

import re

from helpers import ROOT, dev_module

WORD_LIST = ROOT / ".codespell-words.txt"


def test_every_listed_word_is_still_used() -> None:
    """A stale entry would hide a future typo of that word."""
    words = [w for w in WORD_LIST.read_text(encoding="utf-8").split() if w]
    text = "\n".join(
        (ROOT / name).read_text(encoding="utf-8", errors="replace")
        for name in dev_module().project_files()
        if name != WORD_LIST.name
    )
    unused = [w for w in words if not re.search(rf"\b{re.escape(w)}\b", text, re.I)]
    assert not unused, f"remove from {WORD_LIST.name} (no longer used): {unused}"
