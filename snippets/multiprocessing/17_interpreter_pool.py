"""InterpreterPoolExecutor (Python 3.14+): one process, several interpreters.

Each worker is a thread running its own interpreter, and each interpreter has
its own GIL, so pure-Python work runs in parallel without starting processes.
Tasks and results are pickled between interpreters, like a process pool's.
A function defined in the main module (like ``count_primes`` here) is found by
running this file again in the worker's interpreter under another name, so the
``__main__`` guard keeps ``main()`` from running there, and the top level of
this file imports only the standard library.

The same prime count runs as a plain loop, on a thread pool, an interpreter
pool and a process pool. Before 3.14 the program says the executor is missing.
"""

import concurrent.futures
import sys
import time
from pathlib import Path

WIDTH = 500
SLICES = 32
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

    baseline = measure.measure(plain_loop, repeats=REPEATS)
    rows = [["plain loop (baseline)", baseline.cell(3), "–", "1.00"]]
    # --8<-- [start:timed]
    for name, make in pools:
        start = time.perf_counter()
        with make() as pool:

            def run(pool=pool) -> None:
                assert list(pool.map(count_primes, slices)) == expected

            run()  # the warm-up: it also starts the workers
            first = time.perf_counter() - start
            timing = measure.measure(run, repeats=REPEATS, warmup=0)
        # --8<-- [end:timed]
        rows.append(
            [
                name,
                timing.cell(3),
                f"{first:.3f}",
                f"{measure.speedup(baseline, timing):.2f}",
            ]
        )
    measure.report(
        measure.table(
            ["How", "Seconds", "Creating the pool + first run (s)", "Speed-up"],
            rows,
            caption=f"{workers} workers in each pool; counting primes in {SLICES} "
            f"slices of {WIDTH} numbers; every run gave the same counts.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds; the warm-up is timed on its own; "
        "speed-ups from the fastest runs",
        start_method="spawn (process pool only)",
    )


if __name__ == "__main__":
    main()
