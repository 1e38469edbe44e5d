"""Small tasks in a process pool: sending the work can cost more than doing it.

A process pool pickles every task, sends it through a pipe to a worker, and sends
the result back. ``ProcessPoolExecutor.map`` sends one task per message unless told
otherwise (``chunksize=1``); a bigger ``chunksize`` pays for the round trip once
per chunk instead of once per task.

The same function runs TASKS times at two sizes: a tiny task (one step, far below
a microsecond) and a bigger one (STEPS steps). The pool is started, and warmed up,
before the clock starts, so the times are the tasks and their messages only, not
the start-up of the workers.
"""

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

TASKS = 1_000
STEPS = 2_000  # loop steps in a "bigger" task
REPEATS = 3
METHOD = (
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)


def crunch(steps: int) -> int:
    total = 0
    for i in range(steps):
        total += i * i
    return total


def main() -> None:
    workers = measure.usable_cpus()
    chunk = max(1, TASKS // (4 * workers))  # the rule multiprocessing.Pool.map uses
    ctx = multiprocessing.get_context(METHOD)
    one_per_message = "ProcessPoolExecutor.map, chunksize=1 (its default)"
    batched = (
        f"ProcessPoolExecutor.map, chunksize={chunk} "
        "(the size multiprocessing.Pool.map would pick)"
    )
    rows = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for size, steps in [("tiny (1 step)", 1), (f"bigger ({STEPS:,} steps)", STEPS)]:
            jobs = [steps] * TASKS
            timings = measure.compare(
                {
                    "sequential, no pool": lambda jobs=jobs: [crunch(j) for j in jobs],
                    one_per_message: lambda jobs=jobs: list(pool.map(crunch, jobs)),
                    batched: lambda jobs=jobs: list(
                        pool.map(crunch, jobs, chunksize=chunk)
                    ),
                },
                repeats=REPEATS,
            )
            base = timings["sequential, no pool"]
            rows += [
                [
                    size,
                    name,
                    timing.cell(4),
                    f"{timing.median / TASKS * 1e6:,.1f}",
                    f"{measure.speedup(base, timing):.2g}x",
                ]
                for name, timing in timings.items()
            ]
    print(
        measure.table(
            ["Task", "How", "Seconds, median (min–max)", "µs per task", "Speed-up"],
            rows,
            caption="What to look for: the µs per task of the chunksize=1 rows "
            "against the sequential rows. That gap is one message per task; "
            "batching pays it once per chunk. "
            + measure.provenance(
                repeats=REPEATS,
                statistic=(
                    f"median (min–max) for {TASKS:,} tasks, {workers} worker "
                    "processes, runs interleaved; speed-up is the sequential "
                    "run's fastest repeat ÷ this run's fastest repeat"
                ),
                start_method=METHOD,
            ),
        )
    )


if __name__ == "__main__":
    main()
