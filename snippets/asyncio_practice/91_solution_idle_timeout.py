"""Exercise solution: a streams server that closes the connection of a silent client.

The line server in 02_line_server.py waits in ``reader.readline()`` for as long as
a client stays connected. A client that connects and then says nothing keeps a
task and a socket busy for ever, and since Python 3.12 ``Server.wait_closed()``
waits for that connection too. Wrapping each read in ``asyncio.timeout()``
(3.11+) ends the wait: the handler leaves its loop, closes its side, and the
client reads end-of-file. The server binds 127.0.0.1 on a port the system picks.
"""

import asyncio
import time

IDLE = 0.2  # seconds a client may stay silent
DEADLINE = 5  # seconds for any wait on the client's side


# --8<-- [start:solution]
async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            try:
                async with asyncio.timeout(IDLE):  # one read may take IDLE seconds
                    line = await reader.readline()
            except TimeoutError:
                print(f"server: client silent for {IDLE} s, closing its connection")
                break
            if not line:  # the client closed first
                break
            writer.write(line.upper())
            await writer.drain()
    finally:
        writer.close()
        await writer.wait_closed()


async def silent_client(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"hello\n")
        await writer.drain()
        print(f"client: got {(await reader.readline()).decode().strip()}")
        start = time.perf_counter()  # now say nothing more, and wait
        rest = await asyncio.wait_for(reader.read(), timeout=DEADLINE)
        waited = time.perf_counter() - start
        print(f"client: end of file ({rest!r}) after {waited:.1f} s of silence")
    finally:
        writer.close()
        await writer.wait_closed()
    # --8<-- [end:solution]


async def serve() -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"server: listening on 127.0.0.1:{port}")
    async with server:
        await silent_client(port)
        server.close()
        await asyncio.wait_for(server.wait_closed(), timeout=DEADLINE)
    print("server: closed, with no connection left open")


def main() -> None:
    asyncio.run(serve())


if __name__ == "__main__":
    main()
