"""How long the examples a reader sees are, measured on the built pages (issue 17).

The goal: across every page of the built site, the median example shows 40 lines of
code or fewer, and none shows more than 80 unless ``ALLOWED_LONGER`` says why. The
length is that of the code block the page opens on (in a Code tab, or above an open
Output block): the excerpt (``sections=``), or the whole file when a fence shows it
all. The collapsed "The whole program" under an excerpt is not counted: a reader
opens it on purpose.

A long example is made short by cutting its file into named sections and showing the
part the page explains (CONTRIBUTING.md, "Fence options"). Where the whole file is the
lesson, it goes into ``ALLOWED_LONGER`` with the reason.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from bs4 import Tag
from built_site import site_pages
from helpers import (
    GOOD,
    Build,
    shown_lines,
    snippet_fences,
)

MEDIAN_LIMIT = 40
LIMIT = 80
# Examples that may show more than LIMIT lines: snippet path -> why the reader needs
# all of it in view. An entry for an example that is no longer shown, or no longer
# long, fails test_the_allowed_longer_examples_are_still_long.
ALLOWED_LONGER: dict[str, str] = {}


def shown_code(soup: Tag) -> list[tuple[str, int]]:
    """(title, lines) of each example's code as its page opens it, in order: in a Code
    tab, or above an open Output block. The title is the file's path; an excerpt's
    ends in "(excerpt)". The collapsed whole program under an excerpt is not counted."""
    found: list[tuple[str, int]] = []
    for block in soup.select("article .highlight"):
        title = block.select_one(".filename")
        if title is None or not title.get_text(strip=True).startswith("snippets/"):
            continue  # the command that runs it, or code the prose shows
        if _in_whole_program(block):
            continue
        code = block.select_one("td.code code") or block.select_one("code")
        lines = len(code.get_text().rstrip("\n").split("\n"))
        found.append((title.get_text(strip=True), lines))
    return found


def _in_whole_program(block: Tag) -> bool:
    """Whether ``block`` is in a collapsed "The whole program" (an exercise's solution,
    itself collapsed, still counts: its reader opened it to read that code)."""
    return any(
        parent.name == "details"
        and parent.summary is not None
        and parent.summary.get_text(strip=True) == "The whole program"
        for parent in block.parents
    )


def site_lengths(site: Path) -> dict[str, list[tuple[str, int]]]:
    """Every built page that shows an example's code -> its examples' (title, lines)."""
    lengths = {page.rel: shown_code(page.soup) for page in site_pages(site)}  # parsed once
    return {page: blocks for page, blocks in lengths.items() if blocks}


def snippet_path(title: str) -> str:
    return title.removesuffix(" (excerpt)")


def test_shown_code_counts_the_excerpt_not_the_whole_program(working_build: Build) -> None:
    """The measurement itself, on a throwaway site: an excerpt (whose page also holds
    the whole program, collapsed) and whole files."""
    assert working_build.returncode == 0, working_build.log
    pages = {page.rel: page for page in site_pages(working_build.site)}
    assert shown_code(pages["excerpt/index.html"].soup) == [
        ("snippets/demo/04_sections.py (excerpt)", 1)
    ]
    whole = len(GOOD.rstrip("\n").splitlines())
    index = shown_code(pages["index.html"].soup)
    names = ["01_demo.py", "02_slow.py", "03_dot.py"]
    assert [title for title, _ in index] == [f"snippets/demo/{name}" for name in names]
    assert index[0][1] == whole


def test_every_shown_example_is_measured(site_build: Build) -> None:
    """The measurement finds the code of every fence that shows code: a change to
    the markup cannot make the limits below pass by finding nothing."""
    shown = sorted(
        snippet_path(title)
        for blocks in site_lengths(site_build.site).values()
        for title, _ in blocks
    )
    fences = sorted(fence.path for fence in snippet_fences() if fence.options.show == "both")
    assert shown == fences


def test_the_site_shows_short_examples(site_build: Build) -> None:
    shown = sorted(
        (
            (n, title, page)
            for page, blocks in site_lengths(site_build.site).items()
            for title, n in blocks
        ),
        reverse=True,
    )
    too_long = [
        f"{page}: {title} shows {n} lines"
        for n, title, page in shown
        if n > LIMIT and snippet_path(title) not in ALLOWED_LONGER
    ]
    assert not too_long, (
        f"over {LIMIT} lines; show sections of them, or say why in ALLOWED_LONGER:\n"
        + "\n".join(too_long)
    )
    median = statistics.median(n for n, _, _ in shown)
    longest = "\n".join(f"{n:4} {title} ({page})" for n, title, page in shown[:15])
    assert median <= MEDIAN_LIMIT, (
        f"the median of {len(shown)} shown examples is {median} lines "
        f"(> {MEDIAN_LIMIT}); the longest:\n{longest}"
    )


def test_the_allowed_longer_examples_are_still_long() -> None:
    """A reason for an example that is gone, or now short enough, is a stale entry.
    Measured from the sources, the way the fence cuts them, so it needs no build."""
    shown = {fence.path: fence for fence in snippet_fences() if fence.options.show == "both"}
    for path, reason in ALLOWED_LONGER.items():
        assert reason.strip(), f"{path}: say why it may be longer than {LIMIT} lines"
        assert path in shown, f"{path}: no page shows its code; drop it from ALLOWED_LONGER"
        lines = shown_lines(shown[path])
        assert lines > LIMIT, f"{path} shows {lines} lines now; drop it from ALLOWED_LONGER"
