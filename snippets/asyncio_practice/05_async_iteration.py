"""Async generators, ``async for``, ``as_completed``, and closing early.

An ``async def`` function that contains ``yield`` is an async generator: each
item may be awaited before it is produced (a page from an API, a line from a
socket), and ``async for`` consumes them. This example shows two things:

1. a consumer that stops early (``break``) leaves the generator suspended:
   its ``finally`` has not run, and whatever it holds stays open until
   ``aclose()`` is called; ``contextlib.aclosing`` makes that call for you;
2. ``asyncio.as_completed`` yields results in the order they finish; from
   Python 3.13 it is also an async iterator that yields the original tasks,
   so you know which one finished (on older versions this program says so and
   shows the plain ``for`` loop, which yields new awaitables).
"""

import asyncio
import contextlib
import platform

DEADLINE = 5  # seconds; everything here takes a fraction of one


# --8<-- [start:pages]
async def pages(log: list[str]):
    """Yields pages as if fetched one by one; holds a 'connection' while it runs."""
    log.append("generator: connection opened")
    try:
        for number in range(1, 100):
            await asyncio.sleep(0.01)  # fetching the page
            yield f"page {number}"
    finally:
        log.append("generator: connection closed (finally ran)")


# --8<-- [end:pages]


async def stop_early() -> None:
    print("1. a consumer that stops after two pages")
    log: list[str] = []
    source = pages(log)
    async for page in source:
        log.append(f"consumer: got {page}")
        if page == "page 2":
            break
    log.append(
        f"consumer: left the loop; generator suspended: {source.ag_frame is not None}"
    )
    await source.aclose()  # throws GeneratorExit in at the paused yield
    log.append(
        f"consumer: after aclose(); generator suspended: {source.ag_frame is not None}"
    )
    print("\n".join(f"  {line}" for line in log))

    print("  the same consumer inside contextlib.aclosing:")
    log = []
    # --8<-- [start:aclosing]
    async with contextlib.aclosing(pages(log)) as source:
        async for page in source:
            log.append(f"consumer: got {page}")
            if page == "page 2":
                break
        log.append("consumer: left the loop, still inside aclosing")
    log.append("consumer: after the async with block")
    # --8<-- [end:aclosing]
    print("\n".join(f"  {line}" for line in log))


async def fetch(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return f"{name} ({seconds} s)"


async def in_completion_order() -> None:
    print("\n2. asyncio.as_completed")
    delays = {"slow": 0.15, "fast": 0.05, "medium": 0.1}
    tasks = [
        asyncio.create_task(fetch(name, s), name=name) for name, s in delays.items()
    ]
    # --8<-- [start:completed]
    iterator = asyncio.as_completed(tasks, timeout=DEADLINE)
    if hasattr(iterator, "__aiter__"):
        print(
            f"  Python {platform.python_version()}: as_completed is an async iterator"
        )
        async for task in iterator:
            is_original = any(task is t for t in tasks)
            print(
                f"  async for: {task.get_name()} finished; original task? {is_original}"
            )
    else:
        print(
            f"  Python {platform.python_version()}: as_completed is not an async "
            "iterator (that arrived in 3.13); a plain for loop yields new awaitables"
        )
        for next_done in iterator:
            result = await next_done
            is_original = any(next_done is t for t in tasks)
            print(f"  for: {result} finished; original task? {is_original}")
    # --8<-- [end:completed]


async def tour() -> None:
    async with asyncio.timeout(DEADLINE):
        await stop_early()
        await in_completion_order()


def main() -> None:
    asyncio.run(tour())


if __name__ == "__main__":
    main()
