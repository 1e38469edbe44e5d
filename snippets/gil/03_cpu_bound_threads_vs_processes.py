"""CPU-bound pure Python: one thread, several threads, several processes.

The same work (a pure-Python loop, split into equal parts) runs one part after
another in one thread, then in a pool of threads, then in a pool of processes,
one worker per usable CPU (at least two). With the GIL, the threads take turns
and gain nothing; each process has its own interpreter and its own GIL, so the
processes run in parallel once they have started. How many CPUs the threads kept
busy shows the difference directly, whatever else the machine is doing.

The process pool uses the "spawn" start method, chosen explicitly: it behaves the
same on every operating system. Starting the workers is timed separately (the
first call); after it, the three ways take turns in every repeat.

``--json`` runs only the sequential and thread parts and prints one JSON line:
the free-threading and cross-interpreter examples run this file that way, and
turn each line into a table row with ``json_row`` (the format's one reader).
"""

import contextlib
import json
import multiprocessing
import platform
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

TOTAL = 3_000_000  # loop iterations in all, split evenly between the workers
REPEATS = 5
START_METHOD = "spawn"


# --8<-- [start:work]
def crunch(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


# --8<-- [end:work]


def parts(workers: int) -> list[int]:
    return [TOTAL // workers] * workers


def cpus_busy(run: Callable[[], object]) -> float:
    """This process's CPU time during one ``run()``, per second of wall time.

    One thread at a time keeps at most one CPU busy; threads that run in parallel
    keep more. Unlike a speed-up, this does not depend on how much of the machine
    other programs are using. CPU time spent in child processes is not counted.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


@dataclass
class Result:
    timings: list[measure.Timing]  # one thread, thread pool[, process pool]
    busy: list[float]  # CPUs busy: one thread, thread pool
    first: float  # seconds of the process pool's first call, which starts it


# --8<-- [start:benchmark]
def benchmark(workers: int, *, processes: bool) -> Result:
    work = parts(workers)
    with contextlib.ExitStack() as stack:
        thread_pool = stack.enter_context(ThreadPoolExecutor(workers))
        runs = {
            "one thread": lambda: [crunch(n) for n in work],
            "thread pool": lambda: list(thread_pool.map(crunch, work)),
        }
        first = 0.0
        if processes:
            context = multiprocessing.get_context(START_METHOD)
            pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context))
            start = time.perf_counter()
            list(pool.map(crunch, work))
            first = time.perf_counter() - start
            runs["process pool"] = lambda: list(pool.map(crunch, work))
        timings = measure.compare(runs, repeats=REPEATS)
        busy = [cpus_busy(runs["one thread"]), cpus_busy(runs["thread pool"])]
        return Result(list(timings.values()), busy, first)


# --8<-- [end:benchmark]


def as_json(workers: int) -> str:
    result = benchmark(workers, processes=False)
    sequential, threads = result.timings
    return json.dumps(
        {
            "version": platform.python_version(),
            "build": measure.python_build(),
            "gil_enabled": measure.gil_enabled(),
            "cpus": measure.usable_cpus(),
            "workers": workers,
            "repeats": REPEATS,
            "sequential": sequential.samples,
            "threads": threads.samples,
            "threads_cpus_busy": result.busy[1],
        }
    )


JSON_HEADERS = ["Build", "Threads", "One thread (s)", "Threads (s)", "Speed-up",
                "CPUs busy (threads)"]  # fmt: skip


def json_timings(result: dict) -> tuple[measure.Timing, measure.Timing]:
    """One thread's and the thread pool's timings from a ``--json`` result."""
    one = measure.Timing(tuple(result["sequential"]))
    return one, measure.Timing(tuple(result["threads"]))


def json_speedup(result: dict) -> float:
    """The thread pool's speed-up over one thread in a ``--json`` result."""
    return measure.speedup(*json_timings(result)).median


def json_row(result: dict) -> list[object]:
    """The cells under ``JSON_HEADERS`` for one ``--json`` result."""
    one, threads = json_timings(result)
    speedup, busy = json_speedup(result), result["threads_cpus_busy"]
    return [result["build"], result["workers"], one.cell(), threads.cell(),
            f"{speedup:.2f}x", f"{busy:.2f}"]  # fmt: skip


def main() -> None:
    workers = max(2, measure.usable_cpus())
    if "--json" in sys.argv[1:]:
        print(as_json(workers))
        return
    others = measure.watch_other_programs()  # threads in parallel need free CPUs
    result = benchmark(workers, processes=True)
    taken = others()
    sequential, threads, processes = result.timings
    one_busy, threads_busy = result.busy

    def speedup(timing: measure.Timing) -> str:
        return f"{measure.speedup(sequential, timing).median:.2f}x"

    first = measure.Timing((result.first,))
    one, pool = f"{one_busy:.2f}", f"{threads_busy:.2f}"  # CPUs busy
    first_call = "process pool, first call (starts the workers)"
    rows = [
        ["one thread, parts one after another", 1, sequential.cell(), "1.00x", one],
        ["thread pool", workers, threads.cell(), speedup(threads), pool],
        ["process pool", workers, processes.cell(), speedup(processes), "—"],
        [first_call, workers, first.cell(), speedup(first), "—"],
    ]
    headers = ["Run", "Workers", "Seconds", "Speed-up vs one thread", "CPUs busy"]
    measure.report(
        f"Work: {TOTAL:,} loop iterations in {workers} equal parts.\n\n"
        + measure.table(headers, rows),
        repeats=REPEATS,
        statistic="times as median (min–max); speed-ups per round, as their median",
        start_method=START_METHOD,
        others=taken,
        values={
            "speedup_threads": measure.speedup(sequential, threads),
            "speedup_processes": measure.speedup(sequential, processes),
        },
    )
    print(
        "\nCPUs busy: this process's CPU time divided by the wall time, during one "
        "more run. The process pool's work is done in other processes, so it has "
        "no entry."
    )
    print(
        f"\nOn this build, {workers} threads kept {threads_busy:.2f} CPUs busy and "
        f"did the work at {measure.speedup(sequential, threads).median:.2f} times the "
        f"speed of one thread; {workers} processes did it at "
        f"{measure.speedup(sequential, processes).median:.2f} times (not counting the "
        f"{result.first:.2f} s first call that started them)."
    )


if __name__ == "__main__":
    main()
