"""One asyncio event loop per thread, for requests that compute as well as wait.

One event loop runs one task at a time in one thread. When handling a request
means real computation (parsing, rendering, checksums) between the awaits,
that computation is the limit, and one loop uses one CPU at most. Running
several loops, each in its own thread with its own tasks, lets a free-threaded
build compute for several requests at once; with the GIL, the loops take turns
and nothing is gained.

The same batch of requests is handled by one loop, and then split across two
and four loops in as many threads. Each loop is created and run in its own
thread by ``asyncio.run``; no task, future or loop is shared between threads.
"""

import asyncio
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

REQUESTS = 64
WORK = 50_000  # loop iterations of pure-Python work per request
LOOP_COUNTS = (1, 2, 4)
REPEATS = 5
TIMEOUT = 60  # seconds for one join


# --8<-- [start:loops]
async def handle(request: int) -> int:
    await asyncio.sleep(0)  # the request arrives (stands in for a socket read)
    checksum = request
    for i in range(WORK):  # the computation a handler does
        checksum = (checksum * 31 + i) % 1_000_003
    await asyncio.sleep(0)  # the reply goes out
    return checksum


async def serve(requests: range) -> list[int]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(handle(r)) for r in requests]
    return [task.result() for task in tasks]


def run_loops(loops: int) -> None:
    results: list[list[int]] = [[] for _ in range(loops)]

    def one_loop(index: int) -> None:
        share = range(index, REQUESTS, loops)  # this loop's requests
        results[index] = asyncio.run(serve(share))  # a new loop, in this thread

    threads = [threading.Thread(target=one_loop, args=(i,)) for i in range(loops)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "an event loop did not finish in time"
    assert sum(len(r) for r in results) == REQUESTS


# --8<-- [end:loops]


def main() -> None:
    others = measure.watch_other_programs()  # loops in parallel need free CPUs
    timings = measure.compare(
        {loops: (lambda n=loops: run_loops(n)) for loops in LOOP_COUNTS},
        repeats=REPEATS,
    )
    taken = others()
    one = timings[1]
    speedups = {n: measure.speedup(one, timing) for n, timing in timings.items()}
    rows = [
        [loops, timing.cell(3), "1.00x" if loops == 1 else speedups[loops].cell()]
        for loops, timing in timings.items()
    ]
    gil = "on" if measure.gil_enabled() else "off"
    measure.report(
        measure.table(
            ["Event loops (one per thread)", "Seconds", "Speed-up over one loop"],
            rows,
            caption=f"{REQUESTS} requests, each computing {WORK:,} steps between "
            f"two awaits; {measure.usable_cpus()} usable CPUs; the GIL was {gil}. "
            "Speed-up: one loop's time over this row's time within each round, as "
            "the median round (slowest–fastest).",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds, runs interleaved; "
        "speed-ups per round, as the median round",
        others=taken,
        values={f"speedup_{loops}": speedups[loops] for loops in LOOP_COUNTS[1:]},
    )


if __name__ == "__main__":
    main()
