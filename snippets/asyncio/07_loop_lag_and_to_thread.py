"""How late the event loop runs when a coroutine blocks, and the fix with to_thread.

A heartbeat task asks to wake up every 10 ms and records how late each wake-up
is: that delay is the loop's lag, the time any ready task would have waited for
its turn. Next to it, a handler waits 0.2 s two ways: with ``time.sleep`` in the
coroutine (the loop is stuck), and with ``await asyncio.to_thread(time.sleep,
...)`` (the wait happens in a worker thread of the loop's default executor while
the loop keeps running). Both handlers take as long; only one freezes the loop.
"""

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

BLOCK = 0.2  # seconds each handler waits
BEAT = 0.01  # the heartbeat's period
REPEATS = 3


# --8<-- [start:lag]
async def heartbeat(lags: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        due = loop.time() + BEAT
        await asyncio.sleep(BEAT)
        lags.append(loop.time() - due)


async def sleeps_in_the_loop() -> None:
    time.sleep(BLOCK)


async def sleeps_in_a_thread() -> None:
    await asyncio.to_thread(time.sleep, BLOCK)


async def one_run(handler) -> tuple[float, float, int]:
    """(seconds the handler took, worst heartbeat lag, heartbeats) for one run."""
    lags: list[float] = []
    stop = asyncio.Event()
    beat = asyncio.create_task(heartbeat(lags, stop))
    await asyncio.sleep(3 * BEAT)  # the heartbeat is running
    lags.clear()
    start = time.perf_counter()
    await handler()
    took = time.perf_counter() - start
    stop.set()
    await beat
    return took, max(lags), len(lags)


HANDLERS = {
    "`time.sleep` in the coroutine": sleeps_in_the_loop,
    "`await asyncio.to_thread(time.sleep, ...)`": sleeps_in_a_thread,
}
# --8<-- [end:lag]


async def compare() -> dict[str, list[tuple[float, float, int]]]:
    """Per handler, its timed runs: (seconds it took, worst lag, heartbeats)."""
    results = {}
    for label, handler in HANDLERS.items():
        await one_run(handler)  # warm-up (starts the executor's thread once)
        results[label] = [await one_run(handler) for _ in range(REPEATS)]
    return results


def main() -> None:
    results = asyncio.run(compare())
    rows, values = [], {}
    for (label, runs), short in zip(results.items(), ("sleep", "thread"), strict=True):
        took = measure.Timing(tuple(run[0] for run in runs))
        lag = measure.Timing(tuple(run[1] for run in runs))
        beats = [run[2] for run in runs]
        lag_ms = measure.Timing(tuple(x * 1000 for x in lag.samples))
        rows.append(
            [label, took.cell(3), lag_ms.cell(1), f"{statistics.median(beats):g}"]
        )
        values |= {f"took_{short}": took, f"lag_{short}": lag, f"beats_{short}": beats}
    measure.report(
        measure.table(
            [
                "The handler waits with",
                "Handler took (s)",
                "Worst loop lag (ms)",
                "Heartbeats meanwhile",
            ],
            rows,
        ),
        repeats=REPEATS,
        statistic=(
            "median (min–max); heartbeats: median count, one expected "
            f"every {BEAT * 1000:g} ms"
        ),
        values=values,
    )
    blocked, threaded = (
        values[f"lag_{short}"].median * 1000 for short in ("sleep", "thread")
    )
    print(
        f"\nWhile `time.sleep` held the loop, the worst wake-up was {blocked:.0f} ms "
        f"late (median); with `to_thread` it was {threaded:.1f} ms late."
    )


if __name__ == "__main__":
    main()
