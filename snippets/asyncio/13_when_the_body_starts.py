"""When does the body of an ``async def`` start? (The Python side of the JS comparison.)

Each case records the order of three events: the caller creating the coroutine
or task, the body starting (the code before its first ``await``), and the caller
carrying on. A plain call runs nothing; ``create_task`` schedules the body for a
later turn of the loop. A task can also start eagerly: its body starts inside
``create_task`` and runs until its first ``await`` that has to wait, which is what
every call of a JavaScript ``async function`` does. Two ways ask for that: the
loop's ``asyncio.eager_task_factory`` (Python 3.12+) makes every new task eager,
and ``create_task(..., eager_start=True)`` (documented from Python 3.14, gh-128307;
also on ``loop.create_task`` and ``TaskGroup.create_task``) makes one task eager.
The program shows each way this interpreter accepts, and says which it does not.
"""

import asyncio
import sys


# --8<-- [start:starts]
async def body(events: list[str]) -> None:
    events.append("body starts")
    await asyncio.sleep(0.01)  # the first await that really waits
    events.append("body resumes after its first await")


async def plain_call() -> list[str]:
    events: list[str] = []
    coroutine = body(events)
    events.append("caller carries on")
    await coroutine
    return events


async def create_task() -> list[str]:
    events: list[str] = []
    task = asyncio.create_task(body(events))
    events.append("caller carries on")
    await task
    return events


async def create_task_eager_start() -> list[str]:
    events: list[str] = []
    task = asyncio.create_task(body(events), eager_start=True)
    events.append("caller carries on")
    await task
    return events


def accepts_eager_start() -> bool:
    """Whether asyncio.create_task() takes ``eager_start`` on this interpreter."""

    async def probe() -> bool:
        coroutine = asyncio.sleep(0)
        try:
            task = asyncio.create_task(coroutine, eager_start=True)
        except TypeError:
            coroutine.close()  # never started: close it without a warning
            return False
        await task
        return True

    return asyncio.run(probe())


async def eager_task() -> list[str]:
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    return await create_task()


# --8<-- [end:starts]


def main() -> None:
    cases = [
        ("coroutine = body(...); later: await coroutine", plain_call),
        ("task = asyncio.create_task(body(...))", create_task),
    ]
    if sys.version_info >= (3, 12):
        cases.append(("the same, with eager_task_factory", eager_task))
    eager_start = accepts_eager_start()
    if eager_start:
        cases.append(
            (
                "task = asyncio.create_task(body(...), eager_start=True)",
                create_task_eager_start,
            )
        )
    for title, case in cases:
        print(title)
        for number, event in enumerate(asyncio.run(case()), 1):
            print(f"  {number}. {event}")
        print()
    if sys.version_info < (3, 12):
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        print(f"eager_task_factory is new in Python 3.12; this is Python {version}.")
    if not eager_start:
        version = ".".join(map(str, sys.version_info[:3]))
        print(
            "create_task(..., eager_start=True) is documented from Python 3.14;"
            f" Python {version} rejects it with a TypeError."
        )


if __name__ == "__main__":
    main()
