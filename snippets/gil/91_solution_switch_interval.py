"""Exercise solution: lose no update without a Lock, changing only the switch interval.

With the GIL, a thread keeps running until another thread has waited one switch
interval (sys.getswitchinterval(), 5 ms by default) and asked for the GIL. If each
thread's whole loop finishes sooner than the interval, no switch lands between a
read and its write, and no update is lost. That is timing, not safety: a slower
machine, a longer loop or a free-threaded build (which has no GIL to switch) loses
updates again. A Lock is the fix; this only shows how the GIL changes hands.
"""

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the counts the page reads

THREADS = 4
ADDS = 1_000_000  # per thread: more than 5 ms of work, even on a fast build

counter = 0


def add_one(value: int) -> int:
    return value + 1


def without_lock() -> None:
    global counter
    for _ in range(ADDS):
        counter = add_one(counter)


def lost_updates() -> int:
    global counter
    counter = 0
    threads = [threading.Thread(target=without_lock) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return THREADS * ADDS - counter


def main() -> None:
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(f"GIL enabled: {gil}")
    lost = {}
    # --8<-- [start:solution]
    for interval in (0.000_001, 0.005, 10.0):  # seconds
        sys.setswitchinterval(interval)
        lost[interval] = lost_updates()
        print(
            f"switch interval {interval * 1000:>8g} ms: lost {lost[interval]:,} updates"
        )
    # --8<-- [end:solution]
    sys.setswitchinterval(0.005)
    measure.record(
        {
            "lost_default": lost[0.005],
            "lost_long": lost[10.0],
            "lost_each": list(lost.values()),
        }
    )


if __name__ == "__main__":
    main()
