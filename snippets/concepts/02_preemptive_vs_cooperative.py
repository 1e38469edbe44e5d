"""Threads switch where the system decides; coroutines switch only at an await."""

import asyncio
import itertools
from concurrent.futures import ThreadPoolExecutor


def thread_worker(log: list[str], letter: str) -> None:
    for _ in range(1_000_000):
        log.append(letter)  # no line here asks for a switch


async def take_turns(log: list[str]) -> None:
    async def worker(letter: str) -> None:
        for _ in range(10):
            log.extend([letter] * 100_000)
            await asyncio.sleep(0)  # the one place where the other may run

    await asyncio.gather(worker("A"), worker("B"))


def main() -> None:
    threads_log, coroutines_log = [], []
    with ThreadPoolExecutor(2) as two_threads:
        list(two_threads.map(thread_worker, [threads_log] * 2, "AB"))
    asyncio.run(take_turns(coroutines_log))
    for name, log in [("threads", threads_log), ("coroutines", coroutines_log)]:
        switches = sum(a != b for a, b in itertools.pairwise(log))
        print(f"{name:<10} {len(log):,} appends, {switches} switches between A and B")


if __name__ == "__main__":
    main()
