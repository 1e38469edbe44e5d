"""The Synchronization primitives page's claims, checked against its snippets' real output."""

from __future__ import annotations

import re
import sys

from helpers import DOCS, Output

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
    assert bare[1] == "False" and pred[1] == "True"
    # The bare wait() slept out its whole timeout; wait_for returned long before it.
    assert float(bare[2]) >= 0.9 and float(pred[2]) < float(bare[2]) / 2


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
    assert "KeyboardInterrupt raised in MainThread" in out
    assert out.count("saw the stop signal") == 2
    assert "workers still alive: 0" in out
    ran, cancelled, total = map(
        int, re.search(r"(\d+) tasks ran, (\d+) of (\d+) were cancelled", out).groups()
    )
    assert ran + cancelled == total and cancelled > 0 and ran >= 1
    assert "the daemon heartbeat is still alive: True; Python exits" in out


def test_pages_show_every_example_and_give_the_queue_guide() -> None:
    texts = [page.read_text(encoding="utf-8") for page in PAGES]
    # Each example on exactly one page, in the order of the files.
    where = [
        [i for i, text in enumerate(texts) if f"snippets/synchronization/0{n}_" in text]
        for n in range(1, 9)
    ]
    assert all(len(pages) == 1 for pages in where), where
    assert [pages[0] for pages in where] == sorted(pages[0] for pages in where)
    assert "## A queue, or a primitive?" in texts[1]
