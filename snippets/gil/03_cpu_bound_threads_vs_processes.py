"""CPU-bound pure Python: one thread, several threads, several processes.

The same work (a pure-Python loop, split into equal parts) runs one part after
another in one thread, then in a pool of threads, then in a pool of processes,
one worker per usable CPU (at least two). With the GIL, the threads take turns
and gain nothing; each process has its own interpreter and its own GIL, so the
processes run in parallel once they have started.

The process pool uses the "spawn" start method, chosen explicitly: it behaves the
same on every operating system. Starting the workers is timed separately (the
first call); after it, the three ways take turns in every repeat.

``--json`` runs only the sequential and thread parts and prints one JSON line:
the cross-interpreter example runs this file that way under each interpreter.
"""

import contextlib
import json
import multiprocessing
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

TOTAL = 3_000_000  # loop iterations in all, split evenly between the workers
REPEATS = 5
START_METHOD = "spawn"


def crunch(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def parts(workers: int) -> list[int]:
    return [TOTAL // workers] * workers


def benchmark(workers: int, *, processes: bool) -> tuple[list[measure.Timing], float]:
    """Timings of one thread, a thread pool and (optionally) a process pool.

    Also returns the seconds the process pool's first call took, which includes
    starting the worker processes (0.0 without processes).
    """
    work = parts(workers)
    with contextlib.ExitStack() as stack:
        thread_pool = stack.enter_context(ThreadPoolExecutor(workers))
        runs = [
            lambda: [crunch(n) for n in work],
            lambda: list(thread_pool.map(crunch, work)),
        ]
        first = 0.0
        if processes:
            context = multiprocessing.get_context(START_METHOD)
            pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context))
            start = time.perf_counter()
            list(pool.map(crunch, work))
            first = time.perf_counter() - start
            runs.append(lambda: list(pool.map(crunch, work)))
        return measure.measure_interleaved(runs, repeats=REPEATS), first


def as_json(workers: int) -> str:
    (sequential, threads), _ = benchmark(workers, processes=False)
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
        }
    )


def main() -> None:
    workers = max(2, measure.usable_cpus())
    if "--json" in sys.argv[1:]:
        print(as_json(workers))
        return
    (sequential, threads, processes), first = benchmark(workers, processes=True)

    def speedup(timing: measure.Timing) -> str:
        return f"{measure.speedup(sequential, timing):.2f}x"

    print(
        measure.provenance(
            repeats=REPEATS,
            statistic="times as median (min–max); speed-ups from the fastest runs",
            start_method=START_METHOD,
        )
    )
    print(f"\nWork: {TOTAL:,} loop iterations in {workers} equal parts.\n")
    first_call = "process pool, first call (starts the workers)"
    rows = [
        ["one thread, parts one after another", 1, sequential.cell(), "1.00x"],
        ["thread pool", workers, threads.cell(), speedup(threads)],
        ["process pool", workers, processes.cell(), speedup(processes)],
        [first_call, workers, f"{first:.3f}", speedup(measure.Timing((first,)))],
    ]
    print(measure.table(["Run", "Workers", "Seconds", "Speed-up vs one thread"], rows))
    print(
        f"\nOn this build, {workers} threads did the work at "
        f"{measure.speedup(sequential, threads):.2f} times the speed of one thread, "
        f"and {workers} processes at {measure.speedup(sequential, processes):.2f} "
        f"times (not counting the {first:.2f} s first call that started them)."
    )


if __name__ == "__main__":
    main()
