"""asyncio's debug mode names the task that blocked the event loop.

A coroutine that calls ``time.sleep`` does not give control back to the loop:
every other task waits until it returns. In debug mode (``asyncio.run(...,
debug=True)``, ``PYTHONASYNCIODEBUG=1`` or ``python -X dev``) the loop times each
step it runs and logs a warning through the ``asyncio`` logger for any step
slower than ``loop.slow_callback_duration``. Logging is configured to print to
stdout so the warning shows up in this page's output.
"""

import asyncio
import logging
import sys
import time


async def blocking_handler() -> None:
    time.sleep(0.2)  # the mistake: a blocking call inside a coroutine


async def polite_handler() -> None:
    await asyncio.sleep(0.2)  # the loop runs other tasks meanwhile


async def serve() -> None:
    loop = asyncio.get_running_loop()
    print(f"debug mode: {loop.get_debug()}")
    print(f"slow_callback_duration: {loop.slow_callback_duration} s\n")
    for handler in (polite_handler, blocking_handler):
        print(f"running {handler.__name__} as its own task:")
        await asyncio.create_task(handler(), name=handler.__name__)
        print()


def main() -> None:
    logging.basicConfig(
        stream=sys.stdout,
        level=logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(serve(), debug=True)


if __name__ == "__main__":
    main()
