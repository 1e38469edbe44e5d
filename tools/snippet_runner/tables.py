"""The one parser of the Markdown tables ``snippets/measure.py`` prints.

The tests read a snippet's numbers with it (``tests/helpers.py`` re-exports it), and the
cross-version page (``matrix``) reads the same tables out of each cell's run records.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """One Markdown table from a snippet's output: its header cells and body rows."""

    headers: list[str]
    rows: list[list[str]]

    def by_label(self) -> dict[str, list[str]]:
        """``{first cell: the other cells}``, for tables whose rows are named."""
        return {row[0]: row[1:] for row in self.rows}

    def row(self, label_part: str) -> dict[str, str]:
        """The one row whose first cell contains ``label_part``, as ``{header: cell}``."""
        found = [row for row in self.rows if label_part in row[0]]
        assert len(found) == 1, f"expected one row containing {label_part!r} in:\n{self}"
        return dict(zip(self.headers, found[0], strict=True))

    def column(self, header_part: str) -> list[str]:
        """The cells under the one header that contains ``header_part``, top to bottom."""
        found = [i for i, header in enumerate(self.headers) if header_part in header]
        assert len(found) == 1, f"expected one header containing {header_part!r}: {self.headers}"
        return [row[found[0]] for row in self.rows]

    def __str__(self) -> str:
        return "\n".join("| " + " | ".join(r) + " |" for r in [self.headers, *self.rows])


def tables(out: str) -> list[Table]:
    """Every Markdown table in ``out``, in order (a table is a run of ``|`` lines)."""
    found: list[Table] = []
    block: list[list[str]] = []
    for line in [*out.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            block.append([cell.strip() for cell in stripped.strip("|").split("|")])
            continue
        if len(block) >= 2 and set("".join(block[1])) <= set("-: "):
            found.append(Table(block[0], block[2:]))
        block = []
    return found
