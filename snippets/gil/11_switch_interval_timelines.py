"""The switch interval, seen: two CPU-bound threads at two settings (Linux).

The same two counting threads run twice, once with ``sys.setswitchinterval`` set
short and once long, each time recorded by ``snippets/timeline.py``. With the
GIL, a waiting thread asks for the GIL only after one interval, so the length of
each thread's turns follows the setting. Without Linux's ``/proc`` the program
says so and draws nothing.
"""

import statistics
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure
import timeline
import timeline_svg

SHORT_MS, LONG_MS = 2, 20  # the two switch intervals
LOOPS = 4_000_000  # each thread's share of the counting


def count(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


# --8<-- [start:work]
def two_threads_at(interval_ms: float) -> None:
    sys.setswitchinterval(interval_ms / 1e3)  # in this process only
    threads = [
        threading.Thread(target=count, args=(LOOPS,), name=f"counter {k}")
        for k in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --8<-- [end:work]


def main() -> None:
    if reason := timeline.unavailable():
        print(reason)
        return
    others = measure.watch_other_programs()
    # --8<-- [start:record]
    parts = {
        f"{ms:g} ms": timeline.record(two_threads_at, ms) for ms in (SHORT_MS, LONG_MS)
    }
    turns = {
        label: part.turns("counter 1") + part.turns("counter 2")
        for label, part in parts.items()
    }
    # --8<-- [end:record]
    both = timeline.combine(parts)
    print(
        timeline_svg.figure(
            both,
            "Two CPU-bound threads at two switch intervals, measured",
            f"Two recordings, one above the other: the switch interval set to "
            f"{SHORT_MS} ms, then to {LONG_MS} ms. Each lane's turns on a CPU follow "
            "the interval.",
        )
    )
    print()
    median = {label: statistics.median(found) * 1e3 for label, found in turns.items()}
    short, long = (median[f"{ms:g} ms"] for ms in (SHORT_MS, LONG_MS))
    measure.report(
        timeline_svg.table(both)
        + f"\n\nMedian turn: {short:.1f} ms at a {SHORT_MS} ms switch interval, "
        f"{long:.1f} ms at {LONG_MS} ms. {timeline_svg.sampling_note(both)}",
        others=others(),
        values={"turn_short_ms": short, "turn_long_ms": long},
    )


if __name__ == "__main__":
    main()
