"""A process pool's workers, seen side by side (Linux).

A ``ProcessPoolExecutor`` with two workers computes four parts of a pure-Python
loop. Both workers are started first, with a short sleep each, so that neither
begins late and takes fewer parts. ``snippets/timeline.py`` records the program
and every process it starts: each worker has an interpreter and a GIL of its own,
so the two workers' lanes are on a CPU at the same time, as far as the machine has
two CPUs to spare. The
program's own threads (the main thread, and the threads the executor uses to feed
its workers) are almost idle meanwhile. The pool uses the platform's default start
method, so the lanes also show its helpers: from Python 3.14 on Linux, a
forkserver and the processes it forks. Without Linux's ``/proc`` the program says
so and draws nothing.

The share the page judges counts only the time when at least one worker was on a
CPU: the start-up and the sleeps before it are not the workers computing.
"""

import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure
import timeline
import timeline_svg

PARTS = [4_000_000] * 4  # loop iterations of each task
WORKERS = 2


# --8<-- [start:work]
def crunch(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def pool_of_two() -> list[int]:
    with ProcessPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(time.sleep, [0.2] * WORKERS))  # both workers start first
        return list(pool.map(crunch, PARTS))


# --8<-- [end:work]


def main() -> None:
    if reason := timeline.unavailable():
        print(reason)
        return
    recorded = timeline.record(pool_of_two)
    # The workers are the two processes that spent the most time on a CPU.
    others = [lane for lane in recorded.lanes if lane.process > 0]
    workers = sorted(others, key=lambda lane: lane.total("cpu"))[-WORKERS:]
    names = [lane.name for lane in workers]
    both = recorded.together(names)
    # Of the time when one worker or both were on a CPU, the share when both were.
    either = sum(recorded.together([name]) for name in names) - both
    together = both / either
    print(
        timeline_svg.figure(
            recorded,
            "A pool of two worker processes, measured",
            "One lane per thread of the program and per process it started, time "
            "across; the workers are the busy lanes.",
        )
    )
    print()
    measure.report(
        timeline_svg.table(recorded)
        + f"\n\nThe two busiest processes, the workers ({workers[0].name} and "
        f"{workers[1].name}), were on a CPU at once for {together:.0%} of the time "
        f"when either was (and {both:.0%} of the whole run). "
        f"{timeline_svg.sampling_note(recorded)}",
        start_method=multiprocessing.get_start_method(),
        others=recorded.others,
        values={"workers_together": together},
    )


if __name__ == "__main__":
    main()
