"""A pipeline with backpressure: ``asyncio.Queue(maxsize=...)`` slows the producer.

A producer that is faster than its consumers fills an unbounded queue with
everything it has, and the backlog lives in memory until the consumers catch
up. With a ``maxsize``, ``await queue.put()`` waits while the queue is full, so
the producer runs at the consumers' pace and the backlog never exceeds
``maxsize``. The same pipeline runs with no bound and with two bounds, in
interleaved rounds (measure.compare); the table shows how long the producer spent
waiting in ``put`` and the longest the queue got.

Then the consumers are ended: with ``Queue.shutdown()`` on Python 3.13+
(``get`` raises ``asyncio.QueueShutDown`` once the queue is empty), and with one
sentinel per consumer on older versions, which is what this program does there.
"""

import asyncio
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

ITEMS = 40
CONSUMERS = 2
WORK = 0.01  # seconds a consumer spends on one item
REPEATS = 3  # rounds of the three pipelines, after a warm-up round
DEADLINE = 10  # seconds; nothing here should come close


# --8<-- [start:pipeline]
async def run_pipeline(maxsize: int) -> dict[str, float]:
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=maxsize)
    longest = 0
    waited = 0.0

    async def produce() -> None:
        nonlocal longest, waited
        for item in range(ITEMS):
            start = time.perf_counter()
            await queue.put(item)  # waits while the queue is full
            waited += time.perf_counter() - start
            longest = max(longest, queue.qsize())

    async def consume() -> None:
        while True:
            await queue.get()
            await asyncio.sleep(WORK)  # the slow part of the pipeline
            queue.task_done()

    start = time.perf_counter()
    async with asyncio.timeout(DEADLINE):
        consumers = [asyncio.create_task(consume()) for _ in range(CONSUMERS)]
        await produce()
        await queue.join()  # every item has been processed
        for task in consumers:
            task.cancel()
        await asyncio.gather(*consumers, return_exceptions=True)
    return {"waited": waited, "longest": longest, "total": time.perf_counter() - start}


# --8<-- [end:pipeline]


# --8<-- [start:shutdown]
async def end_consumers() -> None:
    """Drain the queue and end the consumers, the 3.13 way or the sentinel way."""
    queue: asyncio.Queue = asyncio.Queue(maxsize=4)
    done: list[str] = []
    has_shutdown = hasattr(queue, "shutdown")

    async def consume(name: str) -> None:
        count = 0
        while True:
            if has_shutdown:
                try:
                    item = await queue.get()
                except asyncio.QueueShutDown:  # 3.13+: closed and empty
                    break
            else:
                item = await queue.get()
                if item is None:  # the sentinel
                    break
            count += 1
            await asyncio.sleep(WORK)
        done.append(f"{name} stopped after {count} items")

    async with asyncio.timeout(DEADLINE):
        async with asyncio.TaskGroup() as group:
            for i in range(CONSUMERS):
                group.create_task(consume(f"consumer {i}"))
            for item in range(10):
                await queue.put(item)
            if has_shutdown:
                queue.shutdown()  # put() now raises; get() raises once empty
            else:
                for _ in range(CONSUMERS):
                    await queue.put(None)
    # --8<-- [end:shutdown]
    version = platform.python_version()
    if has_shutdown:
        print(f"Python {version}: queue.shutdown() ended the consumers:")
        try:
            queue.put_nowait(99)
        except asyncio.QueueShutDown:
            print("  put after shutdown() raised QueueShutDown")
    else:
        print(
            f"Python {version}: asyncio.Queue has no shutdown() (added in 3.13); "
            f"{CONSUMERS} sentinels ended the consumers:"
        )
    for line in sorted(done):
        print(f"  {line}")


def main() -> None:
    bounds = {"unbounded": 0, "maxsize=10": 10, "maxsize=2": 2}
    results: dict[str, list[dict[str, float]]] = {label: [] for label in bounds}

    def pipeline(label: str):
        return lambda: results[label].append(asyncio.run(run_pipeline(bounds[label])))

    others = measure.watch_other_programs()  # a busy machine delays every wake-up
    # Interleaved rounds: each runs the three pipelines once (measure.compare).
    measure.compare({label: pipeline(label) for label in bounds}, repeats=REPEATS)
    taken = others()
    rows, values = [], {"consumers_work": ITEMS * WORK / CONSUMERS}
    for label, all_runs in results.items():
        runs = all_runs[-REPEATS:]  # the warm-up round's came first
        waited = measure.Timing(tuple(run["waited"] for run in runs))
        total = measure.Timing(tuple(run["total"] for run in runs))
        rows.append(
            [label, waited.cell(3), max(run["longest"] for run in runs), total.cell(3)]
        )
        name = label.replace("maxsize=", "max")
        values |= {
            f"waited_{name}": waited,
            f"total_{name}": total,
            f"longest_{name}": [run["longest"] for run in runs],
        }
    measure.report(
        measure.table(
            ["Queue", "Producer waited in put (s)", "Longest queue", "Total (s)"],
            rows,
            caption=f"{ITEMS} items, {CONSUMERS} consumers taking {WORK} s "
            "per item; the producer itself takes no time.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds, the three pipelines interleaved; "
        "longest queue: the longest in any run",
        others=taken,
        values=values,
    )
    print()
    asyncio.run(end_consumers())


if __name__ == "__main__":
    main()
