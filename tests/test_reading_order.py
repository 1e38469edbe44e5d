"""Words before use: a reader who follows the navigation meets nothing unexplained.

docs/glossary.md ends with a table, "Where each is explained" (``{#where-explained}``):
one row per glossary word and per library name the chapters rely on, with the page
that explains it. Walking the pages in the order of ``nav:``, a page that comes
*before* that page and uses the word or the name must link it where it first uses
it: a word to its glossary entry, a name to the page that explains it. A name in the
code a page shows (its ``python-snippet`` excerpts) needs such a link in the page's
text before that code. Pages at or after the explaining page need nothing more (the
first-use links of tests/test_glossary_links.py still apply on the reading path).

The table itself is checked too: every glossary entry has a row, every row points to
a page in the navigation and to a heading that exists there, and that page really
mentions what it is said to explain.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from helpers import (
    DOCS,
    ROOT,
    Explained,
    code_spans,
    cut,
    first_uses,
    glossary_terms,
    heading_anchors,
    link_target,
    mentions,
    nav_pages,
    prose,
    snippet_fences,
    where_explained,
    without_markers,
)

GLOSSARY = "glossary.md"
# Pages of the navigation this test does not walk, and why.
NOT_WALKED = {
    GLOSSARY: "it is the list of definitions, with the table this test reads",
    "contributing.md": "it includes CONTRIBUTING.md, written for contributors, not learners",
}


def walked_pages() -> list[str]:
    """The Markdown pages of nav:, in reading order (notebooks are not Markdown)."""
    return [
        entry.page
        for entry in nav_pages()
        if entry.page.endswith(".md") and entry.page not in NOT_WALKED
    ]


def nav_order() -> dict[str, int]:
    return {entry.page: i for i, entry in enumerate(nav_pages())}


@dataclass(frozen=True)
class Shown:
    """The code one ``python-snippet`` fence shows, and where the fence is in its page."""

    offset: int
    code: str


def shown_code(page: str, text: str) -> list[Shown]:
    """What each fence of ``page`` shows in its Code tab, with the fence's position."""
    line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
    found = []
    for fence in (f for f in snippet_fences() if f.page == f"docs/{page}"):
        if fence.options.show != "both":
            continue
        source = (ROOT / fence.path).read_text(encoding="utf-8")
        names = fence.options.sections
        code = cut(source, names) if names else without_markers(source)
        found.append(Shown(line_starts[fence.line - 1], code))
    return found


def early_uses(
    page: str,
    text: str,
    order: dict[str, int],
    rows: list[Explained],
    shown: list[Shown] = (),
) -> list[str]:
    """Each use in ``text`` (the page ``page``) of a word or name that a later page
    explains, without the link the module docstring asks for."""
    here = order[page]
    problems = []
    homes = {row.what: row for row in rows if not row.spellings}
    for use in first_uses(text, page):
        home = homes.get(use.term.anchor)
        if home and order.get(home.page, -1) > here and not use.linked:
            problems.append(
                f"{page}: {text[use.start : use.end]!r} before {home.page}, which "
                f"explains it: link it to glossary.md#{use.term.anchor}"
            )
    spans = code_spans(text)
    links = [(start, link_target(target, page)) for start, _, target in prose(text).links]
    for row in (row for row in rows if row.spellings):
        if order.get(row.page, -1) <= here:
            continue
        first = next(
            (s for s in spans if any(mentions(name, s.text) for name in row.spellings)), None
        )
        links_home = [at for at, target in links if target == row.page]
        if first and not (first.link and link_target(first.link, page) == row.page):
            problems.append(
                f"{page}: `{first.text}` before {row.page}, which explains it: link "
                f"this first use there"
            )
        uses = [c for c in shown if any(mentions(name, c.code) for name in row.spellings)]
        if uses and not any(at < uses[0].offset for at in links_home):
            problems.append(
                f"{page}: the code shown uses {row.what} before {row.page}, which "
                "explains it: link that page in the text before the code"
            )
    return problems


@pytest.mark.parametrize("page", walked_pages())
def test_no_page_uses_a_word_or_name_before_it_is_explained(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    problems = early_uses(page, text, nav_order(), where_explained(), shown_code(page, text))
    assert not problems, "used before it is explained:\n" + "\n".join(problems)


# --- the table itself -------------------------------------------------------------------


def test_every_glossary_word_says_where_it_is_explained() -> None:
    words = {row.what for row in where_explained() if not row.spellings}
    missing = [term.anchor for term in glossary_terms() if term.anchor not in words]
    assert not missing, f"glossary words without a row in the table: {missing}"
    unknown = words - {term.anchor for term in glossary_terms()}
    assert not unknown, f"rows for words the glossary does not define: {unknown}"


@pytest.mark.parametrize("row", where_explained(), ids=lambda row: row.what)
def test_each_row_points_to_a_section_that_explains_it(row: Explained) -> None:
    assert row.page in nav_order(), f"{row.what}: {row.page} is not in nav:"
    text = (DOCS / row.page).read_text(encoding="utf-8")
    if row.anchor:
        assert row.anchor in heading_anchors(text), f"{row.what}: no #{row.anchor}"
    if row.spellings:
        assert any(mentions(name, text) for name in row.spellings), row
    else:
        term = next(term for term in glossary_terms() if term.anchor == row.what)
        linked = f"glossary.md#{row.what}" in text
        assert term.pattern.search(text) or linked, f"{row.page} never mentions {row.what}"


# --- the check itself, on hand-made pages ----------------------------------------------------

ORDER = {"early.md": 0, "home.md": 1, "late.md": 2}
ROWS = [
    Explained("thread", (), "home.md", ""),
    Explained("asyncio.TaskGroup", ("asyncio.TaskGroup", "TaskGroup"), "home.md", "groups"),
]


@pytest.mark.parametrize(
    ("page", "text", "shown", "expected"),
    [
        ("early.md", "A [thread](glossary.md#thread) runs.", (), []),
        ("early.md", "A thread runs.", (), ["'thread' before home.md"]),
        ("late.md", "A thread runs.", (), []),
        ("early.md", "Use a `TaskGroup()`.", (), ["`TaskGroup()` before home.md"]),
        ("early.md", "Use a [`TaskGroup`](home.md#groups), then `TaskGroup` again.", (), []),
        ("early.md", "Use [`TaskGroup`](https://docs.python.org/3/).", (), ["before home"]),
        ("home.md", "Use a `TaskGroup`.", (), []),
        ("early.md", "Plain text.", (Shown(5, "async with asyncio.TaskGroup():"),), ["code"]),
        (
            "early.md",
            "See [groups](home.md#groups). Code:",
            (Shown(30, "async with asyncio.TaskGroup():"),),
            [],
        ),
        ("early.md", "A `MyTaskGroup` is not one.", (), []),
    ],
)
def test_the_check_finds_each_early_use(page, text, shown, expected) -> None:
    problems = early_uses(page, text, ORDER, ROWS, list(shown))
    if not expected:
        assert problems == []
    else:
        assert len(problems) == len(expected), problems
        for want, got in zip(expected, problems, strict=True):
            assert want in got, problems
