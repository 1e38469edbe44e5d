"""One event loop, one thread: its tasks take turns, measured (Linux).

Three tasks each compute a little, then ``await asyncio.sleep(0)``, which hands
the thread back to the event loop; the loop runs the next task that is ready.
``snippets/timeline.py`` records the program from outside: the operating system
sees one thread, on a CPU almost all the time. Which task ran when, the loop itself
knows: a task factory wraps each task's coroutine so that every step the loop runs
is timed, and those steps become a lane per task under the thread's. Without
Linux's ``/proc`` the program says so and draws nothing.
"""

import asyncio
import collections.abc
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure
import timeline
import timeline_svg

STEPS = 8  # steps per task
WORK = 150_000  # loop iterations per step


def compute(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


# --8<-- [start:tasks]
async def worker() -> None:
    for _ in range(STEPS):
        compute(WORK)  # runs on the loop's only thread; no other task runs meanwhile
        await asyncio.sleep(0)  # back to the loop, which runs the next ready task


async def three_tasks(steps: list) -> None:
    asyncio.get_running_loop().set_task_factory(timed_steps(steps))
    async with asyncio.TaskGroup() as group:
        for name in ("task A", "task B", "task C"):
            group.create_task(worker(), name=name)


# --8<-- [end:tasks]


class Steps(collections.abc.Coroutine):
    """A task's coroutine, wrapped: each step the loop runs is noted in ``log`` as
    (task name, start, end), times from time.perf_counter()."""

    def __init__(self, coro: collections.abc.Coroutine, log: list) -> None:
        self.coro, self.log, self.task = coro, log, None

    def timed(self, step, *args):
        start = time.perf_counter()
        try:
            return step(*args)
        finally:
            self.log.append((self.task.get_name(), start, time.perf_counter()))

    def send(self, value):
        return self.timed(self.coro.send, value)

    def throw(self, *args):
        return self.timed(self.coro.throw, *args)

    def close(self) -> None:
        self.coro.close()

    def __await__(self):
        return self.coro.__await__()


def timed_steps(log: list):
    """A task factory (loop.set_task_factory) whose tasks note their steps."""

    def factory(loop, coro, **kwargs):
        steps = Steps(coro, log)
        steps.task = asyncio.Task(steps, loop=loop, **kwargs)
        return steps.task

    return factory


def run_tasks() -> list[tuple[str, float, float]]:
    steps: list[tuple[str, float, float]] = []
    asyncio.run(three_tasks(steps))
    return steps


def main() -> None:
    if reason := timeline.unavailable():
        print(reason)
        return
    recorded = timeline.record(run_tasks)
    threads = len(recorded.lanes)  # what the operating system saw
    # Only our three: asyncio.run's own clean-up tasks come from the factory too.
    steps = sorted((s for s in recorded.result if s[0].startswith("task ")),
                   key=lambda step: step[1])  # fmt: skip
    for name in sorted({step[0] for step in steps}):
        recorded.add(name, [(a, b) for task, a, b in steps if task == name])
    pairs = list(itertools.pairwise(task for task, _a, _b in steps))
    turn_taking = sum(first != second for first, second in pairs) / len(pairs)
    print(
        timeline_svg.figure(
            recorded,
            "One event loop thread and its three tasks, measured",
            "The operating system's lane for the program's one thread, then a lane "
            "per task from the loop's own timing of each step.",
        )
    )
    print()
    # How many threads there are, and in which order the steps ran, do not depend
    # on free CPUs: the table says how busy the machine was, the claims need not.
    print(measure.provenance(others=recorded.others))
    print()
    print(
        timeline_svg.table(recorded)
        + f"\n\nThe operating system saw {threads} thread(s). Of {len(pairs)} "
        f"consecutive pairs of steps, {turn_taking:.0%} were steps of two different "
        f"tasks. {timeline_svg.sampling_note(recorded)}"
    )
    measure.record({"threads": threads, "turn_taking": turn_taking})


if __name__ == "__main__":
    main()
