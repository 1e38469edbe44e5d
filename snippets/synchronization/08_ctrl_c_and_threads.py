"""Ctrl-C reaches only the main thread. Stopping worker threads is up to the program.

The program sends SIGINT to itself, as Ctrl-C would. Python runs signal handlers
in the main thread only, so ``KeyboardInterrupt`` is raised there, and only if the
main thread gets to run Python code: waiting with ``join(timeout)`` in a loop keeps
it responsive. The workers are told to stop through an Event; a pool is stopped
with ``shutdown(cancel_futures=True)`` so queued tasks never start. A daemon
thread that nobody stops does not hold up the exit: Python drops it.
Delivering SIGINT with ``os.kill`` needs POSIX: on Windows, ``os.kill`` would end
the process instead, so there the program says so and stops.
"""

import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

T0 = time.perf_counter()
print_lock = threading.Lock()


def say(text: str) -> None:
    with print_lock:  # one whole line at a time, whichever thread prints
        print(f"{time.perf_counter() - T0:5.2f} s  {text}", flush=True)


def press_ctrl_c_soon(delay: float) -> None:
    def send() -> None:
        time.sleep(delay)
        os.kill(os.getpid(), signal.SIGINT)  # to this process only

    threading.Thread(target=send, daemon=True).start()


def task(n: int) -> int:
    time.sleep(0.2)  # a unit of work for the pool
    return n


# --8<-- [start:demos]
def worker(stop: threading.Event) -> None:
    while not stop.wait(timeout=0.05):
        pass  # a unit of work per round
    say(f"{threading.current_thread().name}: saw the stop signal, cleaning up")


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
        while any(thread.is_alive() for thread in workers):
            for thread in workers:  # short waits: the main thread stays interruptible
                thread.join(timeout=0.1)
    except KeyboardInterrupt:
        say(f"KeyboardInterrupt raised in {threading.current_thread().name}")
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
            future.result(timeout=10)
    except KeyboardInterrupt:
        say("KeyboardInterrupt while waiting for the pool: cancel_futures=True")
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


if __name__ == "__main__":
    main()
