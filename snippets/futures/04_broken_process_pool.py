"""A worker process that dies breaks the whole ProcessPoolExecutor.

When a worker ends abruptly (``os._exit``, a crash, a kill signal, the
out-of-memory killer), the pool cannot know which tasks were lost with it, so it
marks itself broken: every pending future fails with ``BrokenProcessPool`` and
later ``submit`` calls raise it at once. Tasks that were queued, or running in
another worker, fail with it. The only recovery is a new pool, and re-submitting
the work that did not finish.

The worker dies two ways: ``os._exit(1)``, and SIGKILL sent to itself (as the
out-of-memory killer would send it). SIGKILL needs POSIX; on Windows the program
says so and shows the first way only.
"""

import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

DEATHS = ["os._exit(1)"] + (["SIGKILL"] if hasattr(signal, "SIGKILL") else [])


# --8<-- [start:work]
def work(n: int, death: str) -> int:
    time.sleep(0.1)  # some work, so later tasks are still queued when a worker dies
    if n == 3:
        if death == "SIGKILL":
            os.kill(os.getpid(), signal.SIGKILL)  # to this worker only
        os._exit(1)  # the worker dies without a word, like a crash
    return n * n


# --8<-- [end:work]


# --8<-- [start:batch]
def run_batch(
    pool: ProcessPoolExecutor, inputs: list[int], death: str
) -> tuple[dict[int, int], list[int]]:
    futures = {pool.submit(work, n, death): n for n in inputs}
    results, failed = {}, []
    for future, n in futures.items():
        try:
            results[n] = future.result(timeout=30)
        except BrokenProcessPool:
            failed.append(n)
    return results, failed


# --8<-- [end:batch]


def main() -> None:
    if sys.platform == "win32":
        print("SIGKILL is not available on Windows: only os._exit(1) is shown.\n")
    inputs = list(range(6))
    # --8<-- [start:main]
    for death in DEATHS:
        print(f"--- task 3's worker dies by {death} ---")
        with ProcessPoolExecutor(max_workers=2) as pool:
            results, failed = run_batch(pool, inputs, death)
            print(f"results before the pool broke: {results}")
            print(f"futures that raised BrokenProcessPool: {failed}")
            try:
                pool.submit(work, 0, death)
            except BrokenProcessPool as error:
                print(f"submit() on the broken pool: BrokenProcessPool: {error}")

        retry = [n for n in failed if n != 3]  # skip the input that kills its worker
        with ProcessPoolExecutor(max_workers=2) as pool:
            recovered, still_failed = run_batch(pool, retry, death)
        print(f"in a new pool, re-submitted {retry}: {recovered}")
        print(f"failed again: {still_failed}\n")
    # --8<-- [end:main]


if __name__ == "__main__":
    main()
