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

From Python 3.15 (gh-139486), the ``BrokenProcessPool`` of each failed future has
a ``__cause__`` that names the dead worker: its PID and exit code (``-9`` for
SIGKILL). Before 3.15 it has none, and the program says which version adds it.
The pool asks for the exit code the moment it sees the worker end. Under the
forkserver start method it learns of the end from the fork server, which sends the
exit code with it, so the cause is always there. Under fork and spawn on POSIX it
sees a pipe of the worker's close, which can come just before the exit code can be
read, and then the cause is missing. The last part counts, for each start method,
how many of ten broken pools named their worker.
"""

import multiprocessing
import os
import platform
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

DEATHS = ["os._exit(1)"] + (["SIGKILL"] if hasattr(signal, "SIGKILL") else [])
NAMES_THE_WORKER = sys.version_info >= (3, 15)  # gh-139486
POOLS = 10  # broken pools per start method, in the last part


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
) -> tuple[dict[int, int], list[int], set[str]]:
    futures = {pool.submit(work, n, death): n for n in inputs}
    results, failed, causes = {}, [], set()
    for future, n in futures.items():
        try:
            results[n] = future.result(timeout=30)
        except BrokenProcessPool as error:
            failed.append(n)
            causes.add(cause_of(error))  # 3.15: which worker died, and how
    return results, failed, causes


# --8<-- [end:batch]


def cause_of(error: BaseException) -> str:
    """The text of an exception's ``__cause__`` (3.15: the remote traceback's text)."""
    if error.__cause__ is None:
        return "None"
    return str(error.__cause__).strip().strip("'").strip()


def count_named_workers() -> None:
    """For each start method: of POOLS broken pools, how many named the dead worker."""
    print(f"--- broken pools whose futures named the dead worker, of {POOLS} ---")
    for method in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context(method)
        named = 0
        for _ in range(POOLS):
            with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
                future = pool.submit(os._exit, 1)  # the worker dies at once
                try:
                    future.result(timeout=30)
                except BrokenProcessPool as error:
                    named += cause_of(error) != "None"
        print(f"{method + ':':<12} {named} of {POOLS}")


def main() -> None:
    if sys.platform == "win32":
        print("SIGKILL is not available on Windows: only os._exit(1) is shown.\n")
    inputs = list(range(6))
    method = multiprocessing.get_start_method()
    print(f"Python {platform.python_version()}, start method {method}\n")
    # --8<-- [start:main]
    for death in DEATHS:
        print(f"--- task 3's worker dies by {death} ---")
        with ProcessPoolExecutor(max_workers=2) as pool:
            results, failed, causes = run_batch(pool, inputs, death)
            print(f"results before the pool broke: {results}")
            print(f"futures that raised BrokenProcessPool: {failed}")
            print(f"their __cause__: {'; '.join(sorted(causes))}")
            try:
                pool.submit(work, 0, death)
            except BrokenProcessPool as error:
                print(f"submit() on the broken pool: BrokenProcessPool: {error}")

        retry = [n for n in failed if n != 3]  # skip the input that kills its worker
        with ProcessPoolExecutor(max_workers=2) as pool:
            recovered, still_failed, _ = run_batch(pool, retry, death)
        print(f"in a new pool, re-submitted {retry}: {recovered}")
        print(f"failed again: {still_failed}\n")
    # --8<-- [end:main]
    if not NAMES_THE_WORKER:
        print(
            "A __cause__ that names the dead worker's PID and exit code needs "
            f"Python 3.15; this is {platform.python_version()}."
        )
        return
    count_named_workers()


if __name__ == "__main__":
    main()
