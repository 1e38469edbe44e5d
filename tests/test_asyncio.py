"""The asyncio chapter's claims, checked against its snippets' real output."""

from __future__ import annotations

import itertools
import multiprocessing
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import (
    ROOT,
    Output,
    number,
    table,
)

SNIPPETS = "snippets/asyncio"
LAG, BEATS = "Worst loop lag (ms)", "Heartbeats meanwhile"


def section(out: str, start: str, end: str | None = None) -> str:
    text = out[out.index(start) :]
    return text[: text.index(end)] if end else text


def test_coroutines_run_only_when_awaited_or_wrapped(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/01_coroutines_tasks_futures.py")
    assert "returned a coroutine object\n    bodies started so far: []" in out
    # Awaiting a coroutine runs it inside the caller's task; no Task is created.
    outer = re.search(r"tour\(\) runs inside task '([^']+)'", out)[1]
    assert f"awaited directly: body runs, inside task '{outer}'" in out
    # A new task has not started when create_task returns, and has its own name.
    assert "carries on; bodies started so far: ['awaited directly']" in out
    assert "as a task: body runs, inside task 'reporter'" in out
    assert "a Task is a Future: True" in out
    assert "await future returned 42; done? True" in out
    assert "stored exception: ValueError('something went wrong')" in out
    assert "await re-raised it: ValueError('something went wrong')" in out
    assert "RuntimeWarning: coroutine 'report' was never awaited" in out


def test_toy_event_loop_schedules_and_terminates(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/02_toy_event_loop.py")
    order = [
        "reader: waiting for data",
        "[loop] faulty ended with ValueError('faulty gave up')",
        "ticker: tick 1",
        "writer: sent b'ping'",
        "reader: received b'ping'",
        "ticker: tick 3",
        "[loop] nothing ready, no timers, no sockets: stopped",
    ]
    positions = [out.index(event) for event in order]
    assert positions == sorted(positions), out
    assert "[loop] reader finished, returned 4" in out
    assert "[loop] ticker finished, returned 3" in out


def test_tasks_overlap_waits_that_awaits_serialise(snippet_output: Output) -> None:
    # How long each way took is a claim on the asyncio page; here, the order of events.
    out = snippet_output(f"{SNIPPETS}/03_await_vs_create_task.py")
    sequential, overlapping = (
        [(float(a), float(b)) for a, b in re.findall(r"\|  ([\d.]+)-([\d.]+) s", part)]
        for part in out.split("create_task, then await:")
    )
    assert len(sequential) == len(overlapping) == 3
    # One after another: each download starts once the one before it has ended.
    assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(sequential))
    # With tasks: every download started before any of them ended.
    assert max(start for start, _ in overlapping) < min(end for _, end in overlapping)


def test_task_group_cancels_siblings_and_gather_does_not(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/04_gather_vs_taskgroup.py")
    gather = section(out, "asyncio.gather", "asyncio.TaskGroup")
    group = section(out, "asyncio.TaskGroup")
    assert "gather raised ValueError('broken failed')" in gather
    assert "tasks still running: 2" in gather
    assert "slow-1: finished" in gather and "slow-2: finished" in gather
    assert "cancelled, cleaning up" not in gather
    assert "TaskGroup raised ExceptionGroup(" in group
    assert "slow-1: cancelled, cleaning up" in group
    assert "slow-2: cancelled, cleaning up" in group
    assert "finished" not in group
    assert "tasks still running: 0" in group and "cancelled: 2" in group
    # The cancelled tasks cleaned up before the caller saw the ExceptionGroup.
    assert group.index("cleaning up") < group.index("TaskGroup raised")


def test_timeout_and_cancel_run_the_cleanup_first(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/05_timeout_and_cancellation.py")
    deadline = section(out, "1. ", "2. ")
    cancel = section(out, "2. ", "3. ")
    met = section(out, "3. ")
    closed = "connection closed (exception passing through: CancelledError)"
    assert deadline.index(closed) < deadline.index("TimeoutError reached the caller")
    assert cancel.index(closed) < cancel.index("awaiting the task raised CancelledError")
    assert "task.cancelled() = True" in cancel
    assert "exception passing through: none" in met and "expired? False" in met


def test_debug_mode_reports_the_blocking_call(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/06_debug_mode_finds_blocking_call.py")
    assert "debug mode: True" in out
    warnings = re.findall(
        r"^WARNING asyncio: Executing (<Task .*>) took [\d.]+ seconds$", out, re.M
    )
    assert any("name='blocking_handler'" in warning for warning in warnings), out
    assert not any("polite_handler" in warning for warning in warnings), out


def test_lag_example_times_both_handlers(snippet_output: Output) -> None:
    # How long each handler took and how late the heartbeat woke are claims on the
    # deep-dive page; the sentence under the table quotes the same medians.
    out = snippet_output(f"{SNIPPETS}/07_loop_lag_and_to_thread.py")
    handlers = table(out, LAG)
    blocked, threaded = handlers.row("`time.sleep` in"), handlers.row("to_thread")
    said = re.search(r"the worst wake-up was (\d+) ms late \(median\); with `to_thread` "
                     r"it was ([\d.]+) ms late", out)  # fmt: skip
    assert said, out
    assert abs(float(said[1]) - number(blocked[LAG])) <= 1
    assert abs(float(said[2]) - number(threaded[LAG])) <= 0.1


def check_process_pool_output(out: str) -> None:
    # The lag, the heartbeats and the speed-ups are claims on the deep-dive page.
    runs = table(out, LAG)
    assert [row[0].split(",")[0] for row in runs.rows] == [
        "in the coroutine", "`asyncio.to_thread`", "`run_in_executor`",
    ]  # fmt: skip
    assert number(runs.row("in the coroutine")["Speed-up"]) == 1
    assert "Worker processes left running: 0" in out


def test_process_pool_example_runs_three_ways(snippet_output: Output) -> None:
    check_process_pool_output(snippet_output(f"{SNIPPETS}/08_cpu_work_in_a_process_pool.py"))


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_process_pool_snippet_works_with_other_start_methods(method: str, tmp_path: Path) -> None:
    """The build runs the default (forkserver where available); the others must work too."""
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available on this platform")
    proc = subprocess.run(
        [sys.executable, str(ROOT / SNIPPETS / "08_cpu_work_in_a_process_pool.py"), method],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"start method {method}" in proc.stdout
    check_process_pool_output(proc.stdout)


def test_lock_prevents_lost_updates(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/09_races_and_lock.py")
    lost = {
        m[1]: int(m[2])
        for m in re.finditer(r"(add_\w+)\s+final value\s+\d+, lost updates (\d+)", out)
    }
    assert lost["add_without_await"] == 0
    assert lost["add_across_await"] > 0
    assert lost["add_with_lock"] == 0
    oversold = {m[1]: int(m[2]) for m in re.finditer(r"(buy_\w+)\s+sold.*oversold (\d+)", out)}
    assert oversold["buy_unsafely"] > 0
    assert oversold["buy_with_lock"] == 0


def test_semaphore_caps_tasks_in_flight(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/10_semaphore_bounds_concurrency.py")
    runs = {
        m[1]: (int(m[2]), float(m[3]))
        for m in re.finditer(r"^(.+): at most (\d+) in flight, all done in ([\d.]+) s", out, re.M)
    }
    jobs = int(re.match(r"(\d+) downloads", out)[1])
    limit = int(re.search(r"Semaphore\((\d+)\)", out)[1])
    assert runs["no cap"][0] == jobs
    assert runs[f"Semaphore({limit})"][0] == limit  # (how long each took: a claim)


def test_http_benchmark_answers_every_request_on_127_0_0_1(snippet_output: Output) -> None:
    # The speed-ups, the client's CPU time and the set-up costs are claims on the
    # deep-dive page, judged per round of batches.
    out = snippet_output(f"{SNIPPETS}/11_local_http_benchmark.py")
    batches = table(out, "Batch time (s)")
    assert number(batches.row("one after another")["Speed-up"]) == 1
    assert [row[0].split(" ")[0] for row in batches.rows] == [
        "one", "threads", "asyncio", "processes",
    ]  # fmt: skip
    answered = re.search(r"server answered (\d+) requests \(expected (\d+)\)", out)
    assert answered[1] == answered[2]
    assert re.search(r"from these addresses: 127\.0\.0\.1\.$", out, re.M)
    assert "Server process exit code: 0; child processes still running: 0." in out


def test_ten_thousand_waits_measures_threads_and_tasks(snippet_output: Output) -> None:
    # Which costs more, in time and memory, is a claim on the deep-dive page.
    out = snippet_output(f"{SNIPPETS}/12_ten_thousand_waits.py")
    waiters = table(out, "Waiters")
    assert [row[0] for row in waiters.rows] == ["10,000 threads", "10,000 asyncio tasks"]
    assert "memory: VmRSS and VmSize from /proc/self/status" in out or sys.platform != "linux"


def test_when_the_body_of_a_coroutine_starts(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/13_when_the_body_starts.py")
    cases = out.split("\n\n")
    for case in cases[:2]:  # plain call, create_task: the caller goes first
        assert case.index("1. caller carries on") < case.index("2. body starts"), case
    summary = section(out, "Does the body start before the caller carries on")
    assert "  plain call: no\n" in summary and "  create_task: no\n" in summary
    if sys.version_info >= (3, 12):
        eager = section(out, "the same, with eager_task_factory")
        assert eager.index("1. body starts") < eager.index("2. caller carries on"), eager
        assert "  eager_task_factory: yes" in summary
    else:
        assert "  eager_task_factory: not in Python 3.11" in summary
        assert "(new in Python 3.12)" in summary


def test_eager_start_is_shown_where_create_task_accepts_it(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/13_when_the_body_starts.py")
    title = "task = asyncio.create_task(body(...), eager_start=True)"
    summary = section(out, "Does the body start before the caller carries on")
    # Documented from 3.14 (gh-128307); later 3.13 releases pass extra keywords on
    # to Task, so 3.13 may show either; 3.12 and older reject it.
    if sys.version_info >= (3, 14) or (sys.version_info >= (3, 13) and title in out):
        eager = out[out.index(title) :]
        assert eager.index("1. body starts") < eager.index("2. caller carries on"), eager
        assert "  eager_start=True: yes" in summary
    else:
        assert title not in out
        assert "  eager_start=True: not in Python" in summary
        assert "(documented from Python 3.14, gh-128307)" in summary


# --- the protocol under await (the deep dive, after the toy loop) --------------------------


def test_await_runs_the_objects_await_and_passes_yields_up_the_chain(
    snippet_output: Output,
) -> None:
    out = snippet_output(f"{SNIPPETS}/14_what_await_does.py")
    assert "the first send(None) finished the coroutine: 'ready at once'" in out
    # The yield crossed two coroutines; the reply came back as the await's value.
    assert "two awaits deep: 'wake me with a number'" in out
    assert "StopIteration.value = 'outer got: the driver replied 42'" in out
    # 3.11-3.13: "object int can't be used in 'await' expression"; 3.14+: "'int' object
    # can't be awaited". Either way a TypeError that names int.
    error = re.search(r"^   TypeError: (.*)$", out, re.M)
    assert error and "int" in error[1] and "await" in error[1], out


def test_a_future_yields_itself_and_a_callback_completes_it(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/15_future_set_by_a_callback.py")
    assert "the first step yielded the Future itself? True" in out
    assert "after set_result: the next step returned 'the result'" in out
    # Both homemade sleeps ran at once, with other work meanwhile: the group ended
    # after the longer nap (0.6 s), well before both naps one after the other (0.9 s).
    assert out.count("the loop runs other work while both sleep") == 3
    ended = re.search(r"([\d.]+) s  'short nap over', 'long nap over'", out)
    assert ended and 0.6 <= float(ended[1]) < 0.85, out
    assert "'computed in worker-thread', awaited in MainThread" in out


def test_a_task_is_send_and_throw_one_step_at_a_time(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/16_a_task_step_by_step.py")
    mine = section(out, "StepTask, a Task in a few lines:", "asyncio.Task, the same job")
    real = section(out, "asyncio.Task, the same job")
    assert [line.strip() for line in mine.splitlines()[1:]] == [
        "job: starts",
        "[task] step 1: send(None) -> yielded None, next turn",
        "[task] step 2: send(None) -> waits for a Future",
        "job: got 'a reply'",
        "[task] step 3: send(None) -> waits for a Future",
        "job: its finally runs",
        "[task] step 4: throw(CancelledError()) -> raised CancelledError",
        "awaiting the task raised CancelledError",
    ], mine
    # The real Task prints the job's own lines in the same order.
    job_lines = [line for line in mine.splitlines()[1:] if "[task]" not in line]
    assert real.splitlines()[1:] == job_lines, real


# --- cancellation in depth ---------------------------------------------------------------


def test_shield_keeps_the_work_going_while_the_waiter_is_cancelled(
    snippet_output: Output,
) -> None:
    out = snippet_output(f"{SNIPPETS}/17_shield.py")
    plain = section(out, "await saving:", "await asyncio.shield(saving):")
    shielded = section(out, "await asyncio.shield(saving):")
    for part in (plain, shielded):
        assert "handler: cancelled while it waited for the save" in part
        assert "main: handler cancelled? True" in part
    assert "save: cancelled half way, nothing written" in plain
    assert "main: the save was cancelled with the handler" in plain
    assert "save: written" not in plain
    assert "save: cancelled" not in shielded
    assert shielded.index("handler: cancelled") < shielded.index("save: written")
    assert "main: the save's own result: 'saved'" in shielded


def test_each_timeout_answers_for_its_own_deadline(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/18_nested_timeouts.py")
    inner_first = section(out, "inner deadline first", "outer deadline first")
    outer_first = section(out, "outer deadline first")
    assert "inner block raised TimeoutError; the outer goes on" in inner_first
    assert "inner.expired() = True" in inner_first
    assert "after the inner block, cancelling() = 0" in inner_first
    assert "outer.expired() = False" in inner_first
    assert "outer block raised TimeoutError" not in inner_first
    assert "inner block: CancelledError passed through it" in outer_first
    assert "inner.expired() = False" in outer_first
    assert "outer block raised TimeoutError" in outer_first
    assert "outer.expired() = True" in outer_first
    assert out.count("at the end, cancelling() = 0") == 2


def test_uncancel_keeps_requests_apart(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/19_what_uncancel_is_for.py")
    assert "the worker ended cancelled: the outside request survived the timeout" in out
    version = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    without = section(out, f"without uncancel(), then a TaskGroup ({version})", "with uncancel()")
    with_it = section(out, f"with uncancel(), then a TaskGroup ({version})")
    assert "swallowed the CancelledError; cancelling() = 1" in without
    assert "swallowed the CancelledError; cancelling() = 0" in with_it
    for part in (without, with_it):
        assert "the TaskGroup raised (ValueError('a child failed'),)" in part
    # From 3.13 a TaskGroup re-delivers a request still counted (gh-116720).
    came_back = "the next await raised CancelledError: the leftover came back"
    if sys.version_info >= (3, 13):
        assert came_back in without, without
    else:
        assert "the next await ran normally" in without, without
    assert "the next await ran normally" in with_it, with_it


def test_the_first_answer_ends_the_group_with_the_exception_trick(
    snippet_output: Output,
) -> None:
    out = snippet_output(f"{SNIPPETS}/20_first_result_wins.py")
    assert "winner: mirror-b answered after" in out
    assert "mirror-a: cancelled, another mirror answered first" in out
    assert "mirror-c: cancelled, another mirror answered first" in out
    assert "mirror-b: cancelled" not in out


def test_task_group_cancel_ends_the_group_quietly_on_315(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/21_task_group_cancel.py")
    if sys.version_info < (3, 15):  # TaskGroup.cancel() is new in 3.15 (gh-127214)
        assert "TaskGroup.cancel() is new in Python 3.15 (gh-127214)" in out
        assert "winner" not in out
        return
    assert "winner: mirror-b answered after" in out
    assert "mirror-a: cancelled" in out and "mirror-c: cancelled" in out
    assert "the async with block ended without an exception" in out
    assert "not printed" not in out


def test_cleanup_with_a_deadline_ends_and_without_one_hangs(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/22_cleanup_that_cannot_hang.py")
    answers = section(out, "the peer answers at once", "the peer never answers, cleanup with")
    bounded = section(
        out, "the peer never answers, cleanup with a deadline", "cleanup without a deadline"
    )
    unbounded = section(out, "the peer never answers, cleanup without a deadline")
    assert "cleanup: the peer acknowledged the goodbye" in answers
    assert "cleanup: no answer in 0.2 s, closed without one" in bounded
    for part in (answers, bounded):
        assert "still running" not in part and "ended cancelled: True" in part
    # The bounded cleanup ends within its own deadline's order of size, not the 1 s wait.
    took = float(re.search(r"ended cancelled: True, ([\d.]+) s", bounded)[1])
    assert 0.2 <= took < 0.9, bounded
    assert "1 s after cancel(): still running, stuck in its finally" in unbounded
    assert "a second cancel() cut the cleanup short" in unbounded
    assert "ended cancelled: True" in unbounded


# --- the chapter's exercises: each solution shows what its exercise says to check ----------


def test_solution_semaphore_bounds_the_crawl(snippet_output: Output) -> None:
    out = snippet_output("snippets/asyncio/91_solution_semaphore_crawler.py")
    assert "fetched 20 pages, at most 5 at once (limit 5)" in out, out


def test_solution_times_out_only_the_slow_fetch(snippet_run) -> None:
    run = snippet_run("snippets/asyncio/92_solution_timeout_one_fetch.py")
    assert run.failure() is None, run.describe_failure()
    assert run.output.split("\n")[:3] == [
        "fast: done",
        "medium: done",
        "stuck: timed out after 0.3 s",
    ], run.output
    assert run.seconds < 5, "the slow fetch's 10 s wait must have been given up"
