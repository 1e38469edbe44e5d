"""Deadlines with ``asyncio.timeout`` and cancelling a task, with cleanup that runs.

Cancelling a task throws ``CancelledError`` into its coroutine at the ``await``
where it is suspended. ``try``/``finally`` and ``async with`` blocks run their
cleanup, which may itself await. ``asyncio.timeout`` (Python 3.11+) is built on
the same mechanism: when the deadline passes it cancels the current task and
turns the cancellation into ``TimeoutError`` at the end of its block.
"""

import asyncio
import time


class Connection:
    """Stands in for anything that must be closed: a socket, a file, a lock."""

    def __init__(self, log) -> None:
        self.log = log

    async def __aenter__(self) -> "Connection":
        self.log("connection opened")
        return self

    async def __aexit__(self, exc_type, exc, traceback) -> None:
        await asyncio.sleep(0.01)  # closing politely takes a round trip
        passing = exc_type.__name__ if exc_type else "none"
        self.log(f"connection closed (exception passing through: {passing})")


# --8<-- [start:query]
async def slow_query(log, seconds: float) -> str:
    async with Connection(log):
        log(f"query sent; the answer takes {seconds} s")
        await asyncio.sleep(seconds)
        return "rows"


# --8<-- [end:query]


def stopwatch():
    """A log function that stamps each line with the time since it was made."""
    t0 = time.perf_counter()

    def log(text: str) -> None:
        print(f"  {time.perf_counter() - t0:5.2f} s  {text}")

    return log


# --8<-- [start:demo]
async def demo() -> None:
    print("1. A deadline with asyncio.timeout(0.1)")
    log = stopwatch()
    try:
        async with asyncio.timeout(0.1):
            await slow_query(log, 1.0)
    except TimeoutError:
        log("TimeoutError reached the caller after the cleanup above")

    print("\n2. Cancelling a task")
    log = stopwatch()
    task = asyncio.create_task(slow_query(log, 1.0))
    await asyncio.sleep(0.1)
    log(f"caller: task.cancel() returned {task.cancel()}")
    try:
        await task
    except asyncio.CancelledError:
        log("caller: awaiting the task raised CancelledError")
    log(f"caller: task.cancelled() = {task.cancelled()}")

    print("\n3. A deadline that is met")
    log = stopwatch()
    async with asyncio.timeout(1.0) as deadline:
        rows = await slow_query(log, 0.05)
    log(f"got {rows!r}; deadline expired? {deadline.expired()}")


# --8<-- [end:demo]


def main() -> None:
    asyncio.run(demo())


if __name__ == "__main__":
    main()
