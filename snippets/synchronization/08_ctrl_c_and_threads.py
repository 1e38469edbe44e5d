"""Ctrl-C reaches only the main thread. Stopping worker threads is up to the program.

The program sends SIGINT to itself, as Ctrl-C would. Python runs signal handlers
in the main thread only, so ``KeyboardInterrupt`` is raised there. On POSIX a main
thread that waits in a plain ``join()`` or ``Future.result()``, with no timeout, gets
it at once: lock waits have been interruptible by signals there since Python 3.2
(and on Windows since 3.14), and the output shows how long after the signal it came.
The workers are told to stop through an Event; a pool is stopped with
``shutdown(cancel_futures=True)`` so queued tasks never start. A daemon thread that
nobody stops does not hold up the exit: Python drops it. Every wait is still bounded:
a worker stops by itself after ``WORKER_LIMIT`` seconds, so a signal that never
arrived would show as a late join, not as a hang.
Delivering SIGINT with ``os.kill`` needs POSIX: on Windows, ``os.kill`` would end
the process instead, so there the program says so and stops.
"""

import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the times the page reads

T0 = time.perf_counter()
WORKER_LIMIT = 10.0  # seconds: a worker that is never told to stop ends by itself
print_lock = threading.Lock()
sent_at: list[float] = []  # when press_ctrl_c_soon sent each SIGINT
heard_after: list[float] = []  # seconds from each SIGINT to its KeyboardInterrupt


def say(text: str) -> None:
    with print_lock:  # one whole line at a time, whichever thread prints
        print(f"{time.perf_counter() - T0:5.2f} s  {text}", flush=True)


def press_ctrl_c_soon(delay: float) -> None:
    def send() -> None:
        time.sleep(delay)
        sent_at.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)  # to this process only

    threading.Thread(target=send, daemon=True).start()


def task(n: int) -> int:
    time.sleep(0.2)  # a unit of work for the pool
    return n


def since_the_signal() -> str:
    heard_after.append(time.perf_counter() - sent_at[-1])
    return f"{heard_after[-1]:.2f} s after SIGINT"


# --8<-- [start:demos]
def worker(stop: threading.Event) -> None:
    deadline = time.perf_counter() + WORKER_LIMIT
    while not stop.wait(timeout=0.05) and time.perf_counter() < deadline:
        pass  # a unit of work per round
    said = "saw the stop signal" if stop.is_set() else "reached its time limit"
    say(f"{threading.current_thread().name}: {said}, cleaning up")


def threads_demo() -> None:
    stop = threading.Event()
    workers = [
        threading.Thread(target=worker, args=(stop,), name=f"worker-{i}")
        for i in (1, 2)
    ]
    for thread in workers:
        thread.start()
    press_ctrl_c_soon(0.3)
    try:
        for thread in workers:
            thread.join()  # no timeout: on POSIX the signal interrupts the wait
    except KeyboardInterrupt:
        name = threading.current_thread().name
        say(f"KeyboardInterrupt in {name}, in join(), {since_the_signal()}")
        stop.set()
        for thread in workers:
            thread.join(timeout=5)
    say(f"workers still alive: {sum(thread.is_alive() for thread in workers)}")


def pool_demo() -> None:
    pool = ThreadPoolExecutor(max_workers=2)
    futures = [pool.submit(task, n) for n in range(20)]
    press_ctrl_c_soon(0.3)
    try:
        for future in futures:
            future.result()  # no timeout either: the tasks take 2 s at most
    except KeyboardInterrupt:
        say(f"KeyboardInterrupt in Future.result(), {since_the_signal()}")
        # Running tasks finish; queued ones never start.
        pool.shutdown(wait=True, cancel_futures=True)
    done = sum(f.done() and not f.cancelled() for f in futures)
    cancelled = sum(f.cancelled() for f in futures)
    say(f"pool of 2: {done} tasks ran, {cancelled} of {len(futures)} were cancelled")


# --8<-- [end:demos]


def main() -> None:
    if sys.platform == "win32":
        print(
            "Not available on Windows: this demo sends SIGINT to its own process "
            "with os.kill, and on Windows os.kill cannot deliver SIGINT (it ends "
            "the process instead); press Ctrl-C yourself to see the same behaviour."
        )
        return
    say(f"main thread: {threading.current_thread().name}")
    heartbeat = threading.Thread(
        target=lambda: threading.Event().wait(), name="heartbeat", daemon=True
    )
    heartbeat.start()  # never told to stop: as a daemon, it is dropped at exit
    threads_demo()
    pool_demo()
    say(
        f"the daemon heartbeat is still alive: {heartbeat.is_alive()}; "
        "Python exits without waiting for it"
    )
    measure.record({"heard_after": heard_after})


if __name__ == "__main__":
    main()
