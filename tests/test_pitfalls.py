"""The Pitfalls page's claims, checked against its snippets' real output."""

from __future__ import annotations

import ast
import re
import sys

from helpers import Output, number, table

IPC = "snippets/pitfalls/03_ipc_overhead_chunksize.py"


def lost(out: str, variant: str) -> list[int]:
    line = next(line for line in out.splitlines() if line.startswith(variant + " "))
    return ast.literal_eval(line.split("lost updates per trial:")[1].strip())


def test_race_loses_updates_and_a_lock_fixes_it(snippet_output: Output) -> None:
    out = snippet_output("snippets/pitfalls/01_race_condition.py")
    assert sum(lost(out, "counter = plus_one(counter)")) > 0
    assert lost(out, "with lock: counter = plus_one(counter)") == [0, 0, 0]
    if "GIL off" in out:
        assert sum(lost(out, "counter += 1")) > 0


def test_deadlock_is_detected_then_prevented_by_ordering(snippet_output: Output) -> None:
    out = snippet_output("snippets/pitfalls/02_deadlock_lock_ordering.py")
    unordered, ordered = out.split("Each thread locks the accounts in alphabetical order:")
    assert "gave up on" in unordered and "deadlock" in unordered
    assert "gave up" not in ordered
    assert ordered.count("moved") == 2
    assert "balances: A=80, B=120 (total 200)" in ordered
    assert "(total 200)" in unordered  # a transfer gives up whole or not at all


def chunk_rows(out: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(tiny|bigger, sequential|one|chunks) -> (seconds, speed-up)."""
    rows = {}
    for task, how, seconds, _, speedup in table(out, "Speed-up").rows:
        mode = (
            "sequential"
            if how.startswith("sequential")
            else "one"
            if "(its default)" in how
            else "chunks"
        )
        rows[task.split()[0], mode] = (number(seconds), number(speedup))
    assert len(rows) == 6
    return rows


def test_small_tasks_drown_in_messages(snippet_output: Output) -> None:
    rows = chunk_rows(snippet_output(IPC))
    # One message per tiny task: far slower than a loop; chunks remove most of that.
    assert rows["tiny", "one"][1] < 0.2
    assert rows["tiny", "chunks"][0] < rows["tiny", "one"][0] / 5
    assert rows["bigger", "chunks"][0] < rows["bigger", "one"][0]


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


def test_missing_guard_breaks_spawn_and_forkserver(snippet_output: Output) -> None:
    out = snippet_output("snippets/pitfalls/06_missing_main_guard.py")
    rows = table(out, "Start method").by_label()
    assert rows["fork"] == ["printed [0, 1, 4, 9, 16]"] * 2
    # From 3.13.8 and 3.14.1 the fork server imports the script itself (gh-126631):
    # the server dies, not a worker, and the parent cannot start one.
    server_imports = sys.version_info >= (3, 14, 1) or (3, 13, 8) <= sys.version_info < (3, 14)
    for method in ("spawn", "forkserver"):
        without, with_guard = rows[method]
        if method == "forkserver" and server_imports:
            assert "EOFError" in without and "BrokenProcessPool" not in without
        else:
            assert "RuntimeError" in without and "BrokenProcessPool" in without
        assert with_guard == "printed [0, 1, 4, 9, 16]"
    assert "finished its bootstrapping phase" in out
    assert "if __name__ == '__main__':" in out
