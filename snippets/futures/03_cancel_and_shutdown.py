"""Future.cancel() stops only work that has not started; shutdown(cancel_futures=True)
is how to stop a whole pool.

One worker, five queued tasks. Cancelling the running task fails (``cancel()``
returns False) because a thread cannot be interrupted from outside; cancelling a
queued one succeeds, and it never runs. ``shutdown(wait=True, cancel_futures=True)``
(Python 3.9+) cancels everything still queued, lets the running task finish and
returns once the worker has exited.
"""

import threading
import time
from concurrent.futures import CancelledError, ThreadPoolExecutor

ran: list[int] = []
ran_lock = threading.Lock()


def task(n: int, started: threading.Event) -> int:
    started.set()
    time.sleep(0.2)
    with ran_lock:
        ran.append(n)
    return n


# --8<-- [start:cancel]
def main() -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    started = [threading.Event() for _ in range(5)]
    futures = [pool.submit(task, n, started[n]) for n in range(5)]
    started[0].wait(timeout=5)  # task 0 is running, tasks 1-4 are queued

    print(f"cancel() on task 0 (running): {futures[0].cancel()}")
    print(f"cancel() on task 3 (queued):  {futures[3].cancel()}")
    try:
        futures[3].result(timeout=1)
    except CancelledError:
        print("task 3: result() raises CancelledError")

    time.sleep(0.05)  # task 0 is still running; 1, 2 and 4 are waiting
    t0 = time.perf_counter()
    pool.shutdown(wait=True, cancel_futures=True)
    print(
        f"\nshutdown(wait=True, cancel_futures=True) returned after "
        f"{time.perf_counter() - t0:.2f} s"
    )
    for n, future in enumerate(futures):
        state = "cancelled" if future.cancelled() else f"ran, result {future.result()}"
        print(f"  task {n}: {state}")
    print(f"tasks that ever ran: {sorted(ran)}")


# --8<-- [end:cancel]


if __name__ == "__main__":
    main()
