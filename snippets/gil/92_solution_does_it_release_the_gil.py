"""Exercise solution: find out whether a C function releases the GIL, with a heartbeat.

A heartbeat thread wakes every millisecond and notes the time. While the main
thread runs C code that keeps the GIL, the heartbeat cannot run Python code, so
its longest gap is about as long as the call. While the C code has released the
GIL (hashlib does, for more than 2047 bytes at once), the heartbeat keeps beating.
On a free-threaded build there is no GIL to keep, and every gap stays short.
"""

import hashlib
import itertools
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

DATA = random.Random(0).randbytes(64 << 20)  # 64 MiB, the same bytes on every run
_RNG = random.Random(1)
NUMBERS = [_RNG.random() for _ in range(1_500_000)]


# --8<-- [start:heartbeat]
def longest_gap(work) -> float:
    """Run ``work()`` while a heartbeat ticks; the heartbeat's longest gap in ms."""
    beats: list[float] = []
    done = threading.Event()

    def heartbeat() -> None:
        while not done.is_set():
            beats.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=heartbeat)
    thread.start()
    time.sleep(0.02)  # let it beat before the work starts
    work()
    done.set()
    thread.join()
    return max(b - a for a, b in itertools.pairwise(beats)) * 1000
    # --8<-- [end:heartbeat]


def main() -> None:
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(f"GIL enabled: {gil}")
    others = measure.watch_other_programs()  # a busy machine delays the heartbeat too
    gaps = {}
    # --8<-- [start:solution]
    works = {
        "sorted() of 1.5 million floats": lambda: sorted(NUMBERS),
        "sha256 of 64 MiB in one call": lambda: hashlib.sha256(DATA).digest(),
    }
    for name, work in works.items():
        gaps[name] = longest_gap(work)
        print(f"{name:<31} longest heartbeat gap {gaps[name]:4.0f} ms")
    # --8<-- [end:solution]
    sort = measure.measure(works["sorted() of 1.5 million floats"], repeats=3)
    print(f"sorted() alone, without a heartbeat: {sort.median * 1000:.0f} ms (median)")
    sorting, hashing = gaps.values()
    measure.record(
        {"gap_sorted_ms": sorting, "gap_sha256_ms": hashing,
         "sort_ms": [t * 1000 for t in sort.samples]},
        others=others(),
    )  # fmt: skip


if __name__ == "__main__":
    main()
