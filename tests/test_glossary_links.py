"""Glossary links on first use: a reader meets no term the site has not explained.

For each page on the reading path (Home, then Start here and Chapters, in nav order),
the first time the page's prose uses a term that docs/glossary.md defines, that use
links to the term's entry (``glossary.md#anchor``). Headings, code, link targets and
the text of links to other pages do not count as uses. The terms come from the
glossary's headings, plus the alias table in tests/helpers.py where prose spells a
term another way.
"""

from __future__ import annotations

import pytest
from helpers import DOCS, first_uses, glossary_terms, nav_pages

READING_PATH = {"Start here", "Chapters"}
# On the reading path but checked elsewhere, and why.
NOT_CHECKED = {
    "assignment.md": "a project to work through after the chapters, which it assumes",
}


def reading_path() -> list[str]:
    return [
        entry.page
        for entry in nav_pages()
        if entry.page.endswith(".md")
        and (entry.page == "index.md" or READING_PATH & set(entry.sections))
        and entry.page not in NOT_CHECKED
    ]


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def test_the_reading_path_starts_home_concepts_threads() -> None:
    pages = reading_path()
    assert pages[:2] == ["index.md", "concepts.md"], pages
    assert pages.index("threads.md") < pages.index("gil.md") < pages.index("asyncio.md")


def test_the_term_list_covers_the_glossary() -> None:
    anchors = {term.anchor for term in glossary_terms()}
    for anchor in ("gil", "event-loop", "start-method", "provenance-line", "future"):
        assert anchor in anchors


def test_the_check_finds_an_unlinked_first_use() -> None:
    text = "A [thread](glossary.md#thread) holds the GIL. Then the [GIL](glossary.md#gil)."
    uses = {use.term.anchor: use.linked for use in first_uses(text, "page.md")}
    assert uses == {"thread": True, "gil": False}
    nested = "Threads (see [the thread page](threads.md)) hold the `GIL`."
    assert {u.term.anchor: u.linked for u in first_uses(nested, "page.md")} == {"thread": False}


@pytest.mark.parametrize("page", reading_path())
def test_each_term_is_linked_at_its_first_use(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    unlinked = [
        f"{page}:{line_of(text, use.start)}: {text[use.start : use.end]!r} "
        f"(link it to glossary.md#{use.term.anchor})"
        for use in first_uses(text, page)
        if not use.linked
    ]
    assert not unlinked, "first use of a glossary term without its link:\n" + "\n".join(unlinked)
