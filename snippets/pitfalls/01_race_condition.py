"""A race condition: threads lose updates to a shared counter; a lock fixes it.

Four threads each add 1 to a shared counter many times. "Add 1" is three steps:
read the counter, compute the new value, write it back. If another thread writes
between a thread's read and its write, one of the two updates is lost.

Three versions of the loop body:

- ``counter += 1``: the three steps are a few bytecodes long. CPython 3.10 and
  later check for a thread switch at fewer places than 3.9 did, so on a build with
  the GIL this line rarely loses updates; on a free-threaded build it does.
- ``counter = plus_one(counter)``: the same three steps with a function call in
  between, where a thread switch can happen. It loses updates on any build.
- the same, holding a ``threading.Lock`` around the read and the write: the fix.

The GIL protects the interpreter's own data (reference counts, dicts, lists), never
a read-modify-write of yours.
"""

import platform
import sys
import sysconfig
import threading

THREADS = 4
ADDS = 250_000  # per thread: enough work that thread switches happen mid-loop
TRIALS = 3

counter = 0
lock = threading.Lock()


def plus_one(value: int) -> int:
    return value + 1


def augmented_assignment() -> None:
    global counter
    for _ in range(ADDS):
        counter += 1


def read_call_write() -> None:
    global counter
    for _ in range(ADDS):
        counter = plus_one(counter)


def read_call_write_locked() -> None:
    global counter
    for _ in range(ADDS):
        with lock:  # no other thread can read or write counter in here
            counter = plus_one(counter)


def lost_updates(body) -> int:
    global counter
    counter = 0
    start_together = threading.Barrier(THREADS)

    def worker() -> None:
        start_together.wait()
        body()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return THREADS * ADDS - counter


def main() -> None:
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(
        f"Python {platform.python_version()}, "
        f"{'free-threaded' if free_threaded else 'standard'} build, "
        f"GIL {'on' if gil else 'off'}; {THREADS} threads x {ADDS:,} additions "
        f"= {THREADS * ADDS:,} expected in each of {TRIALS} trials\n"
    )
    for title, body in [
        ("counter += 1", augmented_assignment),
        ("counter = plus_one(counter)", read_call_write),
        ("with lock: counter = plus_one(counter)", read_call_write_locked),
    ]:
        lost = [lost_updates(body) for _ in range(TRIALS)]
        print(f"{title:<40} lost updates per trial: {lost}")


if __name__ == "__main__":
    main()
