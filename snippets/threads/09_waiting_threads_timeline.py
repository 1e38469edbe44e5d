"""Threads that wait on the network are off CPU while they wait (Linux).

A local server process answers each request after a delay, like a slow web
server. Six threads each send a request and wait for the answer in a blocking
``recv``; ``snippets/timeline.py`` records them. While a thread waits, the
operating system does not run it at all: its lane is empty between the moment it
sends and the moment the answer arrives, and all six wait at once. The server
runs outside the recording. Without Linux's ``/proc`` the program says so and
draws nothing.
"""

import socket
import subprocess
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure
import timeline
import timeline_svg

DELAYS = [0.25, 0.15, 0.3, 0.2, 0.1, 0.35]  # seconds until each answer
SERVER = """
import asyncio

async def answer(reader, writer):
    delay = float(await reader.readline())
    await asyncio.sleep(delay)  # the slow part of a slow server
    writer.write(b"the page\\n")
    await writer.drain()
    writer.close()

async def main():
    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
"""


# --8<-- [start:fetch]
def fetch(port: int, delay: float) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"{delay}\n".encode())
        sock.recv(64)  # waits for the answer: the thread is off CPU meanwhile


def fetch_all(port: int) -> None:
    threads = [
        threading.Thread(target=fetch, args=(port, delay), name=f"fetch {k}")
        for k, delay in enumerate(DELAYS, 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --8<-- [end:fetch]


def main() -> None:
    if reason := timeline.unavailable():
        print(reason)
        return
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE)
    try:
        port = int(server.stdout.readline())
        recorded = timeline.record(fetch_all, port)
    finally:
        server.kill()
        server.wait()
        server.stdout.close()
    fetchers = [lane for lane in recorded.lanes if lane.name.startswith("fetch")]
    busiest = max(recorded.share(lane.name) for lane in fetchers)
    print(
        timeline_svg.figure(
            recorded,
            "Six threads waiting for a server, measured",
            "One lane per thread, time across. Each fetch thread sends its request, "
            "then waits for the answer off CPU.",
        )
    )
    print()
    # A waiting thread's CPU time does not depend on free CPUs (a busy machine makes
    # it wait longer for one, not run longer): the table says how busy the machine
    # was, the claim need not.
    print(measure.provenance(others=recorded.others))
    print()
    print(
        timeline_svg.table(recorded)
        + f"\n\nThe busiest fetch thread was on a CPU for {busiest:.2%} of the time. "
        f"{timeline_svg.sampling_note(recorded)}"
    )
    measure.record({"busiest_share": busiest})


if __name__ == "__main__":
    main()
