"""How long the examples a reader sees are, measured on the built pages (issue 17).

The goal: the median Code tab shows 40 lines or fewer, and none shows more than 80
without a stated reason. The length is that of the code block a Code tab opens on:
the excerpt (``sections=``), or the whole file when a fence shows it all. The
collapsed "The whole program" under an excerpt is not counted: a reader opens it
on purpose.

The rework reaches the site a page at a time, so the limits apply to the pages in
``REWORKED``; each page joins once its long examples show their teaching part.
When every page has joined, the list goes and the limits apply to the whole site.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from helpers import GOOD, Build, build_site, throwaway_site, write

MEDIAN_LIMIT = 40
LIMIT = 80
REWORKED = (
    "concepts/index.html",
    "threads/index.html",
    "gil/index.html",
    "multiprocessing/index.html",
    "asyncio/index.html",
    "gil-deep-dive/index.html",
    "asyncio-deep-dive/index.html",
    "synchronization/index.html",
    "synchronization-signals/index.html",
    "synchronization-threads/index.html",
    "futures/index.html",
    "futures-deep-dive/index.html",
    "pitfalls/index.html",
)
# Examples on reworked pages that may show more than LIMIT lines, and why.
ALLOWED_LONGER: dict[str, str] = {}


def shown_code(page_html: str) -> list[tuple[str, int]]:
    """(title, lines) of each Code tab's example on a page, in order. The title is the
    file's path; an excerpt's ends in "(excerpt)". A collapsed block inside the Code
    tab (the whole program) is not counted."""
    soup = BeautifulSoup(page_html, "html.parser")
    found: list[tuple[str, int]] = []
    for tab_set in soup.select("article .tabbed-set"):
        labels = [
            label.get_text(strip=True)
            for label in tab_set.select(":scope > .tabbed-labels > label")
        ]
        if "Code" not in labels:
            continue
        code_tab = tab_set.select(":scope > .tabbed-content > .tabbed-block")[labels.index("Code")]
        for block in code_tab.select(".highlight"):
            title = block.select_one(".filename")
            if title is None or _inside_details(block, code_tab):
                continue  # the command to run it, or the collapsed whole program
            code = block.select_one("td.code code") or block.select_one("code")
            lines = len(code.get_text().rstrip("\n").split("\n"))
            found.append((title.get_text(strip=True), lines))
    return found


def _inside_details(block: Tag, code_tab: Tag) -> bool:
    """Whether ``block`` is in a collapsed block inside the Code tab (a tab set that is
    itself in a collapsed block, such as an exercise's solution, still counts)."""
    for parent in block.parents:
        if parent is code_tab:
            return False
        if parent.name == "details":
            return True
    return False


def site_lengths(site: Path, pages: tuple[str, ...]) -> dict[str, list[tuple[str, int]]]:
    return {page: shown_code((site / page).read_text(encoding="utf-8")) for page in pages}


def test_shown_code_counts_the_excerpt_not_the_whole_program(tmp_path: Path) -> None:
    """The measurement itself, on a throwaway site: an excerpt and a whole file."""
    site = throwaway_site(tmp_path / "src", GOOD, fence_options='sections="body"')
    write(
        site / "snippets" / "demo" / "01_demo.py",
        GOOD.replace("    print(", "    # --8<-- [start:body]\n    print(").replace(
            'demo")\n', 'demo")\n    # --8<-- [end:body]\n'
        ),
    )
    index = site / "docs" / "index.md"
    index.write_text(
        index.read_text() + "\n```python-snippet\nsnippets/demo/01_demo.py\n```\n", "utf-8"
    )
    result = build_site(tmp_path / "out", cwd=site)
    assert result.returncode == 0, result.log
    lengths = shown_code((result.site / "index.html").read_text(encoding="utf-8"))
    whole = len(GOOD.rstrip("\n").splitlines())
    assert lengths == [
        ("snippets/demo/01_demo.py (excerpt)", 1),
        ("snippets/demo/01_demo.py", whole),
    ]


def test_reworked_pages_show_short_examples(site_build: Build) -> None:
    lengths = site_lengths(site_build.site, REWORKED)
    shown = [n for blocks in lengths.values() for _, n in blocks]
    assert shown, f"no Code tab found on {REWORKED}: has the tab markup changed?"
    too_long = [
        f"{page}: {title} shows {n} lines"
        for page, blocks in lengths.items()
        for title, n in blocks
        if n > LIMIT and title.removesuffix(" (excerpt)") not in ALLOWED_LONGER
    ]
    assert not too_long, f"over {LIMIT} lines; show sections of them:\n" + "\n".join(too_long)
    median = statistics.median(shown)
    assert median <= MEDIAN_LIMIT, f"median shown example is {median} lines (> {MEDIAN_LIMIT})"


def test_the_allowed_longer_examples_are_still_shown() -> None:
    """A reason for an example that is gone, or now short enough, is a stale entry."""
    for path, reason in ALLOWED_LONGER.items():
        assert reason.strip(), f"{path}: say why it may be longer than {LIMIT} lines"
        assert (Path(__file__).resolve().parents[1] / path).is_file(), f"{path} does not exist"
