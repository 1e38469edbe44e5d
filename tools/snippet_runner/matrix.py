"""Under each example's output, one tab per other cell of the measuring matrix.

When the build finds run records (``records.records_dir()``), an example's own run
(this build, shown first as always) is followed by a tab set: one tab per other cell
("3.12", "3.14t", "macOS 3.14"), each with that cell's provenance line and output.
A cell without a record of the snippet shows "missing", never another cell's output;
a failing record stops the build (``records.merge``). Without records nothing is added.

Plots are not repeated in the other cells' tabs: each plot's numbers are also printed
as a table (CONTRIBUTING), and seven copies of every SVG would make pages heavy. A
measured timeline (inline ``<svg class="tl">``, snippets/timeline_svg.py) is not an
image and stays: each cell's tab shows the picture that cell drew (a free-threaded
cell's is the one with overlapping lanes), a few kilobytes compressed.

An example that needs a newer Python than this build's (the fence's ``needs``) only
says so here; ``records.lead`` then finds the newest cell that ran it, whose run the
page shows first (``lead_note`` says so), and this build's own run moves into a tab.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from markdown_exec import base_format

from snippet_runner import excerpt, marks, records
from snippet_runner.process import Run

CSS_CLASS = "snippet-other-cells"  # the tab set under an example (tests look for it)
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\([^)\s]+\)")


def render(markdown: str, md: Any, prefix: str) -> str:
    """Markdown to HTML inside a fence, with ids prefixed and no headings in the TOC."""
    return str(
        base_format(
            language="text",
            run=lambda *_args, **_kwargs: markdown,
            code="",
            md=md,
            update_toc=False,
            id_prefix=prefix,
        )
    )


def without_plots(output: str) -> str:
    """A cell's Markdown output with each plot named instead of shown."""
    return _IMAGE.sub(lambda m: f"*(Plot not repeated here: {m['alt']})*", output)


def cell_tab(
    name: str, run: Run | None, provenance: dict[str, Any], output: str
) -> tuple[str, str]:
    """One tab's title and body: the cell's provenance and output, or "missing"."""
    if run is None:
        body = (
            f"**missing**: cell {name} has no record of this example (it did not run "
            "it, or the example was added or renamed after that cell measured)."
        )
    else:
        shown = run.output
        shown = without_plots(shown) if output == "markdown" else excerpt.fenced("text", shown)
        body = f"*{records.provenance_line(provenance)}*\n\n{shown}"
        verdicts = marks.verdict_list(run.path, run, provenance)
        body += f"\n\n{verdicts}" if verdicts else ""
    return name.replace('"', "'"), body


def lead_note(found: records.Lead, needs: tuple[int, int]) -> str:
    """What the page says above a lead cell's output."""
    version = ".".join(map(str, sys.version_info[:3]))
    return (
        f"*This example needs Python {needs[0]}.{needs[1]} or newer, and this build runs "
        f"{version}: the output below comes from the cell {found.cell.name}, the newest "
        "that ran it. "
        f"{records.provenance_line(found.cell.provenance)} This build's own run is in "
        "its tab below.*"
    )


def other_cells_tabs(run: Run, output: str, md: Any, first: records.Lead | None = None) -> str:
    """The other cells' tabs for ``run``'s snippet ("" without records). When a lead
    cell's run is shown above, its tab gives way to one of this build's run."""
    shown = records.other_cells(run.path)
    if not shown:
        return ""
    intro = (
        f"**The same example in other cells of the measuring matrix** (this build is "
        f"{records.this_cell()}; the page *Across versions and platforms* compares them):"
    )
    named = [cell_tab(c.name, found, c.provenance, output) for c, found in shown
             if not (first and c.name == first.cell.name)]  # fmt: skip
    if first:
        mine = cell_tab(f"{records.this_cell()} (this build)", run, records.provenance(), output)
        named.insert(0, mine)
    tabs = excerpt.tabs(*named)
    slug = re.sub(r"\W+", "-", run.path).strip("-")
    rendered = render(f"{intro}\n\n{tabs}", md, prefix=f"cells-{slug}-")
    return f'<div class="{CSS_CLASS}">{rendered}</div>'
