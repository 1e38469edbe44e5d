"""Exercise solution: handle results as they complete, and cancel the rest at the
first error.

Ten tasks queue for a pool of two threads, and task 3 fails. ``as_completed`` hands
over each future as it finishes, so the loop sees the failure as soon as it
happens. ``cancel()`` on every future then stops the tasks that have not started;
the ones already running cannot be stopped and finish, and leaving the ``with``
block waits for them. Every task has either started or been cancelled, never both.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

TASKS = 10
FAILING = 3
started: list[int] = []
started_lock = threading.Lock()


def task(n: int) -> int:
    with started_lock:
        started.append(n)
    time.sleep(0.05 if n == FAILING else 0.1)
    if n == FAILING:
        raise ValueError(f"task {n}: bad input")
    return n * n


# --8<-- [start:solution]
def main() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {pool.submit(task, n): n for n in range(TASKS)}
        cancelled: list[int] = []
        try:
            for future in as_completed(futures, timeout=5):
                print(f"task {futures[future]}: result {future.result()}")
        except ValueError as error:
            print(f"first error: {error}; cancelling the rest")
            cancelled = sorted(n for future, n in futures.items() if future.cancel())
    # Leaving the with block waited for the tasks that were running.
    print(f"cancelled, never started: {cancelled}")
    print(f"started: {sorted(started)}")
    # --8<-- [end:solution]


if __name__ == "__main__":
    main()
