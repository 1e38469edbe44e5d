"""``await`` one after another versus ``asyncio.create_task``: a timeline.

Three simulated downloads wait with ``asyncio.sleep``. Awaiting each coroutine in
turn runs them one after another: the second starts only when the first is done.
Creating a Task for each first lets the event loop run all three while the caller
waits, so their waits overlap. The bars show when each download was waiting,
relative to the start of the run.
"""

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

DOWNLOADS = {"a.txt": 0.3, "b.txt": 0.2, "c.txt": 0.1}  # simulated wait, seconds
TICK = 0.025  # seconds per character of a bar

Log = dict[str, tuple[float, float]]


# --8<-- [start:downloads]
async def download(name: str, log: Log, t0: float) -> str:
    start = time.perf_counter() - t0
    await asyncio.sleep(DOWNLOADS[name])  # the "network"
    log[name] = (start, time.perf_counter() - t0)
    return name


async def one_after_another(log: Log, t0: float) -> list[str]:
    return [await download(name, log, t0) for name in DOWNLOADS]


async def with_tasks(log: Log, t0: float) -> list[str]:
    tasks = [asyncio.create_task(download(name, log, t0)) for name in DOWNLOADS]
    # All three are scheduled now; they start as soon as this coroutine awaits.
    return [await task for task in tasks]


# --8<-- [end:downloads]


def show(title: str, log: Log, total: float, width: int) -> None:
    print(f"{title}: {total:.3f} s")
    for name in DOWNLOADS:
        start, end = log[name]
        bar = " " * round(start / TICK) + "#" * max(1, round((end - start) / TICK))
        print(f"  {name}  |{bar:<{width}}|  {start:.3f}-{end:.3f} s")


async def compare() -> None:
    results = {}
    for title, run in [
        ("await one after another", one_after_another),
        ("create_task, then await", with_tasks),
    ]:
        log: Log = {}
        t0 = time.perf_counter()
        names = await run(log, t0)
        results[title] = (time.perf_counter() - t0, log, names)
    width = round(sum(DOWNLOADS.values()) / TICK) + 2
    for title, (total, log, names) in results.items():
        show(title, log, total, width)
        print(f"  results, in the order awaited: {names}\n")
    sequential = results["await one after another"][0]
    overlapping = results["create_task, then await"][0]
    print(
        f"The waits add up to {sum(DOWNLOADS.values()):.3f} s and the longest is "
        f"{max(DOWNLOADS.values()):.3f} s; with tasks the run took "
        f"{overlapping / sequential:.0%} of the sequential time."
    )
    measure.record(  # for the page's claims; a reader's run prints nothing more
        {
            "sequential": sequential,
            "with_tasks": overlapping,
            "waits_sum": sum(DOWNLOADS.values()),
            "longest": max(DOWNLOADS.values()),
        }
    )


def main() -> None:
    asyncio.run(compare())


if __name__ == "__main__":
    main()
