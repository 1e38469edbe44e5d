"""The convoy effect: one CPU-bound thread slows every I/O round trip of another.

An echo process sits at the other end of a local socket pair. The main thread
sends one byte and waits for it to come back, many times, and times each round
trip: first alone, then while a CPU-bound thread runs in the same process, then
while a CPU-bound *process* runs instead.

Each blocking ``send`` and ``recv`` releases the GIL. When the call returns, the
I/O thread needs the GIL back, and the CPU-bound thread has it: the I/O thread
waits up to a switch interval, asks for the GIL, and gets it at the CPU-bound
thread's next check. A CPU-bound process has its own GIL, so it costs the I/O
thread only a share of the CPUs. (Reported as bpo-7946, now gh-52194.)

The echo and the busy process are plain ``subprocess`` children, so no
multiprocessing start method is involved.
"""

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

ECHO = """
import socket, sys
with socket.socket(fileno=int(sys.argv[1])) as sock:
    while data := sock.recv(64):
        sock.sendall(data)
"""
SPIN = "while True: pass"
QUIET_TRIPS = 300  # round trips timed with nothing else running
BUSY_TRIPS = 60  # with a CPU-bound neighbour (each may take a few switch intervals)


def round_trips(sock: socket.socket, count: int) -> measure.Timing:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        sock.sendall(b"x")
        sock.recv(64)
        samples.append(time.perf_counter() - start)
    return measure.Timing(tuple(samples))


def with_busy_thread(sock: socket.socket) -> measure.Timing:
    stop = threading.Event()

    def spin() -> None:
        x = 0
        while not stop.is_set():
            for i in range(1000):
                x += i

    busy = threading.Thread(target=spin)
    busy.start()
    try:
        time.sleep(0.02)  # let it get going
        return round_trips(sock, BUSY_TRIPS)
    finally:
        stop.set()
        busy.join()


def with_busy_process(sock: socket.socket) -> measure.Timing:
    busy = subprocess.Popen([sys.executable, "-c", SPIN])
    try:
        time.sleep(0.1)  # let it start
        return round_trips(sock, BUSY_TRIPS)
    finally:
        busy.kill()
        busy.wait()


def us(timing: measure.Timing) -> str:
    micro = measure.Timing(tuple(s * 1e6 for s in timing.samples))
    return micro.cell(0)


def main() -> None:
    mine, theirs = socket.socketpair()
    echo = subprocess.Popen(
        [sys.executable, "-c", ECHO, str(theirs.fileno())], pass_fds=[theirs.fileno()]
    )
    theirs.close()
    try:
        round_trips(mine, 50)  # warm-up
        alone = round_trips(mine, QUIET_TRIPS)
        thread = with_busy_thread(mine)
        process = with_busy_process(mine)
    finally:
        mine.close()  # the echo process sees end-of-file and exits
        echo.wait()

    print(
        measure.provenance(
            statistic="median (min–max) of single round trips, in microseconds"
        )
    )
    print(f"\nSwitch interval: {sys.getswitchinterval() * 1e3:g} ms.\n")
    rows = [
        ["nothing else running", QUIET_TRIPS, us(alone), "1x"],
        ["a CPU-bound thread in this process", BUSY_TRIPS, us(thread),
         f"{thread.median / alone.median:.0f}x"],
        ["a CPU-bound process instead", BUSY_TRIPS, us(process),
         f"{process.median / alone.median:.0f}x"],
    ]  # fmt: skip
    headers = ["While the I/O thread talks to the echo process", "Round trips",
               "Round trip (µs)", "Slowdown"]  # fmt: skip
    print(measure.table(headers, rows))
    print(
        f"\nA CPU-bound thread in the same process made the median round trip "
        f"{thread.median / alone.median:.0f} times as slow as alone "
        f"({alone.median * 1e6:.0f} µs became {thread.median * 1e3:.1f} ms); a "
        f"CPU-bound process made it {process.median / alone.median:.1f} times as slow."
    )


if __name__ == "__main__":
    main()
