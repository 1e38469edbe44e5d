"""The Pitfalls page's claims, checked against its snippets' real output."""

from __future__ import annotations

import re
import sys

from helpers import Output


def test_deadlock_is_detected_then_prevented_by_ordering(snippet_output: Output) -> None:
    out = snippet_output("snippets/pitfalls/02_deadlock_lock_ordering.py")
    unordered, ordered = out.split("Each thread locks the accounts in alphabetical order:")
    assert "gave up on" in unordered and "deadlock" in unordered
    assert "gave up" not in ordered
    assert ordered.count("moved") == 2
    assert "balances: A=80, B=120 (total 200)" in ordered
    assert "(total 200)" in unordered  # a transfer gives up whole or not at all


def test_a_blocking_call_stalls_the_loop(snippet_output: Output) -> None:
    out = snippet_output("snippets/pitfalls/04_blocking_the_event_loop.py")
    block = float(re.search(r"the slow call takes ([\d.]+) s", out)[1])
    blocking, threaded = out.split("await asyncio.to_thread(slow_call):")
    late_blocking = float(re.search(r"latest heartbeat: ([\d.]+) s late", blocking)[1])
    late_threaded = float(re.search(r"latest heartbeat: ([\d.]+) s late", threaded)[1])
    assert late_blocking > 0.5 * block
    assert late_threaded < 0.5 * block
    # Debug mode names the slow task only where the loop was blocked.
    assert re.search(r"Executing <Task .*coro=<scenario\(\) .*> took [\d.]+ seconds", blocking)
    assert "took" not in threaded


def test_forked_child_inherits_a_held_lock(snippet_output: Output) -> None:
    out = snippet_output("snippets/pitfalls/05_fork_with_threads.py")
    sections = dict(
        re.findall(r"^(\w+), while another thread holds the lock:\n(.*\n.*)", out, re.M)
    )
    assert "could not acquire the lock" in sections["fork"]
    for method in ("forkserver", "spawn"):
        assert "child acquired the lock" in sections[method]
        assert "warnings at start(): none" in sections[method]
    if sys.version_info >= (3, 12):
        assert "DeprecationWarning" in sections["fork"] and "multi-threaded" in sections["fork"]
        assert "warned when it forked a process with threads." in out
    else:
        assert "warnings at start(): none" in sections["fork"]
        assert "did not warn when it forked a process with threads" in out
