"""max_tasks_per_child (Python 3.11+) contains a worker that leaks memory.

Each task leaks 2 MB into a module-level list, as a cache that is never emptied
would. Every worker measures the memory Python has allocated in it with
``tracemalloc`` and returns that figure with its result. Without a limit, a
long-lived worker keeps all it leaked; with ``max_tasks_per_child=N`` the pool
replaces each worker after N tasks, so a worker never holds more than N tasks'
leaks. The price is starting new processes, which the table measures too.

The limit here is 1. Values above 1 could deadlock the pool (a replacement worker
was never started, CPython issue gh-115634) on 3.11 to 3.13.14 and 3.14.0 to
3.14.6; 3.13.15, 3.14.7 and 3.15.0 have the fix. Every wait below has a timeout
all the same.

The pool is shut down with ``wait=True``, on a helper thread that is given 30 s.
``shutdown(wait=False)`` would return before the pool's manager thread has
finished replacing workers. On 3.11, 3.12 and 3.13 before 3.13.6 that thread then
fails with ``TypeError: object of type 'NoneType' has no len()`` (gh-132969,
fixed by gh-133222 in 3.13.6 and 3.14.0); on later 3.13 releases and on 3.14.0 to
3.14.6 it starts no replacement, so queued calls never run (gh-119592, fixed in
3.14.7 and 3.15.0).

Both pools name their start method, because ``max_tasks_per_child`` cannot be
used with ``fork``: ``forkserver`` where the platform has it (it starts a
replacement worker quickly), otherwise ``spawn``.
"""

import multiprocessing
import sys
import threading
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

TASKS = 8
WORKERS = 2
LEAK_BYTES = 2_000_000
LIMIT = 1
REPEATS = 5
START_METHOD = (
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)
_leaked: list[bytes] = []  # one per worker process; never emptied: the leak


# --8<-- [start:leak]
def start_tracing() -> None:
    tracemalloc.start()


def leaky_task(n: int) -> tuple[int, int]:
    _leaked.append(bytes(LEAK_BYTES))
    current, _peak = tracemalloc.get_traced_memory()
    return n, current


def run_batch(max_tasks_per_child: int | None, peaks: dict) -> None:
    pool = ProcessPoolExecutor(
        max_workers=WORKERS,
        mp_context=multiprocessing.get_context(START_METHOD),
        initializer=start_tracing,
        max_tasks_per_child=max_tasks_per_child,
    )
    try:
        futures = [pool.submit(leaky_task, n) for n in range(TASKS)]
        held = [future.result(timeout=30)[1] for future in futures]
    finally:
        close(pool, timeout=30)
    peaks[max_tasks_per_child] = max(held)


def close(pool: ProcessPoolExecutor, timeout: float) -> None:
    """shutdown(wait=True), given at most `timeout` seconds."""
    closer = threading.Thread(
        target=pool.shutdown, kwargs={"cancel_futures": True}, daemon=True
    )
    closer.start()
    closer.join(timeout)
    if closer.is_alive():  # never leave a hung pool behind
        for child in multiprocessing.active_children():
            child.kill()
        raise TimeoutError(f"the pool did not shut down within {timeout} s")


# --8<-- [end:leak]


def main() -> None:
    peaks: dict[int | None, int] = {}
    timings = measure.compare(
        {
            "no limit": lambda: run_batch(None, peaks),
            f"max_tasks_per_child={LIMIT}": lambda: run_batch(LIMIT, peaks),
        },
        repeats=REPEATS,
    )
    rows = [
        [name, f"{peaks[limit] / 1e6:.1f}", timings[name].cell(2)]
        for name, limit in (("no limit", None), (f"max_tasks_per_child={LIMIT}", LIMIT))
    ]
    body = measure.table(
        ["pool", "most memory one worker held (MB, tracemalloc)", "batch time (s)"],
        rows,
        caption=f"{TASKS} tasks, {WORKERS} workers, each task leaks "
        f"{LEAK_BYTES / 1e6:.0f} MB. Memory: the last repeat; time: median (min–max).",
    )
    measure.report(
        body,
        repeats=REPEATS,
        statistic="median (min–max)",
        start_method=START_METHOD,
        values={
            "peak_no_limit": peaks[None],
            "peak_limited": peaks[LIMIT],
            "leak_bytes": LEAK_BYTES,
            "tasks_per_worker": TASKS / WORKERS,
            "batch_no_limit": timings["no limit"],
            "batch_limited": timings[f"max_tasks_per_child={LIMIT}"],
        },
    )


if __name__ == "__main__":
    main()
