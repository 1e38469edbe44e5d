"""Cleanup in ``finally`` may await, but must not await forever.

A session is cancelled while it works; its ``finally`` says goodbye to the peer and
waits for the peer's acknowledgement. asyncio delivers a cancellation once: the
``await`` in ``finally`` runs normally. That is what lets cleanup await at all, and
it is also the danger: if the peer never answers, the cancelled task waits in its
``finally`` for ever, and so does whoever waits for it (a ``TaskGroup``, a server's
shutdown, ``asyncio.run`` after Ctrl-C), until a second cancellation comes.

So the cleanup gets a deadline of its own, ``asyncio.timeout()`` inside the
``finally``. The program runs the session three ways: the peer answers, the peer is
silent and the cleanup has a deadline, and the peer is silent and it has none.
"""

import asyncio
import time

CLEANUP_DEADLINE = 0.2  # seconds the goodbye may take


# --8<-- [start:session]
async def goodbye(peer_answers_after: float) -> None:
    await asyncio.sleep(peer_answers_after)  # waiting for the peer's acknowledgement


async def session(peer_answers_after: float, bounded: bool, log) -> None:
    try:
        await asyncio.sleep(10)  # the work, cancelled half way
    finally:
        if bounded:
            try:
                async with asyncio.timeout(CLEANUP_DEADLINE):
                    await goodbye(peer_answers_after)
                log("cleanup: the peer acknowledged the goodbye")
            except TimeoutError:
                log(f"cleanup: no answer in {CLEANUP_DEADLINE} s, closed without one")
        else:
            await goodbye(peer_answers_after)  # no deadline: may wait for ever
            log("cleanup: the peer acknowledged the goodbye")


async def cancel_and_wait(peer_answers_after: float, bounded: bool) -> list[str]:
    lines: list[str] = []
    task = asyncio.create_task(session(peer_answers_after, bounded, lines.append))
    await asyncio.sleep(0.05)
    start = time.perf_counter()
    task.cancel()
    await asyncio.wait([task], timeout=1)  # how long would you wait for it?
    if not task.done():
        lines.append("1 s after cancel(): still running, stuck in its finally")
        task.cancel()  # a second cancellation, as a second Ctrl-C would send
        await asyncio.wait([task], timeout=1)
        lines.append("a second cancel() cut the cleanup short")
    took = time.perf_counter() - start
    lines.append(f"ended cancelled: {task.cancelled()}, {took:.2f} s after cancel()")
    return lines


# --8<-- [end:session]


def main() -> None:
    for title, peer_answers_after, bounded in [
        ("the peer answers at once, cleanup with a deadline:", 0.01, True),
        ("the peer never answers, cleanup with a deadline:", 3600, True),
        ("the peer never answers, cleanup without a deadline:", 3600, False),
    ]:
        print(title)
        for line in asyncio.run(cancel_and_wait(peer_answers_after, bounded)):
            print(f"  {line}")


if __name__ == "__main__":
    main()
