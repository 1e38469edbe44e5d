"""The choosing guide's claims, checked against its snippets' real output."""

from __future__ import annotations

import base64
import re
import runpy
import statistics
import sys
from collections.abc import Callable

import pytest
from helpers import ROOT, Output, number, table
from snippet_runner.process import Run

FLOWCHART = "snippets/choosing/01_decision_flowchart.py"
SIDE_BY_SIDE = "snippets/choosing/02_side_by_side.py"
MEMORY = "snippets/choosing/03_memory_footprint.py"


def svg_of(out: str) -> str:
    data = re.search(r"\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", out)
    assert data, "the snippet should print an embedded SVG image"
    return base64.b64decode(data[1]).decode("utf-8")


def test_flowchart_and_list_say_the_same(snippet_output: Output) -> None:
    out = snippet_output(FLOWCHART)
    svg = svg_of(out)
    assert len(svg) < 60_000
    assert "<text" in svg, "text must stay text in the SVG"
    guide = runpy.run_path(str(ROOT / FLOWCHART))  # the tables both are drawn from
    listed = out[out.index(")") :]
    for text, _, _ in guide["BOXES"].values():
        for line in text.splitlines():
            assert line in svg.replace("&gt;", ">"), f"{line!r} missing from the picture"
        assert text.replace("\n", " ") in listed, f"{text!r} missing from the list"
    for _, label, _ in guide["ARROWS"]:
        assert f"*{label}*" in listed
    alt = re.search(r"!\[([^\]]+)\]", out)[1]
    assert "Flowchart" in alt and len(alt) > 200


def speedups(out: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(job kind, model without worker count) -> (speed-up cell, % of ideal cell)."""
    found = {}
    for job, model, _, _, speedup, percent in table(out, "Speed-up").rows:
        kind = "io" if job.startswith("I/O") else "cpu"
        name = re.sub(r" \(\d+\)$", "", model)
        found[kind, name] = (speedup, percent)
    return found


MODELS = {
    "io": ["sequential", "threads", "processes", "asyncio", "subinterpreters",
           "Dask LocalCluster"],
    "cpu": ["sequential", "threads", "processes", "asyncio", "asyncio + process pool",
            "subinterpreters", "Dask LocalCluster"],
}  # fmt: skip


def test_side_by_side_runs_every_model_on_both_jobs(snippet_run: Callable[[str], Run]) -> None:
    run = snippet_run(SIDE_BY_SIDE)
    out = run.output
    found = speedups(out)
    for kind, models in MODELS.items():
        assert [name for k, name in found if k == kind] == models, kind
    io_ideal = int(re.search(r"Ideal speed-up: (\d+)x for the I/O job", out)[1])
    cpu_ideal = int(re.search(r"(\d+)x for the CPU job", out)[1])
    cpus = int(re.search(r"(\d+) usable CPUs", out)[1])
    assert cpu_ideal == min(cpus, int(re.search(r"(\d+) tasks\)", out)[1]))
    assert run.values["io_ideal"]["samples"] == [io_ideal]
    assert run.values["cpu_ideal"]["samples"] == [cpu_ideal]
    # The % column is the speed-up over the ideal, and the claims read the same ratio.
    has_interpreters = re.search(r"\| subinterpreters \(\d+\) \| needs Python 3\.14", out) is None
    for (kind, name), (speedup, percent) in found.items():
        if name == "subinterpreters" and not has_interpreters:
            assert speedup == percent == "–"
            continue
        ideal = io_ideal if kind == "io" else cpu_ideal
        assert number(percent) == pytest.approx(100 * number(speedup) / ideal, abs=1)
        if name != "sequential":
            short = {"asyncio + process pool": "asyncio_pool", "Dask LocalCluster": "dask",
                     "subinterpreters": "interpreters"}.get(name, name)  # fmt: skip
            samples = run.values[f"speedup_{kind}_{short}"]["samples"]
            assert len(samples) == 3
            assert number(speedup) == pytest.approx(statistics.median(samples), abs=0.01)
    assert has_interpreters == (sys.version_info >= (3, 14))
    if not has_interpreters:
        assert "InterpreterPoolExecutor needs Python 3.14 or later" in out
    assert "start method" in out and "3 repeats after a warm-up run" in out
    assert "other programs took" in out or sys.platform != "linux"
    assert len(svg_of(out)) < 60_000


def test_side_by_side_times_the_set_up_apart(snippet_run: Callable[[str], Run]) -> None:
    run = snippet_run(SIDE_BY_SIDE)
    rows = table(run.output, "First run, with set-up").rows
    assert all(len(row) == 6 for row in rows)
    for row in rows:
        if row[2] != "needs Python 3.14":
            assert number(row[3]) > 0
    dask = re.search(
        r"Dask, once for both jobs: import dask.distributed ([\d.]+) s; "
        r"start a LocalCluster \((\d+) workers\) ([\d.]+) s\.",
        run.output,
    )
    assert dask, "the Dask set-up line is missing"
    assert run.values["dask_start"]["samples"] == [pytest.approx(float(dask[3]), abs=0.01)]
    # The cluster's every socket was on 127.0.0.1, in this process and in each worker.
    assert re.search(r"Every address used: 127\.0\.0\.1 \(checked in \d+ processes\)", run.output)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_memory_footprint(snippet_run: Callable[[str], Run]) -> None:
    run = snippet_run(MEMORY)
    out = run.output
    rows = {
        label: [number(cell) for cell in cells[1:4]]  # RSS, USS, virtual (KiB)
        for label, cells in table(out, "Resident (RSS) KiB").by_label().items()
    }
    assert set(rows) >= {"thread", "asyncio task", "process (fork)", "process (spawn)"}
    assert "median of 4 children per start method" in out
    # The thread row's virtual figure is one stack and its guard page, as the line
    # under the table splits the threads' address space: stacks, then the rest.
    line = re.search(r"Of it, their stacks with their guard pages: ([\d,]+) KiB "
                     r"\(([\d,]+) KiB each", out)  # fmt: skip
    assert line, "the address-space line is missing"
    each = number(line[2])
    assert rows["thread"][2] == each
    assert number(line[1]) == pytest.approx(each * run.values["threads"]["samples"][0], rel=0.01)
    assert run.values["stack_thread"]["samples"] == [pytest.approx(each, abs=1)]
    assert "MALLOC_ARENA_MAX=1" in out and "KernelStack" in out
