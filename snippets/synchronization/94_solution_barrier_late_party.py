"""Exercise solution: one late worker breaks the barrier, and every worker stops.

In phases() of 05_barrier_phases.py, worker 2 is late in phase 2: it arrives after
0.5 s, while the others wait with a timeout of 0.2 s. The first ``wait()`` to time
out breaks the barrier. It raises BrokenBarrierError in its own thread and in every
thread waiting, and a thread that arrives later gets it at once, without waiting.
So all three stop in phase 2 and nobody starts phase 3: catching the error lets each
worker stop cleanly instead of running on alone.
"""

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the times the page reads

PARTIES = 3
PHASES = 3
TIMEOUT = 0.2
LATE = 0.5  # worker 2's time for phase 2: longer than the others will wait
WAITED: dict[int, float] = {}  # how long each worker waited at the broken barrier


# --8<-- [start:solution]
def worker(index: int, barrier: threading.Barrier, outcomes: dict[int, str]) -> None:
    done: list[int] = []
    for phase in range(1, PHASES + 1):
        time.sleep(LATE if (index, phase) == (2, 2) else 0.02 * index)
        done.append(phase)
        arrived = time.perf_counter()
        try:
            barrier.wait(timeout=TIMEOUT)
        except threading.BrokenBarrierError:
            waited = WAITED[index] = time.perf_counter() - arrived
            outcomes[index] = (
                f"finished phases {done}, then BrokenBarrierError in phase {phase} "
                f"after waiting {waited:.2f} s"
            )
            return
    outcomes[index] = f"finished phases {done}"


# --8<-- [end:solution]


def main() -> None:
    print(f"worker 2 needs {LATE} s for phase 2; the others wait {TIMEOUT} s for it")
    barrier = threading.Barrier(PARTIES)
    outcomes: dict[int, str] = {}
    threads = [
        threading.Thread(target=worker, args=(i, barrier, outcomes))
        for i in range(PARTIES)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    for index, outcome in sorted(outcomes.items()):
        print(f"  worker {index}: {outcome}")
    print(f"  barrier.broken = {barrier.broken}")
    measure.record({"late_wait": WAITED[2], "others_wait": [WAITED[0], WAITED[1]]})


if __name__ == "__main__":
    main()
