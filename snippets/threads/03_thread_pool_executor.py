"""ThreadPoolExecutor: a fixed set of worker threads, results and errors handed back.

``map`` returns results in the order of its inputs. ``submit`` returns a Future;
``as_completed`` yields futures as they finish, and ``Future.result()`` hands back
the return value or re-raises the exception the task raised, in the caller's thread.
With three workers, five or six equal waits take two rounds.
"""

import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the time the page reads (end of main)

# --8<-- [start:pool]
WAITS = {
    "alpha": 0.3,
    "bravo": 0.3,
    "charlie": 0.3,
    "delta": 0.3,
    "echo": 0.3,
    "foxtrot": 0.3,
}


def fetch(name: str) -> str:
    time.sleep(WAITS[name])
    if name == "echo":
        raise ConnectionError(f"{name}: connection reset")  # one task fails
    return f"{name}: ok"


def main() -> None:
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="fetcher") as pool:
        t0 = time.perf_counter()
        ok = [name for name in WAITS if name != "echo"]
        results = list(pool.map(fetch, ok))  # results come back in input order
        mapped = time.perf_counter() - t0
        print(f"map over {len(ok)} tasks, 3 workers: {mapped:.2f} s")
        print("  " + ", ".join(results))

        t0 = time.perf_counter()
        futures = {pool.submit(fetch, name): name for name in WAITS}
        print(f"submit + as_completed over {len(futures)} tasks:")
        for future in as_completed(futures):
            try:
                print(f"  {future.result()}")
            except ConnectionError as error:  # raised in the worker, re-raised here
                print(f"  {futures[future]} failed: {error!r}")
        print(f"  all done after {time.perf_counter() - t0:.2f} s")
    # Leaving the with-block waits for every task: shutdown(wait=True).
    # --8<-- [end:pool]
    measure.record({"map_seconds": mapped, "wait": WAITS["alpha"]})


if __name__ == "__main__":
    main()
