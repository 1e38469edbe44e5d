"""InterpreterPoolExecutor (Python 3.14+): one process, several interpreters.

Each worker is a thread running its own interpreter, and each interpreter has
its own GIL, so pure-Python work runs in parallel without starting processes.
Tasks and results are pickled between interpreters, like a process pool's.
A function defined in the main module (like ``count_primes`` here) is found by
running this file again in the worker's interpreter under another name, so the
``__main__`` guard keeps ``main()`` from running there, and the top level of
this file imports only the standard library.

The same prime count runs as a plain loop, on a thread pool, an interpreter
pool and a process pool, interleaved (measure.compare) once every pool has
started. Before 3.14 the program says the executor is missing.
"""

import concurrent.futures
import contextlib
import sys
from pathlib import Path

WIDTH = 500
SLICES = 96  # about 0.3 s in all: long enough for the CPU speed to average out
FIRST = 10_000_001
REPEATS = 3


def count_primes(start: int) -> int:
    """Primes among the odd numbers in [start, start + WIDTH)."""
    count = 0
    for n in range(start | 1, start + WIDTH, 2):
        divisor = 3
        while divisor * divisor <= n:
            if n % divisor == 0:
                break
            divisor += 2
        else:
            count += 1
    return count


def main() -> None:
    executor_class = getattr(concurrent.futures, "InterpreterPoolExecutor", None)
    if executor_class is None:
        print(
            f"This build runs Python {sys.version.split()[0]}: "
            "concurrent.futures has no InterpreterPoolExecutor (added in 3.14), "
            "so nothing was run."
        )
        return
    # --8<-- [start:pools]
    # Imported here, not at the top: each worker interpreter runs the top level.
    import multiprocessing

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import measure

    workers = measure.usable_cpus()
    slices = [FIRST + i * WIDTH for i in range(SLICES)]
    expected = [count_primes(start) for start in slices]
    process_context = multiprocessing.get_context("spawn")
    pools = [
        ("thread pool", lambda: concurrent.futures.ThreadPoolExecutor(workers)),
        ("interpreter pool", lambda: executor_class(workers)),
        (
            "process pool (spawn)",
            lambda: concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=process_context
            ),
        ),
    ]
    # --8<-- [end:pools]

    def plain_loop() -> None:
        assert [count_primes(start) for start in slices] == expected

    runs, firsts = {"plain loop (baseline)": plain_loop}, {}
    # --8<-- [start:timed]
    with contextlib.ExitStack() as stack:
        for name, make in pools:

            def start_and_run(name=name, make=make) -> None:
                pool = stack.enter_context(make())

                def run() -> None:
                    assert list(pool.map(count_primes, slices)) == expected

                runs[name] = run
                run()  # the first run also starts the workers

            firsts[name] = measure.measure(start_and_run, repeats=1, warmup=0)
        others = measure.watch_other_programs()  # parallel pools need free CPUs
        timings = measure.compare(runs, repeats=REPEATS)
        taken = others()
    # --8<-- [end:timed]
    baseline = timings["plain loop (baseline)"]
    rows = [
        [
            name,
            timing.cell(3),
            firsts[name].cell(3) if name in firsts else "–",
            f"{measure.speedup(baseline, timing).median:.2f}",
        ]
        for name, timing in timings.items()
    ]
    measure.report(
        measure.table(
            ["How", "Seconds", "Creating the pool + first run (s)", "Speed-up"],
            rows,
            caption=f"{workers} workers in each pool; counting primes in {SLICES} "
            f"slices of {WIDTH} numbers; every run gave the same counts.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds, runs interleaved after a warm-up; "
        "the pools' first runs timed on their own; "
        "speed-ups per round, as their median",
        start_method="spawn (process pool only)",
        others=taken,
        values={
            "speedup_threads": measure.speedup(baseline, timings["thread pool"]),
            "speedup_interpreters": measure.speedup(
                baseline, timings["interpreter pool"]
            ),
            "speedup_processes": measure.speedup(
                baseline, timings["process pool (spawn)"]
            ),
        },
    )


if __name__ == "__main__":
    main()
