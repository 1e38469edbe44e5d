"""Lost updates between threads, and the threading.Lock that prevents them.

Four threads each add 1 to a shared counter many times. Each update reads the
counter, calls a function and writes the result back. Another thread can run
between the read and the write; when it does, one thread writes back a stale
value and the other's updates are lost. Holding a lock around the read-call-write
lets only one thread at a time do it, and every update counts.
"""

import threading

THREADS = 4
ADDS = 300_000  # per thread

counter = 0
lock = threading.Lock()


def add_one(value: int) -> int:
    return value + 1  # stands in for any call: a check, a log line, a lookup


# --8<-- [start:workers]
def without_lock() -> None:
    global counter
    for _ in range(ADDS):
        counter = add_one(counter)  # read, call, write: three steps


def with_lock() -> None:
    global counter
    for _ in range(ADDS):
        with lock:  # one thread at a time runs the three steps
            counter = add_one(counter)


# --8<-- [end:workers]


def run(worker) -> int:
    global counter
    counter = 0
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counter


def main() -> None:
    expected = THREADS * ADDS
    for worker in (without_lock, with_lock):
        got = run(worker)
        lost = expected - got
        print(
            f"{worker.__name__:<12} expected {expected:,}, got {got:,}, lost {lost:,}"
        )


if __name__ == "__main__":
    main()
