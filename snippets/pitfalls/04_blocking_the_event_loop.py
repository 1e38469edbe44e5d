"""One blocking call stalls every coroutine on the event loop; a thread fixes it.

A heartbeat coroutine wants to run every TICK seconds and records how late each
beat is. Meanwhile a handler does something slow that is not a coroutine (here
``time.sleep``, standing in for a blocking library call such as ``requests.get`` or
a database driver). The event loop runs one callback at a time and only switches
at an ``await``, so while the handler blocks, nothing else runs: the heartbeat is
late by the whole blocking time.

The fix for blocking I/O is to run the call in a worker thread with
``await asyncio.to_thread(...)``, which the loop can await; for CPU-heavy work,
``loop.run_in_executor`` with a process pool. Debug mode (``asyncio.run(...,
debug=True)``) logs every callback that holds the loop longer than
``loop.slow_callback_duration`` (0.1 s by default).
"""

import asyncio
import logging
import re
import sys
import time

TICK = 0.02  # the heartbeat's period, seconds
BLOCK = 0.3  # how long the slow call takes, seconds


# --8<-- [start:loop]
async def heartbeat(lateness: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        due = time.perf_counter() + TICK
        await asyncio.sleep(TICK)
        lateness.append(time.perf_counter() - due)


def slow_call() -> None:
    time.sleep(BLOCK)  # blocks the calling thread for BLOCK seconds


async def handler(blocking: bool) -> None:
    if blocking:
        slow_call()  # runs on the event loop's thread: everything waits
    else:
        await asyncio.to_thread(slow_call)  # runs in a worker thread


async def scenario(blocking: bool) -> float:
    lateness: list[float] = []
    stop = asyncio.Event()
    beat = asyncio.create_task(heartbeat(lateness, stop))
    await asyncio.sleep(3 * TICK)  # a few normal beats first
    await handler(blocking)
    await asyncio.sleep(3 * TICK)
    stop.set()
    await beat
    return max(lateness)


SLOW_CALLBACK = re.compile(r"^(Executing <\w+ ).*?(coro=<\w+\(\)).*(> took .*)$")
# --8<-- [end:loop]


class Shortened(logging.Formatter):
    """Keep the coroutine's name and the duration; drop file paths and callbacks."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        found = SLOW_CALLBACK.search(message)
        if found:
            message = f"{found[1]}... {found[2]} ...{found[3]}"
        return f"  asyncio debug log, {record.levelname}: {message}"


def main() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(Shortened())
    logging.getLogger("asyncio").addHandler(handler)
    print(f"heartbeat every {TICK} s; the slow call takes {BLOCK} s\n")
    for title, blocking in [
        ("slow_call() inside the coroutine", True),
        ("await asyncio.to_thread(slow_call)", False),
    ]:
        print(f"{title}:")
        worst = asyncio.run(scenario(blocking), debug=True)
        print(f"  latest heartbeat: {worst:.3f} s late\n")


if __name__ == "__main__":
    main()
