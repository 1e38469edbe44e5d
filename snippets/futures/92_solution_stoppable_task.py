"""Exercise solution: a long task that stops when asked, so shutdown returns at once.

``cancel()`` and ``shutdown(cancel_futures=True)`` cannot stop a task that is
already running: a thread cannot be interrupted from outside. A task that works in
small steps and checks a stop Event between them can stop itself. Set the Event,
then shut the pool down: the queued tasks are cancelled, and the running one
returns at its next check instead of after its ten seconds of work.
"""

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the time the page reads

STEPS = 200
STEP_SECONDS = 0.05  # 200 steps: 10 s of work


# --8<-- [start:solution]
def long_task(stop: threading.Event) -> str:
    for step in range(STEPS):
        if stop.is_set():
            return f"stopped early, after {step} of {STEPS} steps"
        time.sleep(STEP_SECONDS)  # one step of the work
    return f"finished all {STEPS} steps"


def main() -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    stop = threading.Event()
    futures = [pool.submit(long_task, stop) for _ in range(3)]
    time.sleep(0.2)  # task 0 is running, tasks 1 and 2 are queued

    t0 = time.perf_counter()
    stop.set()  # the running task stops at its next check
    pool.shutdown(wait=True, cancel_futures=True)  # the queued ones never start
    took = time.perf_counter() - t0
    print(
        f"shutdown returned after {took:.2f} s "
        f"(task 0 alone would take {STEPS * STEP_SECONDS:.0f} s)"
    )
    for n, future in enumerate(futures):
        print(f"  task {n}: {'cancelled' if future.cancelled() else future.result()}")
    # --8<-- [end:solution]
    measure.record({"shutdown_seconds": took})


if __name__ == "__main__":
    main()
