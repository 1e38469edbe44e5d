"""What several test modules share: the type of the output fixtures, and one parser for
what ``snippets/measure.py`` prints.

Test modules import from here and never from each other (or from ``conftest``), so a
helper has one home and a test module can be read, and run, on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# ``snippet_output(path)``: the output of a snippet that must have succeeded (conftest).
Output = Callable[[str], str]


# --- what measure prints: Markdown tables and the numbers in their cells ------------------

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?")


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


def table(out: str, header_part: str = "") -> Table:
    """The one table in ``out`` with a header containing ``header_part`` (any, if empty)."""
    found = [t for t in tables(out) if not header_part or any(header_part in h for h in t.headers)]
    assert len(found) == 1, f"expected one table with a {header_part!r} header, in:\n{out}"
    return found[0]


def numbers(cell: str) -> list[float]:
    """Every number in a cell: ``0.174 (0.170–0.189)`` gives median, min and max."""
    return [float(n.replace(",", "")) for n in _NUMBER.findall(cell)]


def number(cell: str) -> float:
    """The leading number of a cell such as ``0.174 (0.170–0.189)``, ``1.05x`` or ``1,600``."""
    found = numbers(cell)
    assert found, f"no number in cell {cell!r}"
    return found[0]
