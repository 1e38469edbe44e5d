"""The Threads chapter's claims, checked against its snippets' real output."""

from __future__ import annotations

import re
import sys

import pytest
from helpers import ROOT, Output, table


def pid_of(line: str) -> int:
    return int(re.search(r"\bpid=(\d+)", line)[1])


def tid_of(line: str) -> int:
    return int(re.search(r"native thread id=(\d+)", line)[1])


def test_threads_share_the_process_and_its_memory(snippet_output: Output) -> None:
    out = snippet_output("snippets/threads/01_threads_share_memory.py")
    lines = {m[1]: m[0] for m in re.finditer(r"^(.+?)\s+pid=.*$", out, re.M)}
    main, t1, t2 = (lines[k] for k in ("main thread", "thread 1", "thread 2"))
    assert pid_of(t1) == pid_of(t2) == pid_of(main)
    assert len({tid_of(main), tid_of(t1), tid_of(t2)}) == 3
    assert "threads in the process=3" in t1 and "threads in the process=3" in t2
    main_list = re.search(r"the main thread's list: (\[.*\])", out)[1]
    assert all(name in main_list for name in ("main thread", "thread 1", "thread 2"))


def test_the_crawl_runs_both_ways(snippet_output: Output) -> None:
    out = snippet_output("snippets/threads/02_crawl_sequential_vs_threads.py")
    # How long each crawl took is the page's claim; here: both crawls ran and say so.
    assert re.search(r"One after another: [\d.]+ s", out), out
    assert re.search(r"One thread per page: [\d.]+ s", out), out


def test_executor_keeps_order_and_reraises(snippet_output: Output) -> None:
    out = snippet_output("snippets/threads/03_thread_pool_executor.py")
    assert "alpha: ok, bravo: ok, charlie: ok, delta: ok, foxtrot: ok" in out
    assert "echo failed: ConnectionError('echo: connection reset')" in out


def test_join_timeout_and_daemon_threads(snippet_output: Output) -> None:
    out = snippet_output("snippets/threads/04_join_and_daemon.py")
    assert "is the slow job alive? True" in out
    assert out.index("main() returns now") < out.index("slow job: finished")
    assert "daemon: started" in out and "cleaning up" not in out


def test_queue_hands_over_every_item_and_stops(snippet_output: Output) -> None:
    out = snippet_output("snippets/threads/05_producer_consumer_queue.py")
    assert "every item handled exactly once: True" in out
    assert "threads still running besides main: 0" in out


def test_queue_shutdown_matches_the_interpreter(snippet_output: Output) -> None:
    out = snippet_output("snippets/threads/06_queue_shutdown.py")
    if sys.version_info >= (3, 13):
        assert "put() after shutdown() raised queue.ShutDown" in out
        assert "drained [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]" in out
    else:
        assert "has no shutdown() (added in 3.13)" in out


def check_sharing_one_iterator(out: str, version: tuple[int, int]) -> None:
    """What the page says 08 shows, for the interpreter that ran it (``version``)."""
    rows = table(out, "workers that finished").by_label()
    bare = rows.pop("the generator itself")
    # Workers that asked while another was inside the generator died with ValueError;
    # no job was lost or done twice, and at least one worker lived to finish them.
    assert bare[:2] == ["12", "yes"], bare
    finished = int(re.fullmatch(r"(\d+) of 4", bare[2])[1])
    assert 1 <= finished < 4 and bare[3] == "ValueError: generator already executing", bare
    locked = ["`LockedIterator(jobs(...))`, by hand"]
    tools = [
        "`threading.serialize_iterator(jobs(...))`",
        "`threading.synchronized_iterator(jobs)(...)`",
    ]
    if version < (3, 15):
        assert list(rows) == locked, rows
        assert "`concurrent_tee` need Python 3.15; this is 3.1" in out
        assert "concurrent_tee(source, n=2)`, for two" not in out
    else:
        assert list(rows) == locked + tools, rows
    for how in rows:  # with a lock around next(): every job once, every worker done
        assert rows[how] == ["12", "yes", "4 of 4", "nothing"], (how, rows[how])
    if version >= (3, 15):
        for name in ("saver", "checker"):
            assert f"- '{name}' saw 12 readings, every one in order: True" in out
        assert "- the source generator made 12 readings for both" in out
        split = re.search(r"they split it, `\{'saver': (\d+), 'checker': (\d+)\}`", out)
        assert int(split[1]) + int(split[2]) == 12 and min(map(int, split.groups())) > 0


def test_a_shared_generator_needs_a_lock_around_next(snippet_output: Output) -> None:
    out = snippet_output("snippets/threads/08_sharing_one_iterator.py")
    check_sharing_one_iterator(out, sys.version_info[:2])


@pytest.mark.parametrize("path", ["snippets/home/01_about_this_build.py"])
def test_home_page_names_the_interpreter(snippet_output: Output, path: str) -> None:
    out = snippet_output(path)
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in out
    assert "Default start method" in out


def test_a_lock_prevents_the_lost_updates(snippet_output: Output) -> None:
    out = snippet_output("snippets/threads/07_lock_fixes_lost_updates.py")
    found = dict(re.findall(r"^(\w+)\s+expected [\d,]+, got [\d,]+, lost ([\d,]+)$", out, re.M))
    assert set(found) == {"without_lock", "with_lock"}, out
    assert int(found["without_lock"].replace(",", "")) > 0, out
    assert found["with_lock"] == "0", out


# --- the chapter's exercises: each solution shows what its exercise says to check ----------


def test_solution_loses_no_update_without_a_lock(snippet_output: Output) -> None:
    out = snippet_output("snippets/threads/91_solution_no_shared_counter.py")
    assert re.search(r"expected 1,200,000, got 1,200,000, lost 0$", out, re.M), out
    assert (
        "Lock"
        not in (ROOT / "snippets/threads/91_solution_no_shared_counter.py")
        .read_text(encoding="utf-8")
        .split('"""', 2)[2]
    ), "the solution must not use a Lock"


def test_solution_finds_the_deadlock_and_removes_it(snippet_output: Output) -> None:
    out = snippet_output("snippets/threads/92_solution_find_the_deadlock.py")
    dump = out.split("where each thread waits:", 1)[1].split("with one lock order:")[0]
    # One stack per stuck thread, each stopped inside its own function (the wait for
    # the second lock), and the main thread's own stack.
    assert re.search(r"line \d+ in transfer$", dump, re.M)
    assert re.search(r"line \d+ in report$", dump, re.M)
    assert "with one lock order: finished" in out
