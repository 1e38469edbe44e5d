"""Exercise solution: bound a crawler with asyncio.Semaphore.

Twenty fetches started with TaskGroup all run at once. A server, or the
operating system's limit on open sockets, may not take that many. An
asyncio.Semaphore(5) lets five fetches in at a time: the sixth waits at
`async with` until one of the five leaves. The crawl then takes four rounds of
one fetch's time instead of one, and never has more than five in flight.
"""

import asyncio

PAGES = 20
LIMIT = 5
FETCH_SECONDS = 0.05  # the simulated network wait


class Tracker:
    """Counts the fetches in flight, and the most seen at once."""

    def __init__(self) -> None:
        self.now = self.most = 0

    def enter(self) -> None:
        self.now += 1
        self.most = max(self.most, self.now)

    def leave(self) -> None:
        self.now -= 1


# --8<-- [start:solution]
async def fetch(page: int, limit: asyncio.Semaphore, tracker: Tracker) -> str:
    async with limit:  # waits here while LIMIT fetches are in flight
        tracker.enter()
        await asyncio.sleep(FETCH_SECONDS)
        tracker.leave()
    return f"page-{page}"


async def crawl() -> None:
    limit = asyncio.Semaphore(LIMIT)
    tracker = Tracker()
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(fetch(p, limit, tracker)) for p in range(PAGES)]
    print(f"fetched {len(tasks)} pages, at most {tracker.most} at once (limit {LIMIT})")
    # --8<-- [end:solution]


def main() -> None:
    asyncio.run(crawl())


if __name__ == "__main__":
    main()
