"""The choosing guide's claims, checked against its snippets' real output."""

from __future__ import annotations

import base64
import re
import runpy
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


def speedups(out: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(job kind, model without worker count) -> (speed-up, % of ideal)."""
    found = {}
    for job, model, _, speedup, percent in table(out, "Speed-up").rows:
        kind = "io" if job.startswith("I/O") else "cpu"
        name = re.sub(r" \(\d+\)$", "", model)
        found[kind, name] = (number(speedup), number(percent))
    return found


def cpu_shares(out: str) -> dict[str, float]:
    """Model (without worker count) -> the CPU share its CPU-bound tasks reported."""
    line = next(line for line in out.splitlines() if line.startswith("CPU share of"))
    listed = line.split("over all tasks): ")[1].split(". ")[0]
    return {
        re.sub(r" \(\d+\)$", "", name): float(value)
        for name, value in (item.rsplit(" ", 1) for item in listed.split(", "))
    }


def test_side_by_side(snippet_output: Output) -> None:
    out = snippet_output(SIDE_BY_SIDE)
    found = speedups(out)
    io_ideal = int(re.search(r"Ideal speed-up: (\d+)x for the I/O job", out)[1])
    cpu_ideal = int(re.search(r"(\d+)x for the CPU job", out)[1])
    cpus = int(re.search(r"(\d+) usable CPUs", out)[1])
    assert cpu_ideal == min(cpus, int(re.search(r"(\d+) tasks\)", out)[1]))
    # The % column is the speed-up over the ideal.
    for (kind, _), (speedup, percent) in found.items():
        ideal = io_ideal if kind == "io" else cpu_ideal
        assert percent == pytest.approx(100 * speedup / ideal, abs=1)
    # Waits overlap with threads, asyncio and (warm) processes alike.
    for model in ("threads", "asyncio", "processes"):
        assert found["io", model][0] > 0.4 * io_ideal, model
    assert "start method" in out and "3 repeats after a warm-up run" in out
    assert len(svg_of(out)) < 60_000


def test_side_by_side_threads_take_turns_on_a_gil_build(snippet_output: Output) -> None:
    out = snippet_output(SIDE_BY_SIDE)
    if "with the GIL" not in out:
        pytest.skip("no GIL: threads may compute in parallel")
    shares = cpu_shares(out)
    if shares["sequential"] < 0.8:
        pytest.skip(f"other programs held the CPUs: the sequential run got {shares['sequential']}")
    found = speedups(out)
    # Pure-Python computing: threads and plain asyncio gain nothing that matters.
    assert found["cpu", "threads"][0] < 1.5
    assert found["cpu", "asyncio"][0] < 1.5
    if int(re.search(r"(\d+) usable CPUs", out)[1]) >= 2:
        # Two threads, one GIL: each waits for it part of the time, even though
        # (as the sequential run's share shows) a CPU was free.
        assert shares["threads"] < 0.8 * shares["sequential"]


def test_side_by_side_processes_compute_in_parallel(snippet_output: Output) -> None:
    out = snippet_output(SIDE_BY_SIDE)
    found = speedups(out)
    if int(re.search(r"(\d+) usable CPUs", out)[1]) < 2:
        pytest.skip("one usable CPU: nothing can run in parallel")
    # Each worker measured the share of a CPU it got while computing: below this,
    # other programs were using the CPUs, and no parallel speed-up can be expected.
    share = cpu_shares(out)["processes"]
    if share < 0.8:
        pytest.skip(f"other programs held the CPUs: the workers got {share} of a CPU")
    assert found["cpu", "processes"][0] > 1.2
    assert found["cpu", "asyncio + process pool"][0] > 1.2


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
