"""The ``snippet-cells`` fence: one benchmark's result in every cell, as one table.

The page "Across versions and platforms" compares cells of the measuring matrix:

    ```snippet-cells table="Speed-up" column="Speed-up vs one thread"
    snippets/gil/03_cpu_bound_threads_vs_processes.py
    ```

gives a table with a row per cell (this build first) and a column per row of the
snippet's own table (the one with a header containing ``table``), each cell of it the
value under the header containing ``column``. A fence whose body is ``cells`` lists
the cells and where each ran (provenance), or says that this build has no other.

Nothing runs twice: this build's row is the run the example's own page recorded (the
page renders after the chapters, ``docs/results/``); only if none was recorded yet
(a page built alone) is the example run here, with its first fence's options. In
``serve`` nothing runs here either (it would hold back the first page): a cached run,
or a placeholder while serve's worker runs the example (serve.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from snippet_runner import cache, cells, report, serve
from snippet_runner.fence import SnippetError, _loud
from snippet_runner.matrix import render
from snippet_runner.process import Run, project_root, timeout_for
from snippet_runner.records import Cell, other_cells, provenance, provenance_line, this_cell
from snippet_runner.tables import tables


@dataclass(frozen=True)
class AcrossOptions:
    table: str = ""  # part of a header of the snippet's table
    column: str = ""  # part of the header of the column to compare

    @classmethod
    def parse(cls, inputs: dict[str, str]) -> AcrossOptions:
        if unknown := set(inputs) - {"table", "column"}:
            raise ValueError(f"unknown option(s) {sorted(unknown)}; known: ['column', 'table']")
        return cls(inputs.get("table", ""), inputs.get("column", ""))


@_loud
def validator(
    language: str, inputs: dict[str, str], options: dict[str, Any], attrs: Any, md: Any
) -> bool:
    options["across"] = AcrossOptions.parse(inputs)
    return True


@_loud
def formatter(
    source: str, language: str, css_class: str, options: dict[str, Any], md: Any, **kwargs: Any
) -> str:
    body = source.strip()
    if body == "cells":
        return render(cells_table(), md, prefix="cells-")
    wanted: AcrossOptions = options["across"]
    if not (wanted.table and wanted.column):
        raise SnippetError(f'{language} fence for {body}: give table="..." and column="..."')
    primary = primary_run(body)
    if isinstance(primary, str):  # serve: a placeholder or a failure note
        return primary
    rows = [(f"{this_cell()} (this build)", primary), *((c.name, r) for c, r in other_cells(body))]
    slug = re.sub(r"\W+", "-", body).strip("-")
    return render(comparison(body, rows, wanted), md, prefix=f"across-{slug}-")


def primary_run(path: str) -> Run | str:
    """This build's run of ``path``: the one its page recorded, else a run made here;
    in serve, never a run: a cached one, else the HTML the page shows meanwhile."""
    for run in reversed(report.this_build()):
        if run.path == path:
            return run
    fence = cells.fence_options(path)
    if fence is None:
        raise SnippetError(f"{path}: no page shows this example, so no cell measures it")
    where, timeout = project_root() / path, timeout_for(fence.timeout)
    if serve.serve_mode():
        found = serve.show(where, timeout, fence.output, fence.returncode)
        if found is None:
            return serve.placeholder(path)
        report.record(found)
        return serve.failure_note(found) if found.failure() else found
    run = cache.cached_or_run(where, timeout, fence.output, fence.returncode)
    report.record(run)
    if run.failure():
        raise SnippetError(run.describe_failure())
    return run


def _values(run: Run, wanted: AcrossOptions) -> dict[str, str] | None:
    """``{row label: value}`` from the run's table, or None if it printed no such table."""
    for found in tables(run.output):
        columns = [i for i, header in enumerate(found.headers) if wanted.column in header]
        if any(wanted.table in header for header in found.headers) and len(columns) == 1:
            return {row[0]: row[columns[0]] for row in found.rows if len(row) > columns[0]}
    return None


def comparison(path: str, rows: list[tuple[str, Run | None]], wanted: AcrossOptions) -> str:
    """The Markdown table: a row per cell, a column per row of the snippet's table."""
    values = {name: (_values(run, wanted) if run else None) for name, run in rows}
    labels: list[str] = []
    for found in values.values():
        labels += [label for label in (found or {}) if label not in labels]
    body = []
    for name, run in rows:
        found = values[name]
        if run is None:
            cells_of_row, note = ["missing"] * len(labels), "no record of this example"
        elif found is None:
            cells_of_row, note = ["—"] * len(labels), "its output has no such table"
        else:
            cells_of_row, note = [found.get(label, "—") for label in labels], ""
        body.append([name, *cells_of_row, note])
    notes = any(row[-1] for row in body)  # a Note column only where a row needs one
    header = ["Cell", *labels, *(["Note"] if notes else [])]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row if notes else row[:-1]) + " |" for row in body]
    column = next(
        (
            h
            for run in rows
            if run[1]
            for t in tables(run[1].output)
            for h in t.headers
            if wanted.column in h
        ),
        wanted.column,
    )
    return (
        "\n".join(lines)
        + f"\n\nEach row: the column “{column}” of the table that `{path}` printed in that "
        "cell (one column here per row of its table; “—” where a cell's table has no "
        "such row). Where each cell ran: the first table on this page.\n"
    )


def cells_table() -> str:
    """Every cell with where it ran; or the plain statement that there is only this build."""
    mine = Cell(f"{this_cell()} (this build)", provenance(), {})
    others = [cell for cell, _run in other_cells("")]  # every other cell
    lines = ["| Cell | Where it ran | Runs recorded |", "|---|---|---|"]
    for cell in [mine, *others]:
        count = len(cell.runs)
        recorded = "this build's runs" if cell is mine else f"{count} example{'s' * (count != 1)}"
        lines.append(f"| {cell.name} | {provenance_line(cell.provenance)} | {recorded} |")
    table = "\n".join(lines) + "\n"
    if not others:
        return (
            "This build has records from this interpreter only: each table below has one "
            "row, this build's own run. The published site, and a local build after "
            "`python3 dev.py measure`, add a row for each cell of the measuring matrix.\n\n" + table
        )
    return table
