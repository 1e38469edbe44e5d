"""Threads switch where the system decides; coroutines switch only at an await.

Two workers append their letter, A or B, to one shared list. Every change from one
letter to the other in the list is a switch from one worker to the other. The
threads contain no line that asks for a switch, yet they switch; the coroutines
switch exactly where they await, so their count is the same on every run.
"""

import asyncio
import itertools
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # out of view: hands the values the page reads to the build


# --8<-- [start:demo]
def thread_worker(letter: str, log: list[str]) -> None:
    for _ in range(1_000_000):
        log.append(letter)  # no line here asks for a switch


async def coroutine_worker(letter: str, log: list[str]) -> None:
    for _ in range(10):
        log.extend([letter] * 100_000)
        await asyncio.sleep(0)  # the one place where the other may run


async def two_coroutines(log: list[str]) -> None:
    await asyncio.gather(coroutine_worker("A", log), coroutine_worker("B", log))


def main() -> None:
    by_threads, by_coroutines = [], []
    pair = [threading.Thread(target=thread_worker, args=(x, by_threads)) for x in "AB"]
    for thread in pair:
        thread.start()
    for thread in pair:
        thread.join()
    asyncio.run(two_coroutines(by_coroutines))
    switches = {}
    for name, log in [("threads", by_threads), ("coroutines", by_coroutines)]:
        switches[name] = sum(a != b for a, b in itertools.pairwise(log))
        print(f"{name:<10} {len(log):,} appends, switches between A and B: "
              f"{switches[name]}")  # fmt: skip
    # --8<-- [end:demo]
    measure.record({f"{name}_switches": n for name, n in switches.items()})


if __name__ == "__main__":
    main()
