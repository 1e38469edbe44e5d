"""The Pitfalls page's claims, checked against its snippets' real output."""

from __future__ import annotations

import multiprocessing
import re

from helpers import Output


def test_deadlock_is_detected_then_prevented_by_ordering(snippet_output: Output) -> None:
    out = snippet_output("snippets/pitfalls/02_deadlock_lock_ordering.py")
    unordered, ordered = out.split("Each thread locks the accounts in alphabetical order:")
    assert "gave up on" in unordered and "deadlock" in unordered
    assert "gave up" not in ordered
    assert ordered.count("moved") == 2
    assert "balances: A=80, B=120 (total 200)" in ordered
    assert "(total 200)" in unordered  # a transfer gives up whole or not at all


def test_forked_child_inherits_a_held_lock(snippet_output: Output) -> None:
    out = snippet_output("snippets/pitfalls/05_fork_with_threads.py")
    outcomes = dict(re.findall(r"^(\w+), while another thread holds the lock: (.*)$", out, re.M))
    available = set(multiprocessing.get_all_start_methods())
    assert set(outcomes) == available & {"fork", "forkserver", "spawn"}, out
    if "fork" in outcomes:
        assert "could not acquire the lock" in outcomes["fork"]
    for method in {"forkserver", "spawn"} & available:
        assert outcomes[method] == "child acquired the lock"
    # The 3.12+ DeprecationWarning is the Processes chapter's to show, not repeated here.
    assert "Warning" not in out
