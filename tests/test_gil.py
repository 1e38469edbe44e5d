"""The GIL chapter's claims, checked against its snippets' real output.

Timings come from a shared, noisy machine, so these tests assert directions and
ratios with wide margins, and only for effects that are large wherever the GIL is
on (or off). Which of the two applies is read from each snippet's own output.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from collections.abc import Callable

Output = Callable[[str], str]
GIL = "snippets/gil"
INTERPRETERS = [
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
    "python3.13t",
    "python3.14t",
]


def table(out: str) -> dict[str, list[str]]:
    """The rows of every Markdown table in ``out``, keyed by their first cell."""
    rows = {}
    for line in out.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


def number(cell: str) -> float:
    """The leading number of a cell such as ``0.174 (0.170–0.189)``, ``1.05x`` or ``1,600``."""
    return float(re.match(r"[\d.,]+", cell)[0].replace(",", ""))


def gil_enabled(out: str) -> bool:
    """What measure.python_build() printed: 'with the GIL' or 'free-threaded, GIL on/off'."""
    build = re.search(r"with the GIL|free-threaded, GIL (on|off)", out)
    assert build, "the output names no build"
    return build[0] != "free-threaded, GIL off"


def usable_cpus(out: str) -> int:
    return int(re.search(r"(\d+) usable CPUs", out)[1])


def test_interpreter_state_stays_consistent(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/01_interpreter_state_stays_consistent.py")
    assert "reference count unchanged: True" in out
    expected, present = re.search(r"list items expected: ([\d,]+), present: ([\d,]+)", out).groups()
    assert expected == present


def test_wake_up_delay_follows_the_switch_interval(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/02_switch_interval_sweep.py")
    delays = {
        number(interval): number(cells[3])  # ms, median
        for interval, cells in table(out).items()
        if interval.endswith(" ms")
    }
    assert len(delays) >= 6, f"expected a row per interval, got {sorted(delays)}"
    longest, shortest = max(delays), min(delays)
    if gil_enabled(out):
        # The woken thread waits one interval before it even asks for the GIL.
        assert delays[longest] > 0.5 * longest
        assert delays[longest] > 10 * delays[shortest]
    else:
        assert delays[longest] < 0.5 * longest
    assert "![" in out and "(data:image/svg+xml;base64," in out, "the plot is not embedded"


def test_threads_keep_one_cpu_busy_with_the_gil(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/03_cpu_bound_threads_vs_processes.py")
    rows = table(out)  # the last column is "CPUs busy"
    one = number(rows["one thread, parts one after another"][-1])
    threads = number(rows["thread pool"][-1])
    # CPU time per wall-clock second does not depend on what else the machine runs
    # the way speed-ups do (the scheduler may favour a process whose threads take
    # turns), so it carries the claim: one thread busy at a time with the GIL.
    assert one < 1.3
    if gil_enabled(out):
        assert threads < 1.3, "threads ran pure Python in parallel despite the GIL"
    elif usable_cpus(out) >= 2:
        assert threads > 1.3, "threads did not run in parallel without the GIL"


def test_waiting_overlaps(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/04_what_releases_the_gil.py")
    assert number(table(out)["time.sleep(0.02)"][-1]) > 1.3, "sleeps did not overlap"


def test_a_cpu_bound_thread_slows_io_round_trips(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/05_convoy_effect.py")
    rows = table(out)
    alone = number(rows["nothing else running"][0])  # ms per round trip, median
    thread = number(rows["a CPU-bound thread in this process"][0])
    process = number(rows["a CPU-bound process instead"][0])
    if gil_enabled(out):
        # Each round trip waits about a switch interval for the GIL: around ten
        # times the time alone, with the echo process's half-millisecond answer.
        assert thread > 2 * alone
        assert thread > process
    else:
        assert thread < 10 * alone


def test_unlocked_read_modify_write_loses_updates(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/06_lost_updates_and_lock.py")
    rows = table(out)
    assert number(rows["read, call `add_one`, write"][2]) > 0
    assert number(rows["the same inside `with lock:`"][2]) == 0
    locked = number(rows["one thread, with the lock"][0])
    unlocked = number(rows["one thread, no lock"][0])
    assert locked > unlocked, "taking a lock cost nothing"


def test_free_threading_status_matches_the_interpreter(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/07_free_threading_status.py")
    rows = table(out)
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        assert number(rows["`-X gil=1`"][-1]) < 1.3  # CPUs busy with the GIL forced on
        if usable_cpus(out) >= 2:
            assert number(rows["`-X gil=0`"][-1]) > 1.3
    elif sys.version_info >= (3, 13):
        assert "which is not a free-threaded build" in out
        assert rows["`sys._is_gil_enabled()`"] == ["`True`"]
        assert "not supported by this build" in rows["child started with `-X gil=0`"][0]
    else:
        assert "which is not a free-threaded build" in out
        assert rows["`sys._is_gil_enabled()`"] == ["not available (added in 3.13)"]


def test_every_interpreter_gets_a_row_or_a_note(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/08_across_interpreters.py")
    rows = {label: cells for label, cells in table(out).items() if label != "Interpreter"}
    not_found = re.search(r"Not found on this machine: (.*)\.", out)
    for name in INTERPRETERS:
        assert (
            any(label.split()[0] == name for label in rows)
            or (not_found and name in not_found[1].split(", "))
            or f"Found {name} but could not run it" in out
            or f"{name} is the same interpreter as" in out
        ), f"{name} has neither a row nor a note"
    assert sum(label.endswith("(builds this site)") for label in rows) == 1
    for label, cells in rows.items():
        build, busy = cells[1], number(cells[-1])
        if "with the GIL" in build or "GIL on" in build:
            assert busy < 1.3, f"{label}: threads ran pure Python in parallel with the GIL"
