"""Basics first, deep dives after: no basics page shows more than 400 lines of code.

A learner should be able to finish a basics page in about twenty minutes, so each
page on the reading path (Start here and Chapters in ``nav:``) keeps its examples
short: the sum of the line counts of the snippet files its ``python-snippet`` fences
include stays within the limit. A deep dive, which comes right after its basics
page, holds the history, the sweeps, the internals and the large benchmarks.
"""

from __future__ import annotations

from helpers import DOCS, nav_pages, shown_code_lines

LIMIT = 400  # lines of shown code on one basics page (issue 19)
READING_PATH = {"Start here", "Chapters"}
# Pages on the reading path that are not basics pages, and why.
NOT_BASICS = {
    "synchronization.md": "the Threads chapter's deep dive: the primitives beyond Lock and Queue",
    "synchronization-signals.md": "the second page of that deep dive: Event, Semaphore, Barrier",
    "synchronization-threads.md": "the third page of that deep dive: per-thread state, errors",
    "multiprocessing/start-methods.md": "the Processes chapter's deep dive on start methods",
    "multiprocessing/moving-data.md": "the Processes chapter's deep dive on moving data",
    "multiprocessing/scaling.md": "the Processes chapter's deep dive on pool sizes and scaling",
    "asyncio-practice.md": "comes after the asyncio deep dive: servers, queues, shutdown",
    "assignment.md": "a project to work through, not a lesson",
}


def is_deep_dive(page: str, title: str) -> bool:
    return "deep dive" in title.lower() or page.endswith("-deep-dive.md")


def basics_pages() -> list[str]:
    return [
        entry.page
        for entry in nav_pages()
        if entry.page.endswith(".md")
        and READING_PATH & set(entry.sections)
        and not is_deep_dive(entry.page, entry.title)
        and entry.page not in NOT_BASICS
    ]


def test_the_reading_path_has_basics_pages() -> None:
    pages = basics_pages()
    for page in ("concepts.md", "threads.md", "gil.md", "asyncio.md"):
        assert page in pages, f"{page} is not a basics page on the reading path: {pages}"


def test_each_deep_dive_comes_right_after_its_basics_page() -> None:
    order = [entry.page for entry in nav_pages()]
    for page in order:
        if page.endswith("-deep-dive.md"):
            basics = page.removesuffix("-deep-dive.md") + ".md"
            assert order.index(page) == order.index(basics) + 1, f"{page} must follow {basics}"


def test_no_basics_page_shows_more_than_the_limit() -> None:
    sizes = {page: shown_code_lines(DOCS / page) for page in basics_pages()}
    over = {page: lines for page, lines in sizes.items() if lines > LIMIT}
    assert not over, f"basics pages over {LIMIT} lines of shown code: {over}"


def test_the_exemptions_are_real_pages() -> None:
    pages = {entry.page for entry in nav_pages()}
    assert set(NOT_BASICS) <= pages, set(NOT_BASICS) - pages
