"""The Concepts page's claims, checked against its snippets' real output."""

from __future__ import annotations

import re
import statistics

import pytest
from helpers import Output, number, table

PARALLELISM = "snippets/concepts/01_concurrency_vs_parallelism.py"
PREEMPTION = "snippets/concepts/02_preemptive_vs_cooperative.py"


def arrangements(out: str) -> dict[str, dict[str, float]]:
    """Per arrangement: wall seconds, seconds both in progress, average CPUs busy."""
    found = {}
    for block in out.split("\n\n")[1:]:
        title = re.match(r"(.+): ([\d.]+) s", block)
        if not title:
            continue
        found[title[1]] = {
            "wall": float(title[2]),
            "in progress": float(re.search(r"in progress: +([\d.]+) s", block)[1]),
            "cpus busy": float(re.search(r"CPUs busy on average: +([\d.]+)", block)[1]),
            "step share": float(re.search(r"CPU share of a step: +([\d.]+)", block)[1]),
        }
    return found


def test_taking_turns_is_concurrent_not_parallel(snippet_output: Output) -> None:
    found = arrangements(snippet_output(PARALLELISM))
    sequential = found["One after the other"]
    turns = found["Taking turns in one thread"]
    assert sequential["in progress"] == 0
    assert sequential["cpus busy"] < 1.2
    # Taking turns: both in progress most of the time, never more than one CPU busy.
    assert turns["in progress"] > 0.5 * turns["wall"]
    assert turns["cpus busy"] < 1.2
    processes = found["Two processes at once"]
    assert processes["in progress"] > 0.5 * processes["wall"]


def test_two_processes_are_parallel(snippet_output: Output) -> None:
    out = snippet_output(PARALLELISM)
    found = arrangements(out)
    if int(re.search(r"(\d+) usable CPUs", out)[1]) < 2:
        pytest.skip("one usable CPU: nothing can run in parallel")
    share = found["Two processes at once"]["step share"]
    if share < 0.8:
        pytest.skip(f"other programs held the CPUs: each step got {share} of a CPU")
    # Two CPUs' worth is the ideal; a noisy runner still clears this easily.
    assert found["Two processes at once"]["cpus busy"] > 1.2


def switches(out: str, heading: str) -> list[int]:
    section = out[out.index(heading) :]
    return [int(n) for n in re.search(r"switches per trial: \[([\d, ]+)\]", section)[1].split(",")]


def test_a_tiny_switch_interval_makes_threads_alternate(snippet_output: Output) -> None:
    out = snippet_output(PREEMPTION)
    if "GIL off" in out:
        pytest.skip("no GIL: the threads run in parallel and interleave at any interval")
    tiny_section = out[out.index("threads, switch interval 1 µs") :]
    share = float(
        re.search(r"CPU time ÷ wall-clock time of this process: ([\d.]+)", tiny_section)[1]
    )
    if share < 0.8:
        pytest.skip(f"other programs held the CPUs: the threads got {share} of a CPU")
    default = statistics.median(switches(out, "threads, switch interval 5 ms"))
    tiny = statistics.median(switches(out, "threads, switch interval 1 µs"))
    # A tiny interval makes the threads alternate far more often than the default.
    assert tiny >= 3 * max(default, 1)


def test_coroutines_switch_exactly_at_await(snippet_output: Output) -> None:
    out = snippet_output(PREEMPTION)
    appends = int(re.search(r"each worker appends (\d+) times", out)[1])
    chunk = int(re.search(r"await asyncio.sleep\(0\) every (\d+) appends", out)[1])
    coroutines = out[out.index("coroutines,") :]
    # Cooperative: a switch at every await and nowhere else.
    assert f"distinct run lengths: [{chunk}]" in coroutines
    assert f"switches: {2 * appends // chunk - 1}" in coroutines


def test_waiting_uses_no_cpu_and_arithmetic_uses_one(snippet_output: Output) -> None:
    out = snippet_output("snippets/concepts/03_io_bound_vs_cpu_bound.py")
    tasks = table(out, "CPU share")
    server, arithmetic = tasks.row("ask a local server"), tasks.row("pure-Python")
    assert server["Verdict"] == "mostly waiting: I/O-bound"
    assert number(server["CPU share"]) < 0.3
    # On a loaded runner the arithmetic may get much less than a whole CPU, but
    # still several times the share of a task that only waits.
    assert number(arithmetic["CPU share"]) > max(5 * number(server["CPU share"]), 0.1)
