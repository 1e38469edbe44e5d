"""Concurrency and parallelism, told apart by a clock.

Two tasks, A and B, each do the same four steps of pure-Python arithmetic. They run
three ways: one after the other; taking turns step by step in one thread (each task
is a generator, and a tiny round-robin loop resumes them in turn); and in two
processes at the same time. Every step records when it started and ended.

Two numbers tell the arrangements apart:

- how long both tasks were *in progress* (started and not yet finished): that is
  concurrency;
- how many CPUs were busy on average: the CPU time both tasks used, divided by
  the wall-clock time they took. Above 1, steps really ran at the same instant:
  that is parallelism. (Overlapping bars alone do not prove it: the operating
  system can also slice one CPU between two processes.)

The last line, the CPU time of the steps divided by their wall-clock time, is
close to 1 when each step had a CPU to itself; lower means other programs were
using the CPUs.
"""

import multiprocessing
import os
import platform
import time
from collections.abc import Iterator

STEPS = 4
STEP_SIZE = 800_000  # loop iterations per step: a few tens of milliseconds
TICK = 0.005  # seconds per character in the timeline

Step = tuple[float, float, float]  # start, end (wall clock), CPU seconds


def one_step() -> int:
    total = 0
    for i in range(STEP_SIZE):
        total += i % 7
    return total


def task(t0: float) -> Iterator[Step]:
    """Do STEPS steps; yield each one's start and end (from t0) and its CPU time."""
    for _ in range(STEPS):
        start, cpu = time.perf_counter() - t0, time.thread_time()
        one_step()
        yield start, time.perf_counter() - t0, time.thread_time() - cpu


def one_after_the_other(t0: float) -> dict[str, list[Step]]:
    return {"A": list(task(t0)), "B": list(task(t0))}


def taking_turns(t0: float) -> dict[str, list[Step]]:
    """One thread, two generators: run one step of A, one of B, and so on."""
    running = {"A": task(t0), "B": task(t0)}
    log: dict[str, list[Step]] = {"A": [], "B": []}
    while running:
        for name, steps in list(running.items()):
            try:
                log[name].append(next(steps))
            except StopIteration:
                del running[name]
    return log


def in_a_process(t0: float, go, results) -> None:
    go.wait()  # both children start computing together
    results.put(list(task(t0)))


def in_two_processes(t0: float) -> dict[str, list[Step]]:
    # spawn works on every platform; the children are started (and have imported
    # this module) before the clock matters, so start-up cost is not on the timeline.
    ctx = multiprocessing.get_context("spawn")
    go, results = ctx.Barrier(3), ctx.Queue()
    children = [
        ctx.Process(target=in_a_process, args=(t0, go, results)) for _ in range(2)
    ]
    for child in children:
        child.start()
    go.wait()
    logs = sorted((results.get(timeout=60) for _ in children), key=lambda s: s[0])
    for child in children:
        child.join()
    return {"A": logs[0], "B": logs[1]}


def lifetime(steps: list[Step]) -> tuple[float, float]:
    return steps[0][0], steps[-1][1]


def show(title: str, log: dict[str, list[Step]]) -> None:
    origin = min(step[0] for steps in log.values() for step in steps)
    end = max(step[1] for steps in log.values() for step in steps)
    wall = end - origin
    print(f"{title}: {wall:.2f} s")
    for name, steps in log.items():
        line = [" "] * (round(wall / TICK) + 1)
        for start, stop, _ in steps:
            first, last = round((start - origin) / TICK), round((stop - origin) / TICK)
            line[first : max(last, first + 1)] = "#" * max(1, last - first)
        print(f"  task {name} |{''.join(line)}|")
    (a_start, a_end), (b_start, b_end) = lifetime(log["A"]), lifetime(log["B"])
    in_progress = max(0.0, min(a_end, b_end) - max(a_start, b_start))
    steps = [step for task_steps in log.values() for step in task_steps]
    cpu = sum(step[2] for step in steps)
    running = sum(step[1] - step[0] for step in steps)
    print(f"  both tasks in progress: {in_progress:.2f} s")
    print(
        f"  CPUs busy on average:   {cpu / wall:.2f} ({cpu:.2f} CPU s / {wall:.2f} s)"
    )
    print(f"  CPU share of a step:    {cpu / running:.2f}")
    print()


def main() -> None:
    cpus = getattr(os, "process_cpu_count", os.cpu_count)()
    print(f"Python {platform.python_version()}, {cpus} usable CPUs\n")
    for title, arrangement in [
        ("One after the other", one_after_the_other),
        ("Taking turns in one thread", taking_turns),
        ("Two processes at once", in_two_processes),
    ]:
        t0 = time.perf_counter()
        show(title, arrangement(t0))


if __name__ == "__main__":
    main()
