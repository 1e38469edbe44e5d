"""Races without threads: an ``await`` between check and act loses updates.

Only one task runs at a time, and a task is only ever paused at an ``await``, so
code with no ``await`` in it runs without interruption. But when a task reads
shared state, awaits something (a database call, a network round trip), and then
acts on what it read, other tasks run in between and act on the same stale
value. ``asyncio.Lock`` makes the whole read-await-write sequence one step as far
as the other tasks are concerned.
"""

import asyncio

TASKS = 100
SEATS = 10
BUYERS = 30


async def round_trip() -> None:
    await asyncio.sleep(0)  # stands in for a database or network call


# --8<-- [start:races]
class Counter:
    def __init__(self) -> None:
        self.value = 0
        self.lock = asyncio.Lock()


async def add_without_await(counter: Counter) -> None:
    counter.value += 1  # no await: no other task can run in the middle


async def add_across_await(counter: Counter) -> None:
    current = counter.value  # read
    await round_trip()  # other tasks run here and read the same value
    counter.value = current + 1  # write what was computed from the old read


async def add_with_lock(counter: Counter) -> None:
    async with counter.lock:  # one task at a time from here...
        current = counter.value
        await round_trip()
        counter.value = current + 1  # ...to here


class Venue:
    def __init__(self) -> None:
        self.seats_left = SEATS
        self.sold = 0
        self.lock = asyncio.Lock()


async def buy_unsafely(venue: Venue) -> None:
    if venue.seats_left > 0:  # check
        await round_trip()  # charge the card; other buyers check meanwhile
        venue.seats_left -= 1  # act on a check that may no longer hold
        venue.sold += 1


async def buy_with_lock(venue: Venue) -> None:
    async with venue.lock:
        if venue.seats_left > 0:
            await round_trip()
            venue.seats_left -= 1
            venue.sold += 1


# --8<-- [end:races]


async def run_all(job, state, count: int) -> None:
    async with asyncio.TaskGroup() as group:
        for _ in range(count):
            group.create_task(job(state))


def main() -> None:
    print(f"Read-modify-write: {TASKS} tasks each add 1 to a shared counter")
    for add in (add_without_await, add_across_await, add_with_lock):
        counter = Counter()
        asyncio.run(run_all(add, counter, TASKS))
        lost = TASKS - counter.value
        print(
            f"  {add.__name__:<18} final value {counter.value:>3}, lost updates {lost}"
        )

    print(f"\nCheck-then-act: {BUYERS} buyers, {SEATS} seats")
    for buy in (buy_unsafely, buy_with_lock):
        venue = Venue()
        asyncio.run(run_all(buy, venue, BUYERS))
        print(
            f"  {buy.__name__:<18} sold {venue.sold:>2}, "
            f"seats left {venue.seats_left:>3}, oversold {max(0, venue.sold - SEATS)}"
        )


if __name__ == "__main__":
    main()
