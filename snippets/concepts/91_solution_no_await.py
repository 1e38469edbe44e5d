"""Exercise solution: coroutines without an await never switch.

The same two coroutines as in 02_preemptive_vs_cooperative.py, without the
``await asyncio.sleep(0)``. A coroutine gives up control only at an await that has
to wait, so the first one runs all its appends before the second one starts: the
list holds every A, then every B, and changes letter once. gather scheduled both,
but nothing can interrupt a coroutine that does not await.
"""

import asyncio
import itertools


# --8<-- [start:solution]
async def coroutine_worker(letter: str, log: list[str]) -> None:
    for _ in range(10):
        log.extend([letter] * 100_000)  # no await: nothing lets the other run


async def two_coroutines(log: list[str]) -> None:
    await asyncio.gather(coroutine_worker("A", log), coroutine_worker("B", log))


def main() -> None:
    log: list[str] = []
    asyncio.run(two_coroutines(log))
    switches = sum(a != b for a, b in itertools.pairwise(log))
    print(f"coroutines {len(log):,} appends, switches between A and B: {switches}")
    # --8<-- [end:solution]


if __name__ == "__main__":
    main()
