"""Ten tasks that only wait: what the pool size and the kind of worker cost.

Each task sleeps (standing in for a network or disk wait, which, like
``time.sleep``, releases the GIL). ``Pool()`` starts one worker per usable CPU,
so the ten waits run in rounds of that many. ``Pool(10)`` runs them in one round
but pays for starting ten processes. Ten threads wait in one round too, and cost
almost nothing to start: for waiting, processes add only start-up and pickling.
Every timing includes creating and closing the pool, as a program would.
"""

import math
import multiprocessing
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

TASKS = 10
WAIT = 0.05  # seconds each task waits
# forkserver where the platform has it; spawn elsewhere.
START_METHOD = (
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)
REPEATS = 3


# --8<-- [start:pools]
def wait_for_io(task: int) -> int:
    time.sleep(WAIT)
    return task


def sequential() -> list[int]:
    return [wait_for_io(task) for task in range(TASKS)]


def process_pool(workers: int | None) -> list[int]:
    ctx = multiprocessing.get_context(START_METHOD)
    with ctx.Pool(workers) as pool:
        # chunksize=1: one task per message, so no worker is handed a batch
        return pool.map(wait_for_io, range(TASKS), chunksize=1)


def thread_pool(workers: int) -> list[int]:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(wait_for_io, range(TASKS)))


# --8<-- [end:pools]


def main() -> None:
    cpus = measure.usable_cpus()
    default_workers = (
        cpus if sys.version_info >= (3, 13) else multiprocessing.cpu_count()
    )
    runs = {
        "one after another": (1, sequential),
        "Pool() (default size)": (default_workers, lambda: process_pool(None)),
        f"Pool({TASKS})": (TASKS, lambda: process_pool(TASKS)),
        f"ThreadPoolExecutor({TASKS})": (TASKS, lambda: thread_pool(TASKS)),
    }

    def checked(run):
        def once() -> None:
            assert run() == list(range(TASKS))

        return once

    # Interleaved: each round runs every way once, so a change in the machine's
    # load during the program reaches them all alike.
    timings = measure.compare(
        {name: checked(run) for name, (_, run) in runs.items()}, repeats=REPEATS
    )
    rows = []
    for name, (workers, _) in runs.items():
        rounds = math.ceil(TASKS / workers)
        rows.append(
            [name, workers, rounds, f"{rounds * WAIT:.2f}", timings[name].cell(2)]
        )
    measure.report(
        measure.table(
            ["How", "Workers", "Rounds", "Waiting alone (s)", "Measured (s)"],
            rows,
            caption=f"{TASKS} tasks, each waits {WAIT} s. Rounds = ⌈tasks ÷ workers⌉.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds, runs interleaved",
        start_method=START_METHOD,
        values={
            "wait": WAIT,
            "rounds_default": math.ceil(TASKS / default_workers),
            "sequential": timings["one after another"],
            "pool_default": timings["Pool() (default size)"],
            "pool_ten": timings[f"Pool({TASKS})"],
            "threads_ten": timings[f"ThreadPoolExecutor({TASKS})"],
        },
    )


if __name__ == "__main__":
    main()
