"""Coroutines, Tasks and Futures: what runs when.

Calling a coroutine function only creates a coroutine object; none of its body
runs. Awaiting the object runs the body inside the task that awaits it (no new
Task is created). ``asyncio.create_task`` wraps it in a Task of its own, which
the event loop starts at its next iteration. A Future is a slot for a result
that arrives later; a Task is a Future that drives a coroutine, and when the
coroutine raises, the Task ends and keeps the exception for whoever asks.
"""

import asyncio
import gc
import warnings

started: list[str] = []  # each coroutine body appends its label when it starts


async def report(label: str) -> str:
    started.append(label)
    task = asyncio.current_task()
    print(f"    {label}: body runs, inside task {task.get_name()!r}")
    await asyncio.sleep(0)  # give the loop a chance to run something else
    return f"{label} done"


async def broken() -> None:
    await asyncio.sleep(0)
    raise ValueError("something went wrong")


async def tour() -> None:
    print(f"tour() runs inside task {asyncio.current_task().get_name()!r}")

    print("\n1. Calling a coroutine function")
    coro = report("awaited directly")
    print(f"    report(...) returned a {type(coro).__name__} object")
    print(f"    bodies started so far: {started}")
    result = await coro
    print(f"    await returned {result!r}")

    print("\n2. Wrapping it in a Task")
    task = asyncio.create_task(report("as a task"), name="reporter")
    print(f"    create_task returned {task.get_name()!r}; done? {task.done()}")
    print(f"    tour() carries on; bodies started so far: {started}")
    print(f"    await task returned {await task!r}")
    print(f"    a Task is a Future: {isinstance(task, asyncio.Future)}")

    print("\n3. A Future filled in later by a callback")
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(0.05, future.set_result, 42)
    print(f"    done? {future.done()}; awaiting it...")
    print(f"    await future returned {await future}; done? {future.done()}")

    print("\n4. A Task whose coroutine raises")
    failing = asyncio.create_task(broken(), name="broken")
    await asyncio.wait([failing])  # wait for it to end without raising here
    print(f"    done? {failing.done()}; stored exception: {failing.exception()!r}")
    try:
        await failing
    except ValueError as error:
        print(f"    await re-raised it: {error!r}")

    print("\n5. A coroutine that is never awaited")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report("forgotten")  # created and dropped at once
        gc.collect()
    for warning in caught:
        print(f"    {warning.category.__name__}: {warning.message}")


def main() -> None:
    asyncio.run(tour())


if __name__ == "__main__":
    main()
