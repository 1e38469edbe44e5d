"""An asyncio Future: awaiting it yields the Future itself, and a callback completes it.

Part 1 runs a pending Future's ``__await__`` by hand: its first step yields the
Future itself (that is how the Task driving a coroutine learns what to wait for),
and once a result is set, the next step returns that result. Part 2 builds a
``sleep()`` of its own from a Future that a timer callback completes with
``loop.call_later``; two tasks sleep at once and the loop runs other work
meanwhile. Part 3 completes a Future from another thread, which must go through
``loop.call_soon_threadsafe`` (``run_in_executor`` and ``to_thread`` work this way).
"""

import asyncio
import threading
import time


def since(start: float) -> str:
    return f"{time.perf_counter() - start:5.2f} s"


def await_by_hand() -> None:
    loop = asyncio.new_event_loop()
    try:
        future = loop.create_future()
        steps = future.__await__()
        yielded = steps.send(None)
        print(
            f"   pending: the first step yielded the Future itself? {yielded is future}"
        )
        future.set_result("the result")
        try:
            steps.send(None)
        except StopIteration as stop:
            print(f"   after set_result: the next step returned {stop.value!r}")
    finally:
        loop.close()


# --8<-- [start:sleep]
async def sleep(delay: float, value: str) -> str:
    """asyncio.sleep, made of a Future and a timer callback."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    timer = loop.call_later(delay, future.set_result, value)  # the callback
    try:
        return await future  # the task waits here until the callback runs
    finally:
        timer.cancel()  # if we were cancelled, no result for nobody to read


async def sleepers() -> None:
    start = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        short = group.create_task(sleep(0.3, "short nap over"))
        long = group.create_task(sleep(0.6, "long nap over"))
        for _ in range(3):
            print(f"   {since(start)}  the loop runs other work while both sleep")
            await asyncio.sleep(0.1)
    print(f"   {since(start)}  {short.result()!r}, {long.result()!r}")


# --8<-- [end:sleep]


# --8<-- [start:thread]
async def from_a_thread() -> None:
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def work() -> None:  # runs in another thread
        answer = f"computed in {threading.current_thread().name}"
        loop.call_soon_threadsafe(future.set_result, answer)  # never set_result here

    thread = threading.Thread(target=work, name="worker-thread")
    thread.start()
    answer = await asyncio.wait_for(future, timeout=5)
    print(f"   {answer!r}, awaited in {threading.current_thread().name}")
    thread.join(timeout=5)


# --8<-- [end:thread]


def main() -> None:
    print("1. A pending Future's __await__, step by step")
    await_by_hand()
    print("2. A sleep() of our own: a Future and loop.call_later")
    asyncio.run(sleepers())
    print("3. A Future completed from another thread")
    asyncio.run(from_a_thread())


if __name__ == "__main__":
    main()
