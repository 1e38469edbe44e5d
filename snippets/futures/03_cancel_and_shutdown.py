"""Future.cancel() stops only work that has not started; shutdown(cancel_futures=True)
is how to stop a whole pool.

One worker, five queued tasks. Cancelling the running task fails (``cancel()``
returns False) because a thread cannot be interrupted from outside; cancelling a
queued one succeeds, and it never runs. ``shutdown(wait=True, cancel_futures=True)``
(Python 3.9+) cancels everything still queued, lets the running task finish and
returns once the worker has exited.

A process pool is stricter. Its manager thread moves queued calls into the queue
its workers read from, up to ``max_workers + 1`` of them, and marks each one
running as it does (``add_call_item_to_queue`` in concurrent/futures/process.py,
the same in 3.11 to 3.15). ``cancel()`` then returns False for a call that has not
started, and the call runs. The last part shows it with one worker and four
tasks, and prints when each task really started.
"""

import sys
import threading
import time
from concurrent.futures import CancelledError, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the times the page reads

DEADLINE = 10  # seconds for anything that could block

ran: list[int] = []
ran_lock = threading.Lock()


def task(n: int, started: threading.Event) -> int:
    started.set()
    time.sleep(0.2)
    with ran_lock:
        ran.append(n)
    return n


# --8<-- [start:cancel]
def thread_pool() -> None:
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


def started_at(seconds: float) -> float:
    """A process-pool task: note the wall-clock time it started, then work a while."""
    started = time.time()
    time.sleep(seconds)
    return started


# --8<-- [start:process]
def process_pool() -> dict[int, float]:
    """Cancel four queued calls; return when each call that ran started."""
    pool = ProcessPoolExecutor(max_workers=1)
    futures = [pool.submit(started_at, 0.3) for _ in range(4)]
    deadline = time.monotonic() + DEADLINE
    while not futures[1].running() and time.monotonic() < deadline:
        time.sleep(0.01)  # until the pool has moved task 1 towards its worker
    asked = time.time()
    answers = [future.cancel() for future in futures]
    print("\nProcessPoolExecutor(max_workers=1), four tasks, cancel() on each:")
    print(f"  cancel() returned {answers}")
    pool.shutdown(wait=True)
    starts = {}
    for n, future in enumerate(futures):
        if future.cancelled():
            print(f"  task {n}: cancelled")
        else:
            starts[n] = late = future.result(timeout=DEADLINE) - asked
            print(f"  task {n}: ran, starting {late:+.2f} s after the cancel() calls")
    return starts


# --8<-- [end:process]


def main() -> None:
    thread_pool()
    starts = process_pool()
    # Task 0 was running; every other call that ran was one cancel() refused.
    measure.record({"refused_starts": [starts[n] for n in sorted(starts) if n > 0]})


if __name__ == "__main__":
    main()
