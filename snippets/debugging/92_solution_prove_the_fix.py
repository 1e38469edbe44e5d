"""Exercise solution: prove a race fixed with the same test that found it.

02_flush_out_races.py makes a lost update show up in most trials by setting the
switch interval to one microsecond. The same trials, run the same way, are the
test of a fix: here the read-call-write of the counter happens under a Lock,
and not one of the trials loses an update. The unfixed version runs first, to
show that the test still finds the race in this run. The interval is restored
afterwards, since it is process-wide.
"""

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the counts the page reads

ADDS = 5000  # per thread, per trial, as in 02_flush_out_races.py
TRIALS = 100
TIMEOUT = 10  # seconds for any wait


def plus_one(value: int) -> int:
    return value + 1


# --8<-- [start:solution]
def one_trial(lock) -> bool:
    """True if this trial lost an update. ``lock``: None, or the Lock that fixes it."""
    counter = 0
    both_ready = threading.Barrier(2, timeout=TIMEOUT)

    def add() -> None:
        nonlocal counter
        both_ready.wait()
        for _ in range(ADDS):
            if lock is None:
                counter = plus_one(counter)  # the race: read, call, write
            else:
                with lock:  # the fix
                    counter = plus_one(counter)

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    return counter != 2 * ADDS


def main() -> None:
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(f"GIL enabled: {gil}")
    cases = {"without a lock": None, "with a Lock": threading.Lock()}
    counts = []
    default = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch almost anywhere: races show up
    try:
        for label, lock in cases.items():
            lost = sum(one_trial(lock) for _ in range(TRIALS))
            print(f"1 µs, {label + ':':<15} {lost} of {TRIALS} trials lost an update")
            counts.append(lost)
    finally:
        sys.setswitchinterval(default)
    # --8<-- [end:solution]
    measure.record({"lost_unlocked": counts[0], "lost_locked": counts[1]})


if __name__ == "__main__":
    main()
