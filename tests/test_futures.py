"""The concurrent.futures page's claims, checked against its snippets' real output."""

from __future__ import annotations

import ast
import multiprocessing
import re
import sys

from helpers import Output, number, table


def test_collecting_results_in_order_by_completion_and_by_condition(
    snippet_output: Output,
) -> None:
    out = snippet_output("snippets/futures/01_submit_map_wait.py")
    mapped = re.search(r"map \(input order\):\n((?:  .*\n){3})", out)[1].split("\n")
    assert [line.split()[-1] for line in mapped if line] == ["slow", "medium", "fast"]
    completed = re.search(r"as_completed \(completion order\):\n((?:  .*\n){3})", out)[1]
    assert [line.split()[-1] for line in completed.splitlines()] == ["fast", "medium", "slow"]
    first = re.search(
        r"FIRST_COMPLETED\) returned at ([\d.]+) s: done=\['fast'\], still running=2", out
    )
    failed = re.search(
        r"FIRST_EXCEPTION\) returned at ([\d.]+) s: "
        r"errors=\[.*parser: bad input.*\], still running=1",
        out,
    )
    assert first and failed  # how soon each returned: the page's claims


def test_worker_exceptions_carry_the_workers_traceback(snippet_output: Output) -> None:
    out = snippet_output("snippets/futures/02_worker_traceback.py")
    threads, processes = out.split("--- ProcessPoolExecutor ---")
    for part in (threads, processes):
        assert 'caught in the caller: ValueError("invalid literal for int()' in part
        assert "in parse" in part and "return int(record)" in part
    assert "__cause__ type: NoneType" in threads
    assert "__cause__ type: _RemoteTraceback" in processes
    assert "The above exception was the direct cause" in processes
    # The worker's half comes first, then the caller's.
    assert (
        processes.index("in parse") < processes.index("direct cause") < processes.index("in main")
    )


def test_cancel_stops_only_queued_work_and_shutdown_cancels_the_rest(
    snippet_output: Output,
) -> None:
    out, _, _ = snippet_output("snippets/futures/03_cancel_and_shutdown.py").partition(
        "ProcessPoolExecutor("
    )
    assert "cancel() on task 0 (running): False" in out
    assert "cancel() on task 3 (queued):  True" in out
    assert "task 3: result() raises CancelledError" in out
    assert "task 0: ran, result 0" in out
    for n in (1, 2, 3, 4):
        assert f"task {n}: cancelled" in out
    assert "tasks that ever ran: [0]" in out


def test_a_process_pool_refuses_to_cancel_calls_it_has_queued_for_its_worker(
    snippet_output: Output,
) -> None:
    out = snippet_output("snippets/futures/03_cancel_and_shutdown.py")
    part = out[out.index("ProcessPoolExecutor(max_workers=1)") :]
    answers = re.search(r"cancel\(\) returned \[(.*)\]", part)[1].split(", ")
    assert len(answers) == 4 and set(answers) <= {"True", "False"}, answers
    # Tasks 0 and 1 are in the call queue before cancel() is called: refused.
    assert answers[:2] == ["False", "False"], answers
    for n, answer in enumerate(answers):
        line = re.search(rf"^  task {n}: (.*)$", part, re.M)[1]
        if answer == "True":
            assert line == "cancelled", line
        else:  # refused, so it ran; that it started after cancel() is the page's claim
            assert re.fullmatch(r"ran, starting ([+-]\d+\.\d+) s after .*", line), line


