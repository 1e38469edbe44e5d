"""The Concepts page's claims, checked against its snippets' real output."""

from __future__ import annotations

import os
import re

import pytest
from helpers import Output

PARALLELISM = "snippets/concepts/01_concurrency_vs_parallelism.py"
PREEMPTION = "snippets/concepts/02_preemptive_vs_cooperative.py"
IO_OR_CPU = "snippets/concepts/03_io_bound_vs_cpu_bound.py"


def runs(out: str) -> dict[str, tuple[float, float]]:
    """Per arrangement: (CPUs busy on average, the smallest share of a CPU a count had)."""
    found = re.findall(r"^(.+): [\d.]+ s, ([\d.]+) CPUs busy, ([\d.]+) CPU per count$", out, re.M)
    return {label: (float(busy), float(share)) for label, busy, share in found}


def test_one_after_the_other_keeps_at_most_one_cpu_busy(snippet_output: Output) -> None:
    found = runs(snippet_output(PARALLELISM))
    assert set(found) == {"one after the other", "two processes at once"}
    assert found["one after the other"][0] < 1.2


def test_two_processes_run_in_parallel(snippet_output: Output) -> None:
    found = runs(snippet_output(PARALLELISM))
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU: nothing can run in parallel")
    share = min(found["two processes at once"][1], found["one after the other"][1])
    if share < 0.8:
        pytest.skip(f"other programs held the CPUs: a count had only {share} of a CPU")
    # Two CPUs' worth is the ideal; a noisy machine still clears this.
    assert found["two processes at once"][0] > 1.2


def switches(out: str, name: str) -> int:
    return int(
        re.search(rf"^{name} +[\d,]+ appends, switches between A and B: (\d+)$", out, re.M)[1]
    )


def test_threads_switch_without_being_asked(snippet_output: Output) -> None:
    out = snippet_output(PREEMPTION)
    # Each thread runs far longer than one switch interval while the other waits.
    assert switches(out, "threads") >= 1


def test_coroutines_switch_exactly_at_await(snippet_output: Output) -> None:
    out = snippet_output(PREEMPTION)
    # Ten blocks per coroutine, an await after each: 20 blocks, 19 changes of letter.
    assert switches(out, "coroutines") == 19


def test_waiting_uses_no_cpu_and_arithmetic_uses_one(snippet_output: Output) -> None:
    out = snippet_output(IO_OR_CPU)
    shares = dict(re.findall(r"^(.+?) +CPU share ([\d.]+): (?:I/O|CPU)-bound$", out, re.M))
    wait, compute = float(shares["wait for a reply"]), float(shares["compute"])
    assert wait < 0.3
    assert re.search(r"^wait for a reply .*: I/O-bound$", out, re.M)
    # On a loaded machine the arithmetic may get less than a whole CPU, but still
    # several times the share of a task that only waits.
    assert compute > max(5 * wait, 0.1)


# --- the page's exercises: each solution shows what its exercise says to check -----------


def test_solution_coroutines_without_await_switch_once(snippet_output: Output) -> None:
    out = snippet_output("snippets/concepts/91_solution_no_await.py")
    # Every A, then every B: one change of letter, on every run.
    assert switches(out, "coroutines") == 1


def test_solution_waiting_then_computing_lands_in_between(snippet_output: Output) -> None:
    out = snippet_output("snippets/concepts/92_solution_wait_then_compute.py")
    shares = {
        name: float(share) for name, share in re.findall(r"^(\w+) +CPU share ([\d.]+)$", out, re.M)
    }
    assert set(shares) == {"wait_for_reply", "wait_then_compute", "compute"}
    assert shares["wait_for_reply"] < shares["wait_then_compute"]
    # The 0.2 s wait is in the mixed task's time but not in its CPU time. A machine
    # busy with other work can give the compute task alone less than a whole CPU.
    assert shares["wait_then_compute"] < max(shares["compute"], 0.9)


def test_solution_no_more_cpus_busy_than_the_machine_has(snippet_output: Output) -> None:
    out = snippet_output("snippets/concepts/93_solution_more_processes_than_cpus.py")
    found = re.search(r"^(\d+) processes on (\d+) CPUs: ([\d.]+) CPUs busy on average$", out, re.M)
    assert found, out
    processes, cpus, busy = int(found[1]), int(found[2]), float(found[3])
    assert processes == cpus + 1
    assert 0 < busy <= cpus + 0.2  # rounding and timer granularity, not extra CPUs
