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


def relative(ratio: measure.Ratio) -> str:
    """A relative time: the median round, then the lowest and highest."""
    return f"{ratio.median:.2f} ({ratio.low:.2f}–{ratio.high:.2f})"


def main() -> None:
    others = measure.watch_other_programs()  # threads in parallel need free CPUs
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
    taken = others()
    base = timings[(1, False)]
    rows, values = [], {}
    for threads in THREAD_COUNTS:
        own, shared = timings[(threads, False)], timings[(threads, True)]
        # time relative to one thread with its own list, within each round
        relative_own, relative_shared = (
            measure.speedup(timing, base) for timing in (own, shared)
        )
        rows.append(
            [threads, own.cell(3), shared.cell(3), relative(relative_own),
             relative(relative_shared)]
        )  # fmt: skip
        values[f"relative_own_{threads}"] = relative_own
        values[f"relative_shared_{threads}"] = relative_shared
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
            "Relative figures divide each round's time by the same round's time of "
            "one thread with its own list: the median round, then the lowest and "
            "highest; with perfect scaling each would be 1.00.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds; relative figures per round",
        others=taken,
        values=values,
    )


if __name__ == "__main__":
    main()
