"""Python 3.14's additions to concurrent.futures: Executor.map(buffersize=...) and
ProcessPoolExecutor.terminate_workers() / kill_workers().

Before 3.14, ``map`` submits a task for every input before it returns its first
result, so it reads the whole input, however long, and keeps a future for each
item. The first part counts how much of a generator ``map`` has consumed when the
first result arrives, and measures peak memory with ``tracemalloc``. With 3.14's
``buffersize=N`` at most N tasks are pending at a time; on older versions the
program says so and shows the eager behaviour only.

``terminate_workers()`` and ``kill_workers()`` (3.14) stop a process pool's
workers with SIGTERM or SIGKILL (on Windows both end the process), for a task
that would never finish on its own; before 3.14 the program says what it cannot show.
"""

import multiprocessing
import sys
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

ITEMS = 5_000
PAYLOAD = 200  # bytes each input item carries


def inputs(consumed: list[int]):
    for _ in range(ITEMS):
        consumed[0] += 1
        yield bytes(PAYLOAD)


def size(data: bytes) -> int:
    return len(data)


# --8<-- [start:map]
def run_map(**options) -> tuple[int, int]:
    """(items consumed when the first result arrived, peak traced bytes)."""
    consumed = [0]
    tracemalloc.start()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(size, inputs(consumed), **options)
        next(results)
        at_first = consumed[0]
        for _ in results:
            pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return at_first, peak


# --8<-- [end:map]


def sleep_forever() -> None:
    time.sleep(3600)


def main() -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    print(f"Python {version}; map over a generator of {ITEMS:,} items, 2 threads")
    eager_first, eager_peak = run_map()
    print(
        f"  map():                inputs consumed before the first result: "
        f"{eager_first:,}; peak traced memory {eager_peak / 1e6:.1f} MB"
    )
    if sys.version_info >= (3, 14):
        lazy_first, lazy_peak = run_map(buffersize=4)
        print(
            f"  map(buffersize=4):    inputs consumed before the first result: "
            f"{lazy_first:,}; peak traced memory {lazy_peak / 1e6:.1f} MB"
        )
    else:
        print(
            f"  map(buffersize=...): not in Python {version} (added in 3.14); "
            "here map always reads its whole input first"
        )

    if not hasattr(ProcessPoolExecutor, "terminate_workers"):
        print(
            f"\nterminate_workers() / kill_workers(): not in Python {version} "
            "(added in 3.14); stopping the stuck worker by hand instead"
        )
    # --8<-- [start:stop]
    for method in ("terminate_workers", "kill_workers"):
        pool = ProcessPoolExecutor(max_workers=1)
        future = pool.submit(sleep_forever)
        time.sleep(0.3)  # let the worker start the task
        if hasattr(pool, method):
            getattr(pool, method)()
            label = f"{method}():"
        else:
            for child in multiprocessing.active_children():
                if method == "terminate_workers":
                    child.terminate()  # SIGTERM on POSIX
                else:
                    child.kill()  # SIGKILL on POSIX
            label = f"Process.{method.split('_')[0]}() on each worker:"
        try:
            future.result(timeout=10)
            outcome = "returned (unexpected)"
        except Exception as error:  # the pool is broken on purpose
            outcome = f"raised {type(error).__name__}"
        print(f"  {label:<34} the stuck task's future {outcome}")
        pool.shutdown(wait=True, cancel_futures=True)
    # --8<-- [end:stop]


if __name__ == "__main__":
    main()
