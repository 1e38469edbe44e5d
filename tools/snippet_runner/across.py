"""The ``snippet-cells`` fence: one benchmark's result in every cell, as one table.

The page "Across versions and platforms" compares cells of the measuring matrix:

    ```snippet-cells table="Speed-up" column="Speed-up vs one thread"
    snippets/gil/03_cpu_bound_threads_vs_processes.py
    ```

gives a table with a row per cell (this build first) and a column per row of the
snippet's own table (the one with a header containing ``table``), each cell of it the
value under the header containing ``column``. ``layout="rows"`` turns it round: a
row per row of the snippet's table, a column per cell (for a long table, such as
what each Python has). A fence whose body is ``cells`` lists the cells and where
each ran (provenance), or says that this build has no other; one whose body is
``claims`` is the claim ledger: every claim on the site, judged in every cell.

Nothing runs twice: this build's row is the run the example's own page recorded (the
page renders after the chapters, ``docs/results/``), or the one ``runs`` makes if
none was recorded yet (a page built alone). In ``serve`` nothing runs here either
(it would hold back the first page): a cached run, or a placeholder while serve's
worker runs the example (serve.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from snippet_runner import marks
from snippet_runner.fence import SnippetError, _loud
from snippet_runner.matrix import render
from snippet_runner.process import Run
from snippet_runner.records import Cell, other_cells, provenance, provenance_line, this_cell
from snippet_runner.runs import primary_run
from snippet_runner.tables import Table, tables


@dataclass(frozen=True)
class AcrossOptions:
    table: str = ""  # part of a header of the snippet's table
    column: str = ""  # part of the header of the column to compare
    layout: str = "cells"  # a row per cell, or "rows": a row per row of the snippet's table

    @classmethod
    def parse(cls, inputs: dict[str, str]) -> AcrossOptions:
        known = {"table", "column", "layout"}
        if unknown := set(inputs) - known:
            raise ValueError(f"unknown option(s) {sorted(unknown)}; known: {sorted(known)}")
        layout = inputs.get("layout", "cells")
        if layout not in ("cells", "rows"):
            raise ValueError(f"layout={layout!r}, expected 'cells' or 'rows'")
        return cls(inputs.get("table", ""), inputs.get("column", ""), layout)


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
    if body == "claims":
        return render(marks.ledger(marks.page_of(md) or ""), md, prefix="claims-")
    wanted: AcrossOptions = options["across"]
    if not (wanted.table and wanted.column):
        raise SnippetError(f'{language} fence for {body}: give table="..." and column="..."')
    primary = primary_run(body)
    if isinstance(primary, str):  # serve: a placeholder or a failure note
        return primary
    rows = [(f"{this_cell()} (this build)", primary), *((c.name, r) for c, r in other_cells(body))]
    slug = re.sub(r"\W+", "-", body).strip("-")
    compare = comparison if wanted.layout == "cells" else comparison_by_rows
    return render(compare(body, rows, wanted), md, prefix=f"across-{slug}-")


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


def comparison_by_rows(path: str, rows: list[tuple[str, Run | None]], wanted: AcrossOptions) -> str:
    """The Markdown table turned round: a row per row of the snippet's table (its first
    column, then any other column but the compared one, from the first cell that has
    it), a column per cell, each holding that cell's value under ``column``."""
    found: list[tuple[str, Table | None]] = [
        (name, _table(run, wanted) if run else None) for name, run in rows
    ]
    first = next((table for _name, table in found if table), None)
    if first is None:
        return f"No cell's output of `{path}` has a table with the column “{wanted.column}”.\n"
    index = _column(first, wanted)
    kept = [i for i in range(len(first.headers)) if i != index]
    header = [first.headers[i] for i in kept] + [name for name, _table in found]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in first.rows:
        values = []
        for name, table in found:
            run = dict(rows)[name]
            other = {r[0]: r for r in table.rows} if table else {}
            if run is None:
                values.append("missing")
            elif row[0] in other and len(other[row[0]]) > _column(table, wanted):
                values.append(other[row[0]][_column(table, wanted)])
            else:
                values.append("—")
        lines.append("| " + " | ".join([row[i] for i in kept] + values) + " |")
    return (
        "\n".join(lines)
        + f"\n\nEach column after the first ones: the column “{first.headers[index]}” of the "
        f"table that `{path}` printed in that cell (“missing”: the cell has no record of "
        "it; “—”: its table has no such row). Where each cell ran: the first table on "
        "this page.\n"
    )


def _table(run: Run, wanted: AcrossOptions) -> Table | None:
    for found in tables(run.output):
        if any(wanted.table in h for h in found.headers) and _column(found, wanted) >= 0:
            return found
    return None


def _column(table: Table, wanted: AcrossOptions) -> int:
    columns = [i for i, header in enumerate(table.headers) if wanted.column in header]
    return columns[0] if len(columns) == 1 else -1


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
