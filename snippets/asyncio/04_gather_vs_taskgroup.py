"""When one of several tasks fails: ``asyncio.gather`` versus ``asyncio.TaskGroup``.

Three jobs run together; one fails early. ``gather`` passes the first exception
to its caller at once, but the other jobs are not cancelled: they keep running
(here until they finish) and nothing waits for them. A ``TaskGroup`` (Python
3.11+) cancels the other jobs as soon as one fails, waits until they have
finished cleaning up, and then raises every error together in an
``ExceptionGroup``, which ``except*`` takes apart.
"""

import asyncio
import time


def log(t0: float, text: str) -> None:
    print(f"  {time.perf_counter() - t0:5.2f} s  {text}")


# --8<-- [start:job]
async def job(t0: float, name: str, seconds: float) -> str:
    log(t0, f"{name}: started")
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        log(t0, f"{name}: cancelled, cleaning up")
        raise  # let the cancellation finish the task
    log(t0, f"{name}: finished")
    return name


# --8<-- [end:job]


async def failing(t0: float, name: str, seconds: float) -> str:
    log(t0, f"{name}: started")
    await asyncio.sleep(seconds)
    log(t0, f"{name}: raising ValueError")
    raise ValueError(f"{name} failed")


def three_jobs(t0: float, create_task) -> list[asyncio.Task]:
    return [
        create_task(job(t0, "slow-1", 0.3)),
        create_task(job(t0, "slow-2", 0.4)),
        create_task(failing(t0, "broken", 0.1)),
    ]


# --8<-- [start:compare]
async def with_gather() -> None:
    print("asyncio.gather")
    t0 = time.perf_counter()
    tasks = three_jobs(t0, asyncio.create_task)
    try:
        await asyncio.gather(*tasks)
    except ValueError as error:
        log(t0, f"caller: gather raised {error!r}")
    log(t0, f"caller: tasks still running: {sum(not t.done() for t in tasks)}")
    await asyncio.wait(tasks)  # here we wait for them; a real program may forget to
    log(t0, f"caller: all ended; cancelled: {sum(t.cancelled() for t in tasks)}")


async def with_task_group() -> None:
    print("\nasyncio.TaskGroup")
    t0 = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as group:
            tasks = three_jobs(t0, group.create_task)
    except* ValueError as errors:
        log(t0, f"caller: TaskGroup raised {errors!r}")
    log(t0, f"caller: tasks still running: {sum(not t.done() for t in tasks)}")
    log(t0, f"caller: all ended; cancelled: {sum(t.cancelled() for t in tasks)}")


# --8<-- [end:compare]


def main() -> None:
    asyncio.run(with_gather())
    asyncio.run(with_task_group())


if __name__ == "__main__":
    main()
