"""Exercise solution: give each fetch its own timeout, and keep the others' results.

asyncio.timeout() (Python 3.11+) cancels the code inside it when the delay runs
out and raises TimeoutError where the `async with` block ends. Put it inside each
fetch, not around the whole gather, and only the slow fetch is given up: the
others finish and gather returns every result, the slow one's as "timed out".
"""

import asyncio

DELAYS = {"fast": 0.05, "medium": 0.1, "stuck": 10.0}  # seconds each "server" takes
TIMEOUT = 0.3


# --8<-- [start:solution]
async def fetch(name: str) -> str:
    try:
        async with asyncio.timeout(TIMEOUT):
            await asyncio.sleep(DELAYS[name])
    except TimeoutError:
        return f"{name}: timed out after {TIMEOUT} s"
    return f"{name}: done"


async def crawl() -> None:
    for line in await asyncio.gather(*(fetch(name) for name in DELAYS)):
        print(line)
    # --8<-- [end:solution]


def main() -> None:
    asyncio.run(crawl())


if __name__ == "__main__":
    main()
