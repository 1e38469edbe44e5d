"""Pool.map, Pool.imap_unordered and ProcessPoolExecutor on the same small tasks.

``Pool.map`` blocks until every task is done and returns the results in input
order. ``Pool.imap_unordered`` yields each result as soon as a worker finishes
it. ``ProcessPoolExecutor`` (concurrent.futures) hands back Futures; a task's
exception is pickled in the worker and re-raised by ``Future.result()`` here.
Each task sleeps for a different time, so finishing order differs from input order.
"""

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

# Task n sleeps DELAYS[n] seconds: the first task is the slowest.
DELAYS = [0.4, 0.3, 0.2, 0.1]


def task(n: int) -> tuple[int, int]:
    if n < 0:
        raise ValueError(f"no task {n} (raised in worker pid {os.getpid()})")
    time.sleep(DELAYS[n])
    return n, os.getpid()


def main() -> None:
    ctx = multiprocessing.get_context()  # the platform's default start method
    print(f"start method: {ctx.get_start_method()}, 2 worker processes\n")

    with ctx.Pool(processes=2) as pool:
        t0 = time.perf_counter()
        results = pool.map(task, range(len(DELAYS)))
        elapsed = time.perf_counter() - t0
        print(f"Pool.map returned after {elapsed:.2f} s, in input order:")
        print("  tasks", [n for n, _ in results])
        print("  ran in worker pids", sorted({pid for _, pid in results}))

        t0 = time.perf_counter()
        print("Pool.imap_unordered yields results as they finish:")
        for n, _pid in pool.imap_unordered(task, range(len(DELAYS))):
            print(
                f"  task {n} (sleeps {DELAYS[n]} s) at {time.perf_counter() - t0:.2f} s"
            )

    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as executor:
        # Task -1 does not exist: it raises ValueError in the worker.
        futures = {executor.submit(task, n): n for n in [*range(len(DELAYS)), -1]}
        print("ProcessPoolExecutor, submit + as_completed:")
        for future in as_completed(futures):
            try:
                n, pid = future.result()
                print(f"  task {n}: done in worker pid {pid}")
            except ValueError as error:
                print(f"  task {futures[future]}: {type(error).__name__}: {error}")
                cause = error.__cause__  # the worker's traceback, as text
                print(
                    f"    (the worker's traceback is attached: {type(cause).__name__})"
                )


if __name__ == "__main__":
    main()
