"""What it costs to start a process and wait for it, under each start method.

Each measurement starts one ``Process`` whose target does nothing and joins it.
The first start is shown on its own: for forkserver it also starts the fork
server. A thread started and joined the same way is the reference. A spawned
child imports this module again, so the more a main module imports at its top
level, the more each spawned child costs; this one imports only the standard
library.
"""

import multiprocessing
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

REPEATS = 10


def nothing() -> None:
    pass


# --8<-- [start:start]
def start_and_join(make) -> None:
    worker = make(target=nothing)
    worker.start()
    worker.join()


# --8<-- [end:start]


def timed_once(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    # --8<-- [start:timed]
    candidates = {
        f"{method} process": multiprocessing.get_context(method).Process
        for method in multiprocessing.get_all_start_methods()
    }
    candidates["thread (for comparison)"] = threading.Thread
    starts = {
        name: lambda make=make: start_and_join(make)
        for name, make in candidates.items()
    }
    first = {name: timed_once(start) for name, start in starts.items()}
    # The later starts take turns, round after round (measure.compare).
    later = measure.compare(starts, repeats=REPEATS, warmup=0)
    # --8<-- [end:timed]
    rows, values = [], {}
    for name in candidates:
        kind = name.split()[0]  # fork, spawn, forkserver or thread
        values |= {
            f"first_{kind}": measure.Timing((first[name],)),
            f"later_{kind}": later[name],
        }
        timing = later[name]
        rows.append(
            [
                name,
                f"{first[name] * 1000:.1f}",
                f"{timing.median * 1000:.2f} "
                f"({timing.low * 1000:.2f}–{timing.high * 1000:.2f})",
            ]
        )
    measure.report(
        measure.table(
            ["What is started", "First start + join (ms)", "Later start + join (ms)"],
            rows,
        ),
        repeats=REPEATS,
        statistic="median (min–max) milliseconds, later starts interleaved; "
        "the warm-up is the first start",
        start_method=f"each listed, default {multiprocessing.get_start_method()}",
        values=values,
    )


if __name__ == "__main__":
    main()
