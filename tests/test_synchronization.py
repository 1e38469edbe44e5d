"""The Synchronization primitives page's claims, checked against its snippets' real output."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import pytest
from helpers import DOCS, ROOT, Output

# The chapter's three pages, in reading order.
PAGES = [
    DOCS / "synchronization.md",
    DOCS / "synchronization-signals.md",
    DOCS / "synchronization-threads.md",
]


def test_lock_deadlocks_on_reentry_and_rlock_does_not(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/01_rlock_reentry.py")
    assert "Lock: the second acquire timed out" in out
    assert re.search(r"^Lock: .*balance = 0$", out, re.M)
    assert "RLock: the second acquire succeeded; balance = 20" in out
    # Both locks were released on every path: the page says they are free afterwards.
    assert "Lock: free again afterwards? True" in out
    assert "RLock: free again afterwards? True" in out


def test_condition_buffer_and_the_lost_wakeup(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/02_condition_bounded_buffer.py")
    assert "all 12 items arrived in order: True" in out
    peak, capacity = map(int, re.search(r"held at once: (\d+) \(capacity (\d+)\)", out).groups())
    assert 1 <= peak <= capacity  # the bound held
    bare = re.search(r"wait\(\) without a predicate\s+returned (\w+) after ([\d.]+) s", out)
    pred = re.search(r"wait_for\(predicate\)\s+returned (\w+) after ([\d.]+) s", out)
    assert bare[1] == "False" and pred[1] == "True"  # how long each took: the page's claims


def test_events_start_and_stop_every_worker(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/03_event_start_stop.py")
    lines = out.splitlines()
    set_at = next(i for i, line in enumerate(lines) if "main: stop.set()" in line)
    started = [i for i, line in enumerate(lines) if line.endswith(": started")]
    stopped = [i for i, line in enumerate(lines) if "stopped after" in line]
    waiting = next(i for i, line in enumerate(lines) if "waiting for the start signal: 3" in line)
    assert len(started) == 3 and min(started) > waiting  # nobody started before the signal
    assert len(stopped) == 3 and min(stopped) > set_at
    assert "workers still running: 0" in out


def test_semaphore_caps_concurrency_and_bounded_catches_extra_release(
    snippet_output: Output,
) -> None:
    out = snippet_output("snippets/synchronization/04_semaphore_limits.py")
    unlimited = int(re.search(r"no semaphore:\s+at most (\d+)", out)[1])
    limit, limited = map(int, re.search(r"Semaphore\((\d+)\):\s+at most (\d+)", out).groups())
    assert limited <= limit < unlimited
    extra = re.search(r"Semaphore\((\d+)\) after one extra release\(\): (\d+) acquires", out)
    assert int(extra[2]) == int(extra[1]) + 1  # the plain one let one more in
    assert "BoundedSemaphore(3), extra release(): ValueError" in out


def test_barrier_keeps_phases_apart_and_breaks_on_timeout(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/05_barrier_phases.py")
    order = [int(n) for n in re.search(r"^\s+\[([\d, ]+)\]$", out, re.M)[1].split(",")]
    assert order == sorted(order) == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert "'phase 3 complete'" in out
    assert out.count(": BrokenBarrierError") == 2 and "barrier.broken = True" in out


def test_context_flows_into_tasks_and_into_threads_only_when_asked(
    snippet_output: Output,
) -> None:
    out = snippet_output("snippets/synchronization/06_thread_local_and_contextvars.py")
    assert re.search(r"threading.local in a new thread:\s+\(no attribute\)", out)
    inherits = bool(getattr(sys.flags, "thread_inherit_context", 0))  # 3.14t: on by default
    expected = "req-42" if inherits else "(unset)"
    assert re.search(rf"ContextVar in a new thread:\s+{re.escape(expected)}$", out, re.M)
    assert re.search(r"copy_context\(\)\.run:\s+req-42", out)
    assert "ContextVar in asyncio tasks:           ['req-42', 'req-42']" in out
    assert re.search(r"after a change inside the copy, main:\s+req-42", out)
    if sys.version_info >= (3, 14):
        assert f"thread_inherit_context = {int(inherits)}" in out
        assert re.search(r"Thread\(context=copy_context\(\)\) sees:\s+req-42", out)
    else:
        assert "has no sys.flags.thread_inherit_context (added in 3.14)" in out


def test_thread_exception_is_printed_not_raised_then_collected(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/07_thread_excepthook.py")
    default = out.index("Exception in thread worker-1")
    assert "RuntimeError: disk full" in out[default:]
    assert out.index("the main thread is still running") > default
    assert "collected from worker-2: RuntimeError('disk full')" in out
    assert "collected from worker-3: RuntimeError('disk full')" in out
    assert "threads that failed: 2" in out
    assert out.count("Exception in thread") == 1  # the custom hook printed no traceback


def test_ctrl_c_reaches_the_main_thread_and_everything_stops(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/08_ctrl_c_and_threads.py")
    if sys.platform == "win32":
        assert "Not available on Windows" in out
        return
    # A plain join() and a plain result() are interrupted; how soon ("at once") is the
    # page's claim.
    for wait in ("in MainThread, in join()", "in Future.result()"):
        assert re.search(rf"KeyboardInterrupt {re.escape(wait)}, ([\d.]+) s after SIGINT", out)
    assert out.count("saw the stop signal") == 2
    assert "reached its time limit" not in out
    assert "workers still alive: 0" in out
    ran, cancelled, total = map(
        int, re.search(r"(\d+) tasks ran, (\d+) of (\d+) were cancelled", out).groups()
    )
    assert ran + cancelled == total and cancelled > 0 and ran >= 1
    assert "the daemon heartbeat is still alive: True; Python exits" in out


POOL = "snippets/synchronization/09_pool_that_stops_on_ctrl_c.py"
STOPPED = re.compile(r"\b(\d+) finished, (\d+) stopped early, (\d+) cancelled$", re.M)


def test_the_pool_left_alone_runs_every_task(snippet_output: Output) -> None:
    out = snippet_output(POOL)
    assert "all 24 tasks finished" in out and "Ctrl-C" not in out
    assert len(re.findall(r"^task \d+: \d+$", out, re.M)) == 24


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT, which Windows cannot")
def test_the_pool_stops_cleanly_when_sent_sigint() -> None:
    """The copy-ready program, sent SIGINT as Ctrl-C sends it, once it is at work.

    A test run started with ``&`` from a script has SIGINT ignored, and a child
    inherits an ignored signal; a handled one is reset to its default by exec. So the
    test handles SIGINT while it starts the child, as the snippet runner does."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        child = subprocess.Popen(
            [sys.executable, str(ROOT / POOL)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        first = child.stdout.readline()  # the first result: the pool is at work
        child.send_signal(signal.SIGINT)
        rest, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
    assert re.fullmatch(r"task \d+: \d+\n", first), first
    assert child.returncode == 130, rest
    assert "Ctrl-C: stopping the running tasks, cancelling the queued ones" in rest
    assert "Traceback" not in rest and "all 24 tasks finished" not in rest
    finished, stopped, cancelled = map(int, STOPPED.search(rest).groups())
    assert finished + stopped + cancelled == 24 and cancelled > 0 and finished >= 1, rest


def test_pressing_ctrl_c_on_the_pool_stops_it(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/10_press_ctrl_c_on_the_pool.py")
    if sys.platform == "win32":
        assert "Not available on Windows" in out
        return
    assert "now Ctrl-C (SIGINT)" in out
    assert "Ctrl-C: stopping the running tasks, cancelling the queued ones" in out
    finished, stopped, cancelled = map(int, STOPPED.search(out).groups())
    assert finished + stopped + cancelled == 24 and cancelled > 0
    assert re.search(r"the child exited with status 130, [\d.]+ s after Ctrl-C", out), out


def test_pages_show_every_example_and_give_the_queue_guide() -> None:
    texts = [page.read_text(encoding="utf-8") for page in PAGES]
    # Each example on exactly one page, in the order of the files.
    where = [
        [i for i, text in enumerate(texts) if f"snippets/synchronization/{n:02d}_" in text]
        for n in range(1, 11)
    ]
    assert all(len(pages) == 1 for pages in where), where
    assert [pages[0] for pages in where] == sorted(pages[0] for pages in where)
    assert "## A queue, or a primitive?" in texts[1]


# --- the chapter's exercises: each solution shows what its exercise says to check ----------


def test_solution_deposits_twice_under_a_plain_lock(snippet_output: Output) -> None:
    path = "snippets/synchronization/91_solution_lock_without_reentry.py"
    out = snippet_output(path)
    assert re.search(r"^Lock: .*balance = 20$", out, re.M), out
    assert "Lock: free again afterwards? True" in out
    code = (ROOT / path).read_text(encoding="utf-8").split('"""', 2)[2]
    assert "RLock" not in code, "the solution must not use an RLock"


def test_solution_close_loses_a_wakeup_with_notify_only(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/92_solution_close_wakes_every_consumer.py")
    assert re.search(r"timeout ([\d.]+) s", out), out

    def stopped_after(how: str) -> list[float]:
        line = re.search(rf"with {re.escape(how)}:\s+the consumers stopped after (.+)$", out, re.M)
        return sorted(float(s) for s in re.findall(r"([\d.]+) s", line[1]))

    # Both consumers stopped each time; how soon is the page's claim.
    assert len(stopped_after("notify()")) == len(stopped_after("notify_all()")) == 2, out


def test_solution_limits_each_host_inside_a_pool(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/93_solution_semaphore_per_host.py")
    done, total = map(int, re.search(r"^(\d+) of (\d+) downloads done", out, re.M).groups())
    assert done == total == 16, out
    peaks = [
        (int(most), int(limit))
        for most, limit in re.findall(r"\.example: at most (\d+) at once \(limit (\d+)\)", out)
    ]
    assert len(peaks) == 2 and all(1 <= most <= limit for most, limit in peaks), out
    together = int(re.search(r"both hosts together: at most (\d+) at once", out)[1])
    assert together > peaks[0][1], out  # the pool worked on both hosts at the same time


def test_solution_late_party_breaks_the_barrier_for_all(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/94_solution_barrier_late_party.py")
    found = re.findall(
        r"^\s+worker (\d): finished phases \[1, 2\], then BrokenBarrierError in phase 2 "
        r"after waiting ([\d.]+) s$",
        out,
        re.M,
    )
    waited = {int(worker): float(seconds) for worker, seconds in found}
    assert sorted(waited) == [0, 1, 2], out  # everyone stopped in phase 2
    assert "phases [1, 2, 3]" not in out and "barrier.broken = True" in out
    # How long each waited, the late one hardly at all, is the page's claim.


def test_solution_every_pool_task_sees_its_request_id(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/95_solution_request_id_in_a_pool.py")
    plain, copied = out.split("submit(copy_context().run, handle, n):")
    assert re.findall(r"task (\d) sees req-(\d)", copied) == [(n, n) for n in "0123"], out
    if not getattr(sys.flags, "thread_inherit_context", 0):
        # Threads start in an empty context: a plain submit sees only the default.
        assert plain.count("sees (unset)") == 4, out


def test_solution_one_failure_stops_every_thread(snippet_output: Output) -> None:
    out = snippet_output("snippets/synchronization/96_solution_first_failure_stops_all.py")
    assert "worker-1: failed: RuntimeError('disk full')" in out
    stopped = re.findall(
        r"^(worker-\d): stopped by the signal after (\d+) of (\d+) steps$", out, re.M
    )
    assert [name for name, _, _ in stopped] == ["worker-2", "worker-3"], out
    assert all(int(steps) < int(of) for _, steps, of in stopped), out
    # That they ended long before their work's end is the page's claim.
    assert re.search(r"ended after ([\d.]+) s \(.* not stopped: ([\d.]+) s\)", out), out
