"""A Semaphore caps how many threads use a resource at once; a BoundedSemaphore
also catches a release() that has no matching acquire().

Eight threads want a "connection" that only three may hold at a time. Each thread
records how many holders there are while it holds one, so the program measures
the peak instead of assuming it. A plain Semaphore accepts any number of extra
releases and silently raises its limit; a BoundedSemaphore raises ValueError.
"""

import threading
import time

LIMIT = 3
THREADS = 8


def peak_holders(semaphore: threading.Semaphore | None) -> int:
    holders = 0
    peak = 0
    count_lock = threading.Lock()

    # --8<-- [start:limit]
    def use_connection() -> None:
        nonlocal holders, peak
        if semaphore is not None and not semaphore.acquire(timeout=5):
            raise TimeoutError("no connection free for 5 s")
        try:
            with count_lock:
                holders += 1
                peak = max(peak, holders)
            time.sleep(0.05)  # the work done while holding the connection
            with count_lock:
                holders -= 1
        finally:
            if semaphore is not None:
                semaphore.release()

    # --8<-- [end:limit]

    threads = [threading.Thread(target=use_connection) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    return peak


def main() -> None:
    print(f"{THREADS} threads, each holding a connection for 0.05 s")
    print(f"  no semaphore:      at most {peak_holders(None)} held at once")
    limited = peak_holders(threading.Semaphore(LIMIT))
    print(f"  Semaphore({LIMIT}):      at most {limited} held at once")

    # --8<-- [start:bounded]
    plain = threading.Semaphore(LIMIT)
    plain.release()  # a bug: a release without an acquire
    taken = sum(plain.acquire(blocking=False) for _ in range(LIMIT + 2))
    print(f"\nSemaphore({LIMIT}) after one extra release(): {taken} acquires succeed")

    bounded = threading.BoundedSemaphore(LIMIT)
    try:
        bounded.release()
    except ValueError as error:
        print(f"BoundedSemaphore({LIMIT}), extra release(): ValueError: {error}")
    # --8<-- [end:bounded]


if __name__ == "__main__":
    main()