def check_broken_process_pool(out: str, version: tuple[int, int]) -> None:
    """What the page says 04 shows, for the interpreter that ran it (``version``)."""
    method = re.search(r"^Python 3\.\d+\S*, start method (\w+)$", out, re.M)[1]
    sections = re.split(r"^--- task 3's worker dies by (.+) ---$", out, flags=re.M)
    deaths = dict(zip(sections[1::2], sections[2::2], strict=True))
    expected = ["os._exit(1)"] + ([] if sys.platform == "win32" else ["SIGKILL"])
    assert list(deaths) == expected
    exit_codes = {"os._exit(1)": "1", "SIGKILL": "-9"}
    for death, part in deaths.items():
        results = ast.literal_eval(re.search(r"results before the pool broke: (\{.*\})", part)[1])
        failed = ast.literal_eval(re.search(r"raised BrokenProcessPool: (\[.*\])", part)[1])
        assert 3 in failed and 3 not in results
        assert sorted([*results, *failed]) == list(range(6))
        assert all(value == n * n for n, value in results.items())
        assert "submit() on the broken pool: BrokenProcessPool" in part
        retried = ast.literal_eval(re.search(r"re-submitted (\[.*\]): (\{.*\})", part)[2])
        assert sorted(retried) == sorted(n for n in failed if n != 3)
        assert "failed again: []" in part
        cause = re.search(r"^their __cause__: (.*)$", part, re.M)[1]
        named = rf"Process \d+ terminated abruptly with exit code {exit_codes[death]}"
        if version < (3, 15):
            assert cause == "None", cause  # no cause before gh-139486
        elif method == "forkserver":  # the fork server sends the exit code with the end
            assert re.fullmatch(named, cause), cause
        else:  # fork, spawn: the exit code may not be readable yet
            assert cause == "None" or re.fullmatch(named, cause), cause
    if version < (3, 15):
        assert "exit code needs Python 3.15; this is 3.1" in out
        assert "--- broken pools whose futures named" not in out
        return
    counts = dict(re.findall(r"^(\w+): +(\d+) of 10$", out, re.M))
    assert set(counts) == set(multiprocessing.get_all_start_methods()), counts
    if "forkserver" in counts:
        assert counts["forkserver"] == "10", counts


def test_a_dead_worker_breaks_the_pool_and_a_new_pool_recovers(snippet_output: Output) -> None:
    out = snippet_output("snippets/futures/04_broken_process_pool.py")
    check_broken_process_pool(out, sys.version_info[:2])


def test_max_tasks_per_child_bounds_what_a_worker_holds(snippet_output: Output) -> None:
    out = snippet_output("snippets/futures/05_max_tasks_per_child.py")
    assert out.startswith("Measured on ")
    t = table(out, "most memory")
    unlimited = number(t.row("no limit")["most memory one worker held (MB, tracemalloc)"])
    limited = number(
        t.row("max_tasks_per_child=1")["most memory one worker held (MB, tracemalloc)"]
    )
    # 8 tasks of 2 MB over 2 workers: some worker ran at least 4 without a limit.
    assert unlimited >= 3 * limited
    assert 1.5 <= limited <= 3
    # What restarting a process per task costs in time is the page's claim.


def test_python314_additions_are_shown_or_named(snippet_output: Output) -> None:
    out = snippet_output("snippets/futures/06_python314_additions.py")
    eager = re.search(r"map\(\):\s+inputs consumed before the first result: ([\d,]+)", out)
    assert number(eager[1]) == 5000  # map read the whole input first
    if sys.version_info >= (3, 14):
        lazy = re.search(
            r"map\(buffersize=4\):\s+inputs consumed .*?: ([\d,]+); peak .*? ([\d.]+) MB", out
        )
        eager_peak = float(re.search(r"map\(\):.*peak traced memory ([\d.]+) MB", out)[1])
        assert number(lazy[1]) < 100
        assert float(lazy[2]) < eager_peak / 2
        for method in ("terminate_workers", "kill_workers"):
            assert re.search(rf"{method}\(\):\s+the stuck task's future raised \w+", out)
    else:
        assert "map(buffersize=...): not in Python 3.1" in out and "(added in 3.14)" in out
        assert "terminate_workers() / kill_workers(): not in Python" in out
        for method in ("terminate", "kill"):
            pattern = rf"Process\.{method}\(\) on each worker:\s+.* raised BrokenProcessPool"
            assert re.search(pattern, out)


# --- the page's exercises: each solution shows what its exercise says to check -------------


def test_solution_cancels_the_rest_at_the_first_error(snippet_output: Output) -> None:
    out = snippet_output("snippets/futures/91_solution_cancel_on_first_error.py")
    assert "first error: task 3: bad input" in out
    cancelled = set(ast.literal_eval(re.search(r"cancelled, never started: (\[.*\])", out)[1]))
    started = set(ast.literal_eval(re.search(r"^started: (\[.*\])", out, re.M)[1]))
    assert cancelled and not cancelled & started, out
    assert cancelled | started == set(range(10)), out
    assert 3 in started


def test_solution_stops_a_running_task_so_shutdown_returns(snippet_output: Output) -> None:
    out = snippet_output("snippets/futures/92_solution_stoppable_task.py")
    # How soon the shutdown returned is the page's claim.
    assert re.search(r"shutdown returned after ([\d.]+) s \(.* take ([\d.]+) s\)", out), out
    assert re.search(r"task 0: stopped early, after \d+ of 200 steps", out), out
    for n in (1, 2):  # cancelled; or, if it started as task 0 ended, it stopped at once
        assert re.search(rf"task {n}: (cancelled|stopped early, after 0 of)", out), out
