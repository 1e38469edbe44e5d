"""Graceful shutdown on SIGINT (Ctrl-C) and SIGTERM, with cleanup in ``finally``.

Part 1 relies on ``asyncio.Runner`` (``asyncio.run`` uses one): on SIGINT it
cancels the main task instead of letting ``KeyboardInterrupt`` land at a random
line. The cancellation travels down through the ``TaskGroup``, each worker runs
its ``finally`` block, and ``Runner.run`` then raises ``KeyboardInterrupt`` for
the caller to handle.

Part 2 handles SIGTERM, what service managers and ``docker stop`` send, with
``loop.add_signal_handler``: the handler only sets an event, and the program
stops its workers itself. ``add_signal_handler`` exists on POSIX only.

The program sends each signal to itself with ``signal.raise_signal``, so the
output is the real sequence of events rather than a simulation.
(``signal.raise_signal(signal.SIGINT)`` would do on POSIX, but on Windows
``os.kill`` ends the process outright for any signal but the console events.)
"""

import asyncio
import signal
import sys
import threading

DEADLINE = 5  # seconds; the signal arrives long before


# --8<-- [start:worker]
async def worker(name: str, log: list[str]) -> None:
    log.append(f"{name}: started")
    try:
        while True:
            await asyncio.sleep(0.05)  # a unit of work
    finally:  # runs on cancellation too: close files, flush, say goodbye
        log.append(f"{name}: cleanup in finally")


# --8<-- [end:worker]


async def serve_until_interrupted(log: list[str]) -> None:
    async with asyncio.TaskGroup() as group:
        for i in range(2):
            group.create_task(worker(f"worker {i}", log))
        await asyncio.sleep(0.2)
        log.append("main: sending SIGINT to this process")
        signal.raise_signal(signal.SIGINT)
        await asyncio.sleep(DEADLINE)  # cancelled by the runner before this ends
        log.append("main: no signal arrived (unexpected)")


def part_one() -> None:
    print("1. SIGINT with asyncio.Runner")
    # The runner takes over SIGINT only while it is Python's default handler; make
    # sure it is, whatever the parent process did with the signal.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    log: list[str] = []
    # --8<-- [start:sigint]
    try:
        with asyncio.Runner() as runner:
            runner.run(serve_until_interrupted(log))
    except KeyboardInterrupt:
        log.append("caller: Runner.run raised KeyboardInterrupt after the cleanup")
    # --8<-- [end:sigint]
    print("\n".join(f"  {line}" for line in log))


# --8<-- [start:sigterm]
async def serve_until_terminated(log: list[str]) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    try:
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    except NotImplementedError:  # Windows event loops have no add_signal_handler
        log.append("this event loop cannot add signal handlers (Windows)")
        return
    workers = []
    async with asyncio.TaskGroup() as group:
        for i in range(2):
            workers.append(group.create_task(worker(f"worker {i}", log)))
        await asyncio.sleep(0.2)
        log.append("main: sending SIGTERM to this process")
        signal.raise_signal(signal.SIGTERM)
        async with asyncio.timeout(DEADLINE):
            await stop.wait()
        log.append("main: SIGTERM handler set the event; cancelling the workers")
        for task in workers:
            task.cancel()
    loop.remove_signal_handler(signal.SIGTERM)
    log.append("main: all workers finished; exiting normally")


# --8<-- [end:sigterm]


WINDOWS = (
    "On Windows, asyncio's event loops have no add_signal_handler (it raises "
    "NotImplementedError), and os.kill() from another process ends a program with "
    "TerminateProcess, which runs no handler and no finally block; Ctrl-C still "
    "reaches asyncio.Runner as in part 1."
)


def part_two() -> None:
    print("\n2. SIGTERM with loop.add_signal_handler (POSIX only)")
    if sys.platform == "win32":
        print(f"  Skipped on this Windows machine. {WINDOWS}")
        return
    log: list[str] = []
    asyncio.run(serve_until_terminated(log))
    print("\n".join(f"  {line}" for line in log))
    print(f"\n{WINDOWS}")


def main() -> None:
    assert threading.current_thread() is threading.main_thread()  # signals need it
    part_one()
    part_two()


if __name__ == "__main__":
    main()
