"""A line-based TCP server with ``asyncio.start_server``, and many clients at once.

The server upper-cases each line it receives and sends it back. It binds
127.0.0.1 on a port the operating system picks (port 0), so it is reachable only
from this machine and never collides with another program. Each connection is
served by its own task; a counter records how many were open at the same time.

Each request waits a little on the server (``LOOKUP``, standing in for a
database query), as real requests do. The same number of lines is sent by 1, 10
and 100 concurrent clients, timed with the site's measuring helper, to show
what serving connections concurrently buys when each request waits.

Both sides close cleanly: a client closes its writer and waits for it, the
server sees end-of-file and closes its side, and ``async with server`` closes
the listener.
"""

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

TOTAL_LINES = 200
LOOKUP = 0.002  # seconds the server waits before answering each line
CLIENT_COUNTS = (1, 10, 100)
REPEATS = 3
DEADLINE = 20  # seconds for one whole session


class Stats:
    def __init__(self) -> None:
        self.open = 0
        self.peak = 0
        self.served = 0


async def session(clients: int, stats: Stats) -> None:
    # --8<-- [start:session]
    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        stats.open += 1
        stats.peak = max(stats.peak, stats.open)
        try:
            while line := await reader.readline():  # b"" means the client closed
                await asyncio.sleep(LOOKUP)  # other connections are served meanwhile
                writer.write(line.upper())
                await writer.drain()  # waits if the client reads slowly
                stats.served += 1
        finally:
            writer.close()
            await writer.wait_closed()
            stats.open -= 1

    async def client(lines: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for i in range(lines):
                writer.write(f"line {i}\n".encode())
                await writer.drain()
                reply = await reader.readline()
                assert reply == f"LINE {i}\n".encode(), reply
        finally:
            writer.close()
            await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    async with asyncio.timeout(DEADLINE):
        async with server:  # closes the listener on the way out
            async with asyncio.TaskGroup() as group:
                for _ in range(clients):
                    group.create_task(client(TOTAL_LINES // clients))
            while stats.open:  # let the handlers finish closing their side
                await asyncio.sleep(0.001)
        await server.wait_closed()
    # --8<-- [end:session]


def main() -> None:
    peaks: dict[int, int] = {}
    open_after: dict[int, int] = {}

    def runner(clients: int):
        def run() -> None:
            stats = Stats()
            asyncio.run(session(clients, stats))
            assert stats.served == TOTAL_LINES
            peaks[clients] = max(peaks.get(clients, 0), stats.peak)
            open_after[clients] = stats.open

        return run

    others = measure.watch_other_programs()  # a busy machine delays every round trip
    timings = measure.compare(
        {clients: runner(clients) for clients in CLIENT_COUNTS}, repeats=REPEATS
    )
    taken = others()
    rows = [
        [
            clients,
            TOTAL_LINES // clients,
            timing.cell(3),
            f"{TOTAL_LINES / timing.median:,.0f}",
            peaks[clients],
            open_after[clients],
        ]
        for clients, timing in timings.items()
    ]
    measure.report(
        measure.table(
            [
                "Clients",
                "Lines each",
                "Seconds",
                "Lines per second",
                "Connections at once",
                "Open after close",
            ],
            rows,
            caption=f"{TOTAL_LINES} request lines in total, each answered before the "
            f"client sends its next; the server waits {LOOKUP} s per line. Server "
            "and clients share one event loop on 127.0.0.1.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds, runs interleaved",
        others=taken,
        values={
            "lines": TOTAL_LINES,
            "lookup": LOOKUP,
            **{f"seconds_{clients}": timing for clients, timing in timings.items()},
        },
    )


if __name__ == "__main__":
    main()
