"""The first result wins: end a TaskGroup from inside, on Python 3.11 and later.

The same question goes to three mirrors at once; the first answer is all we need,
and the other requests should stop at once. A ``TaskGroup`` cancels every task in it
when one of them raises, so the winner raises an exception of our own that carries
its answer, and ``except*`` outside the group takes it back out. Any other error
still comes out of the group as usual. (Python 3.15 has ``TaskGroup.cancel()`` for
this: see ``21_task_group_cancel.py``.)
"""

import asyncio
import time

MIRRORS = {"mirror-a": 0.3, "mirror-b": 0.1, "mirror-c": 0.2}  # seconds to answer


# --8<-- [start:race]
class Answer(Exception):
    """Not an error: how the winner ends the group and carries its result out."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


async def ask(mirror: str, delay: float, log) -> None:
    try:
        await asyncio.sleep(delay)  # the request
    except asyncio.CancelledError:
        log(f"{mirror}: cancelled, another mirror answered first")
        raise
    raise Answer(f"{mirror} answered")  # ends the group: the others are cancelled


async def first_answer(log) -> str | None:
    answers: list[str] = []
    try:
        async with asyncio.TaskGroup() as group:
            for mirror, delay in MIRRORS.items():
                group.create_task(ask(mirror, delay, log))
    except* Answer as found:  # one Answer, or more if several came at once
        answers = [answer.value for answer in found.exceptions]
    return answers[0] if answers else None


# --8<-- [end:race]


def main() -> None:
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
