"""Threads that share one object against threads that each own one.

Every thread appends the same number of items, either to one list that all of
them share or to a list of its own, and the work per thread stays fixed as the
number of threads grows (1, 2, 4). If threads ran in parallel without getting
in each other's way, every row would take as long as the first.

With the GIL only one thread runs Python code at a time, so both columns grow
with the number of threads: that is the GIL's row. A free-threaded build runs
the threads at once; there a list of one's own scales, while the shared list
makes the threads take turns on its per-object lock and pass its memory
between CPU caches, which is contention.
"""

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

APPENDS = 500_000  # per thread
THREAD_COUNTS = (1, 2, 4)
REPEATS = 5
TIMEOUT = 60  # seconds for one join


# --8<-- [start:run]
def run(threads: int, shared: bool) -> None:
    one_list: list[int] = []
    lists = [one_list if shared else [] for _ in range(threads)]
    barrier = threading.Barrier(threads, timeout=TIMEOUT)

    def work(target: list[int]) -> None:
        append = target.append
        barrier.wait()  # start together, so the threads overlap
        for i in range(APPENDS):
            append(i)

    workers = [threading.Thread(target=work, args=(lst,)) for lst in lists]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(TIMEOUT)
        assert not worker.is_alive(), "a thread did not finish in time"
    total = len(one_list) if shared else sum(len(lst) for lst in lists)
    assert total == threads * APPENDS  # list.append loses nothing, GIL or not


# --8<-- [end:run]


def main() -> None:
    # --8<-- [start:compare]
    timings = measure.compare(
        {
            (threads, shared): (lambda t=threads, s=shared: run(t, s))
            for threads in THREAD_COUNTS
            for shared in (False, True)
        },
        repeats=REPEATS,
    )
    # --8<-- [end:compare]
    base = timings[(1, False)]
    rows = []
    for threads in THREAD_COUNTS:
        own, shared = timings[(threads, False)], timings[(threads, True)]
        rows.append(
            [
                threads,
                own.cell(3),
                shared.cell(3),
                # time relative to one thread = 1 / speed-up, fastest run to fastest
                f"{1 / measure.speedup(base, own).median:.2f}",
                f"{1 / measure.speedup(base, shared).median:.2f}",
            ]
        )
    gil = "on" if measure.gil_enabled() else "off"
    measure.report(
        measure.table(
            [
                "Threads",
                "Own list each (s)",
                "One shared list (s)",
                "Own, relative to 1 thread",
                "Shared, relative to 1 thread",
            ],
            rows,
            caption=f"Each thread appends {APPENDS:,} integers; the GIL was {gil}. "
            "Relative figures divide the fastest run by the fastest run of one "
            "thread with its own list; with perfect scaling each would be 1.00.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds",
    )


if __name__ == "__main__":
    main()
