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


def starts_like_javascript(events: list[str]) -> bool:
    """A JavaScript async function call runs the body before the caller goes on."""
    return events.index("body starts") < events.index("caller carries on")


def main() -> None:
    version = ".".join(map(str, sys.version_info[:3]))
    cases = [
        ("plain call", "coroutine = body(...); later: await coroutine", plain_call),
        ("create_task", "task = asyncio.create_task(body(...))", create_task),
    ]
    missing = []
    if sys.version_info >= (3, 12):
        cases.append(
            ("eager_task_factory", "the same, with eager_task_factory", eager_task)
        )
    else:
        missing.append(("eager_task_factory", "new in Python 3.12"))
    if accepts_eager_start():
        cases.append(
            (
                "eager_start=True",
                "task = asyncio.create_task(body(...), eager_start=True)",
                create_task_eager_start,
            )
        )
    else:  # create_task() has no such parameter here: it raises TypeError
        missing.append(("eager_start=True", "documented from Python 3.14, gh-128307"))
    verdicts = []
    for name, title, case in cases:
        print(title)
        events = asyncio.run(case())
        for number, event in enumerate(events, 1):
            print(f"  {number}. {event}")
        print()
        verdicts.append((name, "yes" if starts_like_javascript(events) else "no"))
    print("Does the body start before the caller carries on, as in JavaScript?")
    for name, verdict in verdicts:
        print(f"  {name}: {verdict}")
    for name, why in missing:
        print(f"  {name}: not in Python {version} ({why})")


if __name__ == "__main__":
    main()
