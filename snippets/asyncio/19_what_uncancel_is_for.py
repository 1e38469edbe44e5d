"""What ``Task.uncancel()`` is for: a scope takes back its own cancellation, no more.

A task counts the cancellation requests made to it (``cancelling()``, Python 3.11+).
``asyncio.timeout()`` and ``TaskGroup`` cancel their task to interrupt it, and when
the ``CancelledError`` reaches the end of their block they call ``uncancel()`` to take
their own request back. Only if none is left do they turn it into their own outcome.

Part 1: the deadline of a timeout passes at the moment someone else also cancels the
task. The timeout takes back its own request, sees the other one, and lets the
``CancelledError`` through instead of raising ``TimeoutError``: the outside request
is not lost.

Part 2: code that catches ``CancelledError`` to carry on, without calling
``uncancel()``, leaves a request counted. From Python 3.13 a ``TaskGroup`` that must
raise an ``ExceptionGroup`` treats a request still counted as a cancellation from
outside, and delivers it again (What's New in 3.13, gh-116720): the next ``await``
raises ``CancelledError``. Before 3.13 nothing comes back, but ``cancelling()`` still
says 1. With ``uncancel()`` the count is 0 and nothing comes back on any version.
"""

import asyncio
import sys


# --8<-- [start:both]
async def deadline_and_outside_cancel() -> str:
    async def worker(scopes: list) -> None:
        async with asyncio.timeout(10) as scope:
            scopes.append(scope)
            await asyncio.sleep(10)

    scopes: list = []
    task = asyncio.create_task(worker(scopes))
    await asyncio.sleep(0.01)  # the worker waits in its timeout block
    scopes[0].reschedule(asyncio.get_running_loop().time())  # the deadline: now
    task.cancel()  # ...and someone else cancels the task at the same moment
    try:
        await task
    except TimeoutError:
        return "the worker raised TimeoutError: the outside cancel was lost"
    except asyncio.CancelledError:
        return "the worker ended cancelled: the outside request survived the timeout"
    return "the worker finished"


# --8<-- [end:both]


# --8<-- [start:swallow]
async def fails() -> None:
    await asyncio.sleep(0.01)
    raise ValueError("a child failed")


async def swallow_then_task_group(call_uncancel: bool) -> list[str]:
    lines: list[str] = []
    me = asyncio.current_task()
    asyncio.get_running_loop().call_later(0.01, me.cancel)
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:  # "carry on anyway": rarely right
        if call_uncancel:
            me.uncancel()
    lines.append(f"swallowed the CancelledError; cancelling() = {me.cancelling()}")
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(fails())
    except ExceptionGroup as error:
        lines.append(f"the TaskGroup raised {error.exceptions!r}")
    try:
        await asyncio.sleep(0.01)
        lines.append("the next await ran normally")
    except asyncio.CancelledError:
        lines.append("the next await raised CancelledError: the leftover came back")
    return lines


# --8<-- [end:swallow]


def main() -> None:
    print("1. A deadline and an outside cancel at the same moment")
    print(f"   {asyncio.run(deadline_and_outside_cancel())}")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for call_uncancel in (False, True):
        how = "with uncancel()" if call_uncancel else "without uncancel()"
        print(
            f"2. Swallowing a CancelledError {how}, then a TaskGroup (Python {version})"
        )
        for line in asyncio.run(swallow_then_task_group(call_uncancel)):
            print(f"   {line}")


if __name__ == "__main__":
    main()
