"""Exercise solution: the lost updates disappear without a Lock.

The race in 07_lock_fixes_lost_updates.py needs two threads to read and write the
same variable. Take the sharing away and there is nothing to race on: each thread
counts in a local variable, returns its total, and the main thread adds the
totals once every thread has finished. ThreadPoolExecutor hands each result back
through a Future, and Future.result() waits for it.
"""

from concurrent.futures import ThreadPoolExecutor

THREADS = 4
ADDS = 300_000  # per thread, as in 07_lock_fixes_lost_updates.py


def add_one(value: int) -> int:
    return value + 1


# --8<-- [start:solution]
def count_alone() -> int:
    counter = 0  # a local variable: no other thread can see it
    for _ in range(ADDS):
        counter = add_one(counter)
    return counter


def main() -> None:
    expected = THREADS * ADDS
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(count_alone) for _ in range(THREADS)]
        got = sum(future.result() for future in futures)  # added by one thread only
    print(f"no sharing   expected {expected:,}, got {got:,}, lost {expected - got:,}")
    # --8<-- [end:solution]


if __name__ == "__main__":
    main()
