"""Four ways to collect results from an executor: map, submit + as_completed, and
wait() with FIRST_COMPLETED and FIRST_EXCEPTION.

``map`` hands back results in input order, so a slow first task holds up the rest
of the loop. ``as_completed`` yields each future as it finishes. ``wait`` returns
two sets, done and not done, as soon as its condition holds: the first finished
future (FIRST_COMPLETED) or the first failure (FIRST_EXCEPTION), which lets a
program react to one error without waiting for the other tasks.
"""

import sys
import time
from concurrent.futures import (
    FIRST_COMPLETED,
    FIRST_EXCEPTION,
    ThreadPoolExecutor,
    as_completed,
    wait,
)
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the times the page reads

DELAYS = {"slow": 0.6, "medium": 0.3, "fast": 0.1}
FAILS_AFTER = 0.2  # seconds
T0 = time.perf_counter()
STAMPS: dict[float, list[float]] = {}  # every at(), by the T0 it counted from


def at() -> str:
    seconds = time.perf_counter() - T0
    STAMPS.setdefault(T0, []).append(seconds)
    return f"{seconds:4.2f} s"


def job(name: str) -> str:
    time.sleep(DELAYS[name])
    return name


def failing_job(name: str) -> str:
    time.sleep(FAILS_AFTER)
    raise ValueError(f"{name}: bad input")


def main() -> None:
    global T0
    # --8<-- [start:collect]
    with ThreadPoolExecutor(max_workers=3) as pool:
        T0 = time.perf_counter()
        print("map (input order):")
        for result in pool.map(job, DELAYS):
            print(f"  {at()}  {result}")

        T0 = time.perf_counter()
        print("submit + as_completed (completion order):")
        futures = [pool.submit(job, name) for name in DELAYS]
        for future in as_completed(futures, timeout=5):
            print(f"  {at()}  {future.result()}")

        T0 = time.perf_counter()
        futures = [pool.submit(job, name) for name in DELAYS]
        done, not_done = wait(futures, timeout=5, return_when=FIRST_COMPLETED)
        print(
            f"wait(FIRST_COMPLETED) returned at {at()}: "
            f"done={sorted(f.result() for f in done)}, still running={len(not_done)}"
        )
        wait(not_done, timeout=5)

        T0 = time.perf_counter()
        futures = [pool.submit(job, "slow"), pool.submit(failing_job, "parser")]
        done, not_done = wait(futures, timeout=5, return_when=FIRST_EXCEPTION)
        errors = [repr(f.exception()) for f in done if f.exception()]
        print(
            f"wait(FIRST_EXCEPTION) returned at {at()}: "
            f"errors={errors}, still running={len(not_done)}"
        )
    # --8<-- [end:collect]
    mapped, completed, [first_completed], [first_exception] = STAMPS.values()
    measure.record(
        {"map_times": mapped, "as_completed_times": completed,
         "finish_times": sorted(DELAYS.values()), "first_completed": first_completed,
         "first_exception": first_exception, "slow": DELAYS["slow"],
         "fast": DELAYS["fast"], "fails_after": FAILS_AFTER}
    )  # fmt: skip


if __name__ == "__main__":
    main()
