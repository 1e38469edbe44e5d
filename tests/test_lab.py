"""The benchmark lab: a notebook executed by the build, with its work in a module."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from helpers import DOCS, ROOT, Build, Output, build_site, site_skeleton

NOTEBOOK = DOCS / "lab.ipynb"


def test_notebook_is_stored_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_work_sent_to_processes_comes_from_the_module() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    source = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "import workloads" in source
    imported = {
        name.strip()
        for names in re.findall(r"^from workloads import (.+)$", source, re.M)
        for name in names.split(",")
    }
    sent = re.findall(r"\bprocesses\((\w+),", source)
    assert sent and set(sent) <= imported, (sent, imported)


def test_module_alone_compares_every_model_in_rounds(snippet_output: Output) -> None:
    # How fast each model was is not asserted: no sentence on this site's pages reads
    # this quick comparison (the notebook's prose stays true whatever it measures).
    out = snippet_output("snippets/lab/workloads.py")
    io, cpu = out.split("CPU-bound")
    rows = re.compile(r"^(\w+) +[\d.]+ \([\d.]+-[\d.]+\) +([\d.]+)x \(([\d.]+)-([\d.]+)\)$", re.M)
    found = {part: {m[1]: m.groups()[1:] for m in rows.finditer(text)}
             for part, text in (("io", io), ("cpu", cpu))}  # fmt: skip
    assert list(found["io"]) == ["sequential", "threads", "processes", "asyncio"], out
    assert list(found["cpu"]) == ["sequential", "threads", "processes"], out
    for models in found.values():
        assert models["sequential"] == ("1.00", "1.00", "1.00")  # a round against itself
        for middle, low, high in models.values():
            assert float(low) <= float(middle) <= float(high)


def test_speedups_are_per_round_as_on_the_rest_of_the_site() -> None:
    """workloads.speedups cannot import measure (it is downloaded alone), so it
    repeats measure.speedup's definition: it must give the same numbers."""
    import importlib.util
    import sys

    sys.path.insert(0, str(ROOT / "snippets"))
    import measure

    spec = importlib.util.spec_from_file_location("workloads", ROOT / "snippets/lab/workloads.py")
    workloads = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workloads)
    base, other = [1.0, 2.0, 1.2], [0.5, 0.5, 1.0]
    middle, low, high = workloads.speedups({"a": base, "b": other})["b"]
    ratio = measure.speedup(measure.Timing(tuple(base)), measure.Timing(tuple(other)))
    assert (middle, low, high) == (ratio.median, ratio.low, ratio.high) == (2.0, 1.2, 4.0)


def test_the_built_lab_page(site_build: Build) -> None:
    page = site_build.site / "lab" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert page.stat().st_size < 1_000_000
    # It ran: tables, the plot and the failing notebook-defined function are there.
    assert "speed-up" in html and "sequential" in html
    assert "<svg" in html
    assert "The worker&#39;s last words: AttributeError" in html or (
        "The worker's last words: AttributeError" in html
    )
    assert "imported from the module, works: 19" in html
    # The downloads the page links to exist.
    assert (site_build.site / "lab" / "lab.ipynb").is_file()
    assert (site_build.site / "lab" / "snippets" / "lab" / "workloads.py").is_file()


def test_the_lab_page_loads_nothing_from_other_hosts(site_build: Build) -> None:
    html = (site_build.site / "lab" / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]*)\"", html)
    assert not [s for s in sources if re.match(r"(https?:)?//", s)], sources
    assert 'src="data:text/javascript,"' in html, "MathJax should load nothing"
    # nbconvert's Mermaid loader imports from a CDN only if the page has a diagram.
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S):
        if re.search(r"https?://", script):
            assert "jp-Mermaid" in script, script[:200]
    assert 'class="jp-Mermaid' not in html


FAILING = """{
 "cells": [
  {"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# Fails"]},
  {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": null,
   "outputs": [], "source": ["raise RuntimeError('injected failure')"]}
 ],
 "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                             "language": "python"}},
 "nbformat": 4, "nbformat_minor": 5
}
"""


def test_a_failing_cell_fails_the_build(tmp_path: Path) -> None:
    site = site_skeleton(tmp_path / "src")
    (site / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (site / "docs" / "broken.ipynb").write_text(FAILING, encoding="utf-8")
    result = build_site(tmp_path / "out", cwd=site)
    assert result.returncode != 0
    assert "injected failure" in result.log
