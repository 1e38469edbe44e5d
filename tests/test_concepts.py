"""The Concepts page's examples, checked against their real output.

What the page says about CPU time and wall time (how many CPUs were busy, which task
is I/O-bound) are claims in the page, judged by tests/test_claims.py; these tests
check the output's shape and the counts that do not depend on the machine's speed.
"""

from __future__ import annotations

import re

from helpers import Output

PARALLELISM = "snippets/concepts/01_concurrency_vs_parallelism.py"
PREEMPTION = "snippets/concepts/02_preemptive_vs_cooperative.py"
IO_OR_CPU = "snippets/concepts/03_io_bound_vs_cpu_bound.py"


def runs(out: str) -> dict[str, tuple[float, float]]:
    """Per round and arrangement: (CPUs busy on average, the smallest share of a CPU a
    count had)."""
    found = re.findall(r"^(.+): [\d.]+ s, ([\d.]+) CPUs busy, ([\d.]+) CPU per count$", out, re.M)
    return {label: (float(busy), float(share)) for label, busy, share in found}


def test_both_arrangements_report_their_cpus_busy(snippet_output: Output) -> None:
    found = runs(snippet_output(PARALLELISM))
    assert set(found) == {
        f"round {n}, {way}"
        for n in (1, 2, 3)
        for way in ("one after the other", "two processes at once")
    }


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


def test_each_task_gets_a_cpu_share_and_a_kind(snippet_output: Output) -> None:
    out = snippet_output(IO_OR_CPU)
    shares = dict(re.findall(r"^(.+?) +CPU share ([\d.]+): (?:I/O|CPU)-bound$", out, re.M))
    assert set(shares) == {"wait for a reply", "compute"}, out


# --- the page's exercises: each solution shows what its exercise says to check -----------


def test_solution_coroutines_without_await_switch_once(snippet_output: Output) -> None:
    out = snippet_output("snippets/concepts/91_solution_no_await.py")
    # Every A, then every B: one change of letter, on every run.
    assert switches(out, "coroutines") == 1


def test_solution_measures_the_three_tasks(snippet_output: Output) -> None:
    out = snippet_output("snippets/concepts/92_solution_wait_then_compute.py")
    shares = {
        name: float(share) for name, share in re.findall(r"^(\w+) +CPU share ([\d.]+)$", out, re.M)
    }
    assert set(shares) == {"wait_for_reply", "wait_then_compute", "compute"}


def test_solution_starts_one_process_more_than_cpus(snippet_output: Output) -> None:
    out = snippet_output("snippets/concepts/93_solution_more_processes_than_cpus.py")
    found = re.search(r"^(\d+) processes on (\d+) CPUs: ([\d.]+) CPUs busy on average$", out, re.M)
    assert found, out
    processes, cpus = int(found[1]), int(found[2])
    assert processes == cpus + 1
