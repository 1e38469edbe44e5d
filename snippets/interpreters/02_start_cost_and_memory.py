"""What an interpreter costs to start and to keep, next to a thread and a process.

A thread shares everything with its interpreter and costs little. A process
starts a whole new Python, imports its modules and has memory of its own. A
subinterpreter is in between: it lives in this process, but it initialises its
own modules, builtins and ``sys``, so it costs more than a thread and, without
starting an operating-system process, less than a process.

Start cost: each is created, given nothing to do, and stopped
(``create()``/``close()``, ``Thread.start()``/``join()``, and
``Process.start()``/``join()`` with the spawn start method). Memory: how much
this process's resident memory (RSS) grows per interpreter or per thread kept
alive, and the resident memory of one waiting child process. Memory is read
from ``/proc``, so that part runs on Linux only. Before 3.14 the program says
``concurrent.interpreters`` is missing.
"""

import multiprocessing
import platform
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

REPEATS = 5
KEPT = 8  # interpreters or threads alive at once for the memory figure
TIMEOUT = 30  # seconds for any join or wait
MIB = 1024 * 1024


def rss(pid: int | str = "self") -> int | None:
    """Resident bytes of a process, from /proc (None where there is no /proc)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return None


def nothing() -> None:
    """What the thread and the process run."""


def wait_for(event) -> None:
    event.wait(TIMEOUT)


# --8<-- [start:start]
def start_costs(interpreters, spawn) -> dict[str, measure.Timing]:
    def interpreter() -> None:
        interpreters.create().close()

    def thread() -> None:
        worker = threading.Thread(target=nothing)
        worker.start()
        worker.join(TIMEOUT)

    def process() -> None:
        child = spawn.Process(target=nothing)
        child.start()
        child.join(TIMEOUT)
        assert child.exitcode == 0

    return measure.compare(
        {"interpreter": interpreter, "thread": thread, "process (spawn)": process},
        repeats=REPEATS,
    )


# --8<-- [end:start]


def memory_each(interpreters, spawn) -> dict[str, float | None]:
    # --8<-- [start:memory]
    before = rss()
    if before is None:
        return {"interpreter": None, "thread": None, "process (spawn)": None}
    kept = [interpreters.create() for _ in range(KEPT)]
    per_interpreter = (rss() - before) / KEPT
    for interp in kept:
        interp.close()
    # --8<-- [end:memory]

    release = threading.Event()
    threads = [threading.Thread(target=wait_for, args=(release,)) for _ in range(KEPT)]
    before = rss()
    for worker in threads:
        worker.start()
    per_thread = (rss() - before) / KEPT
    release.set()
    for worker in threads:
        worker.join(TIMEOUT)

    release = spawn.Event()
    ready = spawn.Event()
    child = spawn.Process(target=child_waits, args=(ready, release))
    child.start()
    assert ready.wait(TIMEOUT), "the child did not start in time"
    per_process = rss(child.pid)
    release.set()
    child.join(TIMEOUT)
    return {
        "interpreter": per_interpreter,
        "thread": per_thread,
        "process (spawn)": per_process,
    }


def child_waits(ready, release) -> None:
    ready.set()
    release.wait(TIMEOUT)


def main() -> None:
    try:
        from concurrent import interpreters
    except ImportError:  # before 3.14: no such module in the concurrent package
        print(
            f"This build runs Python {platform.python_version()}: there is no "
            "concurrent.interpreters (added in 3.14), so nothing was measured."
        )
        return
    spawn = multiprocessing.get_context("spawn")
    timings = start_costs(interpreters, spawn)
    memory = memory_each(interpreters, spawn)
    rows, values = [], {}
    for name, timing in timings.items():
        kept = memory[name]
        short = name.split()[0]  # interpreter, thread, process
        values[f"start_{short}"] = timing
        if kept is not None:
            values[f"memory_{short}"] = kept / MIB
        rows.append(
            [
                name,
                f"{timing.median * 1000:.2f} ({timing.low * 1000:.2f}–"
                f"{timing.high * 1000:.2f})",
                "not measured (no /proc)" if kept is None else f"{kept / MIB:.1f}",
            ]
        )
    measure.report(
        measure.table(
            ["What", "Start + stop (ms)", "Memory each (MiB)"],
            rows,
            caption=f"Memory: growth of this process's RSS per interpreter or thread, "
            f"{KEPT} kept alive at once; for a process, the RSS of one waiting child "
            "(it counts pages shared with other processes too).",
        ),
        repeats=REPEATS,
        statistic="median (min–max) milliseconds, runs interleaved",
        start_method="spawn (process row only)",
        values=values,
    )


if __name__ == "__main__":
    main()
