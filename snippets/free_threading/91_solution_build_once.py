"""Exercise solution: fill a cache once, with no lock held while the value is built.

Case 1 of 01_what_is_safe_to_share.py fixes check-then-act with a Lock around the
check and the build, so every thread that wants *any* key waits while one value
is being built. Here the only shared step is ``dict.setdefault``, one atomic
operation on every build, GIL or not: each thread offers a new Future, exactly
one offer wins, the winner builds the value outside any lock, and the others
wait on the winner's Future for its result.
"""

import sys
import threading
import time
from concurrent.futures import Future

THREADS = 4
TIMEOUT = 10  # seconds for any wait


# --8<-- [start:solution]
class OnceCache:
    """A cache that builds each key's value once, however many threads ask."""

    def __init__(self, build) -> None:
        self.build = build
        self.futures: dict[str, Future] = {}

    def get(self, key: str) -> object:
        mine: Future = Future()
        winner = self.futures.setdefault(key, mine)  # atomic: one offer wins
        if winner is mine:  # this thread builds; no lock is held meanwhile
            try:
                mine.set_result(self.build(key))
            except BaseException as error:
                mine.set_exception(error)  # the waiting threads see it too
                raise
        return winner.result(timeout=TIMEOUT)


# --8<-- [end:solution]


def main() -> None:
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(f"GIL enabled: {gil}")
    builds: list[str] = []

    def build(key: str) -> object:
        builds.append(key)
        time.sleep(0.05)  # fetching the value: the other threads ask meanwhile
        return object()

    cache = OnceCache(build)
    got: list[object] = []
    barrier = threading.Barrier(THREADS, timeout=TIMEOUT)

    def worker() -> None:
        barrier.wait()  # all threads ask at the same moment
        got.append(cache.get("config"))

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a thread did not finish in time"
    times = "time" if len(builds) == 1 else "times"
    print(f"{THREADS} threads asked for one key: build() ran {len(builds)} {times}")
    same = len({id(value) for value in got}) == 1
    print(f"{len(got)} threads got a value; all the same object: {same}")


if __name__ == "__main__":
    main()
