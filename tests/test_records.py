"""Run records from other interpreters, merged into the pages (``dev.py measure``).

The merge is tested with records made by real runs under the pyenv interpreters of
this machine (3.12 and 3.13) on a throwaway site with tiny snippets; hand-written
records appear only in the unit test of ``records.merge``. Where pyenv lacks them
(CI's runners), those tests are skipped and say why; the deploy's matrix measures there.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import ROOT, Build, build_site, site_skeleton, snippet_fences, write
from snippet_runner.cells import plan, slug, snippet_requirements
from snippet_runner.debian_cells import CELLS, record_file
from snippet_runner.matrix import CSS_CLASS
from snippet_runner.process import Run
from snippet_runner.records import (
    RECORDS_DIR,
    Cell,
    CellFailure,
    default_cell,
    merge,
    provenance,
)

PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"


def cell_of(python: Path) -> str:
    """The cell name measure gives a pyenv interpreter on this machine ("3.12" on Linux)."""
    version = python.parent.parent.name
    return default_cell(provenance() | {"python": version, "free_threaded": False})


def pyenv_python(minor: str) -> Path:
    found = sorted(PYENV.glob(f"{minor}.*/bin/python"))
    if not found:
        pytest.skip(f"no CPython {minor} under {PYENV}: install it with pyenv to run this test")
    return found[-1]


# Prints its interpreter as a table, so the cross-version fence has something to compare;
# exits with status 3 under 3.13 when the page asks for it (a failure in one cell only).
VERSION = '''"""Which interpreter ran this."""

import platform
import sys


def main():
    print("| What | Value |")
    print("|---|---|")
    print(f"| version | {platform.python_version()} |")
    if "fail-on-3.13" in sys.argv[0] and sys.version_info[:2] == (3, 13):
        raise SystemExit(3)


if __name__ == "__main__":
    main()
'''


def site(tmp_path: Path, name: str = "01_version.py") -> Path:
    """A throwaway site: one page with the snippet, and the cross-version fences."""
    root = site_skeleton(tmp_path / "project")
    write(root / "snippets" / "demo" / name, VERSION)
    write(root / "snippets" / "demo" / "02_added_later.py", VERSION)
    return write_page(root, name)


def write_page(root: Path, name: str, later: bool = False) -> Path:
    """The page: the snippet (and, ``later``, a second one), then the comparisons."""
    fences = [
        f'```python-snippet output="markdown"\nsnippets/demo/{name}\n```',
        *(["```python-snippet\nsnippets/demo/02_added_later.py\n```"] if later else []),
        "```snippet-cells\ncells\n```",
        f'```snippet-cells table="What" column="Value"\nsnippets/demo/{name}\n```',
    ]
    write(root / "docs" / "index.md", "# Demo\n\n" + "\n\n".join(fences) + "\n")
    return root


def other_cells_tabs(page: str) -> list[dict[str, str]]:
    """For each example on the page, its other cells' tabs: ``{label: tab's HTML}``."""
    found = []
    for block in BeautifulSoup(page, "html.parser").select(f"div.{CSS_CLASS}"):
        labels = [label.get_text() for label in block.select(".tabbed-labels > label")]
        tabs = [str(tab) for tab in block.select(".tabbed-content > .tabbed-block")]
        found.append(dict(zip(labels, tabs, strict=True)))
    return found


def measure(root: Path, python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``dev.py measure --python PYTHON`` for the throwaway project."""
    return subprocess.run(
        [sys.executable, "-m", "snippet_runner.cells", "--python", str(python), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run(path: str, returncode: int = 0) -> Run:
    return Run(path, f"output of {path}", returncode, 0.1, 10.0)


def test_merge_shows_each_other_cell_or_none_and_stops_on_a_failure() -> None:
    """Hand-written records, for the merge function alone."""
    mine = Cell("3.11", {}, {"a.py": run("a.py")})
    other = Cell("3.12", {}, {"a.py": run("a.py"), "b.py": run("b.py", returncode=1)})
    empty = Cell("macOS 3.14", {}, {})
    shown = merge("a.py", [mine, other, empty], primary="3.11")
    assert [(cell.name, found) for cell, found in shown] == [
        ("3.12", other.runs["a.py"]),
        ("macOS 3.14", None),  # missing: never another cell's run
    ]
    with pytest.raises(CellFailure, match=r"cell '3\.12': b\.py exited with code 1"):
        merge("b.py", [mine, other, empty], primary="3.11")


def test_measure_runs_every_snippet_a_page_shows_with_its_fence_options() -> None:
    """``dev.py measure`` finds the fences itself (a cell's interpreter has no
    pytest-examples); it must find the same ones, with the same options."""
    planned = dict(plan(ROOT))
    fences = {fence.path: fence.options for fence in reversed(snippet_fences())}
    assert planned == fences


def test_a_build_shows_each_measured_cell_and_missing_ones(tmp_path: Path) -> None:
    py312, py313 = pyenv_python("3.12"), pyenv_python("3.13")
    root = site(tmp_path)
    plain = build_site(tmp_path / "plain", cwd=root)
    assert plain.returncode == 0, plain.log
    plain_page = (plain.site / "index.html").read_text("utf-8")
    assert CSS_CLASS not in plain_page  # without records nothing is added
    assert "records from this interpreter only" in plain_page

    for python in (py312, py313):
        measured = measure(root, python)
        assert measured.returncode == 0, measured.stdout + measured.stderr
    assert sorted(p.stem for p in (root / ".records").glob("*.jsonl")) == [
        slug(cell_of(py312)),
        slug(cell_of(py313)),
    ]
    # A snippet added after the cells measured: each cell shows it as missing.
    write_page(root, "01_version.py", later=True)
    built = build_site(tmp_path / "with-records", cwd=root)
    assert built.returncode == 0, built.log
    page = (built.site / "index.html").read_text("utf-8")
    primary = page.partition(CSS_CLASS)[0]
    assert f"<td>{platform.python_version()}</td>" in primary  # this build's run first
    first, later = other_cells_tabs(page)
    for python in (py312, py313):
        version, other = python.parent.parent.name, ({py312, py313} - {python}).pop()
        tab = first[cell_of(python)]
        assert f"<td>{version}</td>" in tab  # its own output, in its own tab
        assert f"<td>{other.parent.parent.name}</td>" not in tab  # never another cell's
        assert f"Measured on CPython {version} with the GIL" in tab  # its provenance
        assert "missing" in later[cell_of(python)]  # no record of the later snippet
    # This build's own run record says where it ran, like the cells' records.
    [line] = (tmp_path / "with-records" / "snippet-runs.jsonl").read_text("utf-8").splitlines()[:1]
    mine = json.loads(line)
    assert mine["provenance"]["python"] == platform.python_version()
    assert mine["cell"] == default_cell(provenance())
    # The cross-version table: a row per cell, this build first, each with its own value.
    assert "records from this interpreter only" not in page
    comparison = page.rpartition("<th>Cell</th>")[2]
    rows = [f"(this build)</td>\n<td>{platform.python_version()}</td>"] + [
        f"<td>{cell_of(python)}</td>\n<td>{python.parent.parent.name}</td>"
        for python in (py312, py313)
    ]
    places = [comparison.find(row) for row in rows]
    assert -1 not in places and places == sorted(places), comparison


def test_a_failure_in_one_cell_fails_measure_and_the_build_naming_the_cell(
    tmp_path: Path,
) -> None:
    py313 = pyenv_python("3.13")
    root = site(tmp_path, name="01_fail-on-3.13.py")
    records = tmp_path / "elsewhere"
    measured = measure(root, py313, "--records", str(records))
    assert measured.returncode == 1
    cell = cell_of(py313)
    assert f"cell {cell!r} failed: snippets/demo/01_fail-on-3.13.py" in measured.stderr
    built = build_site(tmp_path / "out", {"SNIPPET_RECORDS_DIR": str(records)}, cwd=root)
    assert built.returncode != 0
    assert f"cell {cell!r}: snippets/demo/01_fail-on-3.13.py exited with code 3" in built.log


def test_a_comparison_before_its_example_runs_the_example_itself(tmp_path: Path) -> None:
    """MkDocs renders docs/a.md before docs/b.md: the comparison cannot reuse b's run."""
    root = site_skeleton(tmp_path / "project")
    write(root / "snippets" / "demo" / "01_version.py", VERSION)
    cells = '```snippet-cells table="What" column="Value"\nsnippets/demo/01_version.py\n```'
    write(root / "docs" / "a.md", f"# A\n\n{cells}\n")
    write(root / "docs" / "b.md", "# B\n\n```python-snippet\nsnippets/demo/01_version.py\n```\n")
    write(root / "docs" / "index.md", "# Demo\n")
    built = build_site(tmp_path / "out", cwd=root)
    assert built.returncode == 0, built.log
    page = (built.site / "a" / "index.html").read_text("utf-8")
    assert f"(this build)</td>\n<td>{platform.python_version()}</td>" in page


def test_a_cell_gets_only_the_packages_its_snippets_import(tmp_path: Path) -> None:
    """The site's snippets need their PyPI packages in each cell's environment; a
    throwaway site whose snippets import none gets a bare one (seconds, not minutes)."""
    site = tmp_path / "site"
    write(site / "snippets/demo/01_plain.py", "import json\n")
    assert snippet_requirements(site) == []
    write(site / "snippets/demo/02_plot.py", "import matplotlib.pyplot as plt\n")
    assert [pin.partition("==")[0] for pin in snippet_requirements(site)] == ["matplotlib"]
    mine = {pin.partition("==")[0] for pin in snippet_requirements(ROOT)}
    assert {"matplotlib", "httpx"} <= mine


@pytest.mark.parametrize("cell", list(CELLS))
def test_this_machines_cells_have_records(cell: str) -> None:
    """``dev.py cells`` measures Debian's 3.14 and 3.15 where it can (Linux, root); the
    suite's build shows their records. CI must have them; elsewhere this says which
    cells are missing, and the build shows this checkout's runs alone."""

    def missing(reason: str) -> None:
        reason += ": `python3 dev.py cells` makes them afresh"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI (.ci/run) they must be this checkout's")
        pytest.skip(reason)

    found = record_file(cell, ROOT / RECORDS_DIR)
    if not found.is_file():
        missing(f"no records of cell {cell!r} in {RECORDS_DIR}/")
    runs = [json.loads(line) for line in found.read_text("utf-8").splitlines() if line.strip()]
    assert {entry["cell"] for entry in runs} == {cell}
    if {entry["path"] for entry in runs} != set(dict(plan(ROOT))):
        missing(f"cell {cell!r} measured other examples than the pages show now")
    python = runs[0]["provenance"]["python"]
    assert python.startswith(CELLS[cell].removeprefix("python") + "."), python
    assert "Debian" in runs[0]["provenance"]["distribution"]


def test_an_example_that_needs_a_newer_python_shows_a_cells_run_first(site_build: Build) -> None:
    """An example whose fence says needs="3.14" prints only what it needs on an older
    build; the page shows the newest cell's real run first, and says which cell."""
    here = sys.version_info[:2]
    needing = [f for f in snippet_fences() if f.options.needs and here < f.options.needs]
    if not needing:
        pytest.skip("this build's Python has what every example needs")
    if any(not record_file(cell, ROOT / RECORDS_DIR).is_file() for cell in CELLS):
        pytest.skip("no records of this machine's cells: `python3 dev.py cells` makes them")
    assert site_build.returncode == 0, site_build.log
    for page, fences in itertools.groupby(needing, key=lambda fence: fence.page):
        source = page.removeprefix("docs/").removesuffix(".md").removesuffix("index")
        built = site_build.site / source / "index.html"
        text = BeautifulSoup(built.read_text("utf-8"), "html.parser").get_text(" ")
        note = (
            r"This example needs Python 3\.\d+ or newer, and this build runs [\d.]+: "
            r"the output below comes from the cell ([^,]+),"
        )
        notes = re.findall(note, " ".join(text.split()))
        assert len(notes) == len(list(fences)), f"{page}: {notes}"
        assert set(notes) <= set(CELLS), notes
