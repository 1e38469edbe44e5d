"""The first result wins, with ``TaskGroup.cancel()`` (new in Python 3.15).

The race of ``20_first_result_wins.py`` again. Python 3.15 added
``TaskGroup.cancel()`` (gh-127214): it cancels every task of the group that is not
done, and the body of the ``async with`` block too, and the block then ends
*without* raising anything. So the winner records its answer and calls
``group.cancel()``; no exception of our own, no ``except*``. On an older Python the
program says which version it needs and stops.
"""

import asyncio
import sys
import time

MIRRORS = {"mirror-a": 0.3, "mirror-b": 0.1, "mirror-c": 0.2}  # seconds to answer


# --8<-- [start:race]
async def ask(mirror: str, delay: float, group, answers: list[str], log) -> None:
    try:
        await asyncio.sleep(delay)  # the request
    except asyncio.CancelledError:
        log(f"{mirror}: cancelled, another mirror answered first")
        raise
    answers.append(f"{mirror} answered")
    group.cancel()  # the goal is met: end the group, quietly


async def first_answer(log) -> str | None:
    answers: list[str] = []
    async with asyncio.TaskGroup() as group:
        for mirror, delay in MIRRORS.items():
            group.create_task(ask(mirror, delay, group, answers, log))
        await asyncio.sleep(10)  # the body waits too; cancel() ends it as well
        log("not printed: the body was cancelled")
    log("the async with block ended without an exception")
    return answers[0] if answers else None


# --8<-- [end:race]


def main() -> None:
    if not hasattr(asyncio.TaskGroup, "cancel"):
        version = ".".join(map(str, sys.version_info[:3]))
        print(
            "TaskGroup.cancel() is new in Python 3.15 (gh-127214); this is Python "
            f"{version}. 20_first_result_wins.py does the same on 3.11 and later."
        )
        return
    lines: list[str] = []
    start = time.perf_counter()
    winner = asyncio.run(first_answer(lines.append))
    took = time.perf_counter() - start
    for line in lines:
        print(line)
    fastest = min(MIRRORS.values())
    print(f"winner: {winner} after {took:.2f} s (the fastest mirror takes {fastest} s)")


if __name__ == "__main__":
    main()
