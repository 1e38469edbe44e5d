"""``asyncio.Semaphore`` caps how many tasks do something at the same time.

Creating a task per job is cheap, but the thing the jobs talk to (a server, a
database, an API with a rate limit) may not take them all at once. A semaphore
holds a number of permits; ``async with semaphore`` takes one and waits while
none is free. Here twelve downloads run without a cap and then with a cap of
three, and each download records how many were in flight when it started.
"""

import asyncio
import contextlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

JOBS = 12
LIMIT = 3
SECONDS = 0.1  # each simulated download


class InFlight:
    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self.starts: list[float] = []


async def download(gate, tally: InFlight, t0: float) -> None:
    async with gate:
        tally.now += 1
        tally.peak = max(tally.peak, tally.now)
        tally.starts.append(time.perf_counter() - t0)
        await asyncio.sleep(SECONDS)
        tally.now -= 1


async def run(gate) -> tuple[InFlight, float]:
    tally = InFlight()
    t0 = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(JOBS):
            group.create_task(download(gate, tally, t0))
    return tally, time.perf_counter() - t0


def main() -> None:
    print(f"{JOBS} downloads of {SECONDS} s each\n")
    took_by = {}
    for label, gate in [
        ("no cap", contextlib.nullcontext()),
        (f"Semaphore({LIMIT})", asyncio.Semaphore(LIMIT)),
    ]:
        tally, took = asyncio.run(run(gate))
        took_by["capped" if label != "no cap" else "uncapped"] = took
        starts = ", ".join(f"{s:.2f}" for s in tally.starts)
        print(f"{label}: at most {tally.peak} in flight, all done in {took:.2f} s")
        print(f"  start times (s): {starts}\n")
    measure.record(took_by)  # for the page's claims; a reader's run prints nothing more


if __name__ == "__main__":
    main()
