"""The "asyncio in practice" page's claims, checked against its snippets' real output."""

from __future__ import annotations

import re
import sys

from helpers import DOCS, ROOT, Output, number, table

SNIPPETS = "snippets/asyncio_practice"
PAGE = DOCS / "asyncio-practice.md"


def python_version(out: str) -> tuple[int, int]:
    """The ``Python X.Y.Z`` a snippet printed about itself, as ``(X, Y)``."""
    major, minor = re.search(r"Python (\d+)\.(\d+)\.\d+", out).groups()
    return int(major), int(minor)


def in_order(out: str, *events: str) -> bool:
    positions = [out.index(event) for event in events]
    return positions == sorted(positions)


def test_every_example_is_on_the_page() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for snippet in sorted((ROOT / SNIPPETS).glob("*.py")):
        assert f"{SNIPPETS}/{snippet.name}" in page, snippet.name


def test_a_bounded_queue_makes_the_producer_wait(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/01_queue_backpressure.py")
    result = table(out, "Longest queue")
    unbounded = result.row("unbounded")
    tight = result.row("maxsize=2")
    items = int(re.search(r"(\d+) items", out)[1])
    # Unbounded: everything piles up and the producer never waits.
    assert number(unbounded["Longest queue"]) == items
    for label, bound in (("maxsize=10", 10), ("maxsize=2", 2)):
        assert number(result.row(label)["Longest queue"]) <= bound
    # Who waited how long, and the totals, are claims on the page.
    assert tight["Longest queue"] == "2"


def test_consumers_end_by_shutdown_or_sentinels(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/01_queue_backpressure.py")
    ending = out[out.index("\nPython ") :]
    if python_version(ending) >= (3, 13):
        assert "queue.shutdown() ended the consumers" in ending
        assert "put after shutdown() raised QueueShutDown" in ending
    else:
        assert "has no shutdown() (added in 3.13); 2 sentinels ended" in ending
    counts = [int(n) for n in re.findall(r"stopped after (\d+) items", ending)]
    assert len(counts) == 2 and sum(counts) == 10


def test_server_serves_clients_concurrently_and_closes(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/02_line_server.py")
    result = table(out, "Connections at once")
    assert "127.0.0.1" in out
    for row in result.rows:
        cells = dict(zip(result.headers, row, strict=True))
        assert number(cells["Connections at once"]) == number(cells["Clients"])
        assert number(cells["Open after close"]) == 0
    # How long each number of clients took is a claim on the page.
    assert result.column("Clients") == ["1", "10", "100"]


def test_subprocess_pipes_read_together_and_timeout_kills(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/03_subprocesses.py")
    # Both pipes were read as the lines came, not one pipe after the other.
    assert in_order(out, "stdout: result 0", "stderr: progress 0", "stdout: result 2")
    assert in_order(out, "stderr: progress 0", "stdout: result 1", "stderr: progress 2")
    assert "lines read: stdout 3, stderr 3; exit code 3" in out
    waited = float(re.search(r"raised TimeoutError after ([\d.]+) s", out)[1])
    assert 0.4 < waited < 10
    code = int(re.search(r"killed; exit code (-?\d+)", out)[1])
    assert code == (1 if sys.platform == "win32" else -9)
    assert "child still running: False" in out
    # Nobody called wait(), yet the child was reaped: asyncio's watcher did it.
    nobody = out[out.index("3. a child that exits at once") :]
    assert "returncode, without wait(): 0" in nobody
    if sys.platform != "win32":
        assert "no such child, asyncio had already reaped it" in nobody


def test_signals_cancel_through_the_task_group(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/04_graceful_shutdown.py")
    sigint, sigterm = out.split("2. SIGTERM")
    assert in_order(
        sigint,
        "main: sending SIGINT",
        "worker 0: cleanup in finally",
        "caller: Runner.run raised KeyboardInterrupt after the cleanup",
    )
    assert "worker 1: cleanup in finally" in sigint
    assert "no signal arrived" not in sigint
    assert "On Windows, asyncio's event loops have no add_signal_handler" in sigterm
    if sys.platform == "win32":
        assert "Skipped on this Windows machine" in sigterm
        return
    assert in_order(
        sigterm,
        "main: sending SIGTERM",
        "main: SIGTERM handler set the event",
        "worker 0: cleanup in finally",
        "main: all workers finished; exiting normally",
    )
    assert sigterm.count("cleanup in finally") == 2


def test_leaving_early_needs_aclose(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/05_async_iteration.py")
    manual, rest = out.split("inside contextlib.aclosing")
    closed = "generator: connection closed (finally ran)"
    assert in_order(
        manual,
        "consumer: got page 2",
        "left the loop; generator suspended: True",
        closed,
        "after aclose(); generator suspended: False",
    )
    assert "page 3" not in manual
    assert in_order(rest, "still inside aclosing", closed, "after the async with block")


def test_as_completed_by_version(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/05_async_iteration.py")
    part = out[out.index("2. asyncio.as_completed") :]
    assert in_order(part, "fast", "medium", "slow")
    if python_version(part) >= (3, 13):
        assert "as_completed is an async iterator" in part
        assert part.count("original task? True") == 3
    else:
        assert "is not an async iterator (that arrived in 3.13)" in part
        assert part.count("original task? False") == 3


def test_policy_deprecation_by_version(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/06_loop_policy_deprecation.py")
    version = python_version(out)
    if version >= (3, 14):
        assert "get_event_loop_policy() warned:" in out and "3.16" in out
    else:
        assert "get_event_loop_policy() gave no DeprecationWarning" in out
    assert re.search(r"Runner\(loop_factory=SelectorEventLoop\) ran on: \w*Selector", out)
    if version >= (3, 12):
        assert "asyncio.run(..., loop_factory=SelectorEventLoop) ran on:" in out
    else:
        assert "asyncio.run() has no loop_factory (added in 3.12)" in out


# --- the page's exercises: each solution shows what its exercise says to check ------------


def test_solution_server_closes_a_silent_connection(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/91_solution_idle_timeout.py")
    assert "server: listening on 127.0.0.1:" in out
    assert in_order(
        out,
        "client: got HELLO",
        "server: client silent for 0.2 s, closing its connection",
        "client: end of file (b'')",
        "server: closed, with no connection left open",
    )
    # About the idle limit: not at once, and far from the client's 5 s deadline.
    waited = float(re.search(r"end of file \(b''\) after ([\d.]+) s of silence", out)[1])
    assert 0.1 <= waited < 2, out


def test_solution_terminate_lets_the_child_clean_up(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/92_solution_terminate_then_kill.py")
    assert in_order(out, "child: working", "calling terminate()")
    code = int(re.search(r"child exited with code (-?\d+)", out)[1])
    if sys.platform == "win32":
        assert "the child cannot clean up" in out and code != 0
        return
    assert in_order(out, "calling terminate()", "child: cleanup in finally", "code 0")
    assert code == 0 and "killing it" not in out
