"""The convoy effect: one CPU-bound thread slows every I/O round trip of another.

An echo process sits at the other end of a local socket pair and answers each
byte after half a millisecond, like a quick server. The main thread sends one
byte and waits for the answer, again and again for a fixed time, and reports the
average time per round trip: first alone, then while a CPU-bound thread runs in
the same process, then while a CPU-bound *process* runs instead.

Each blocking ``send`` and ``recv`` releases the GIL. When the call returns, the
I/O thread needs the GIL back, and the CPU-bound thread has it: the I/O thread
waits up to a switch interval, asks for the GIL, and gets it at the CPU-bound
thread's next check. A CPU-bound process has its own GIL, so it costs the I/O
thread only a share of the CPUs. (Reported as bpo-7946, now gh-52194.)

The echo and the busy process are plain ``subprocess`` children, so no
multiprocessing start method is involved. Handing the socket to the echo process
with ``pass_fds`` needs a POSIX system (Linux, macOS).
"""

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

SERVER_DELAY = 0.0005  # seconds the echo process takes to answer
ECHO = """
import socket, sys, time
with socket.socket(fileno=int(sys.argv[1])) as sock:
    while data := sock.recv(64):
        time.sleep(float(sys.argv[2]))
        sock.sendall(data)
"""
SPIN = "print('running', flush=True)\nwhile True: pass"
WINDOW = 0.1  # seconds of back-to-back round trips per sample
REPEATS = 5  # samples per row, after one untimed window


# --8<-- [start:trips]
def round_trips(sock: socket.socket) -> measure.Timing:
    """Seconds per round trip, averaged over each window of back-to-back trips."""
    samples = []
    for _ in range(1 + REPEATS):
        trips = 0
        start = now = time.perf_counter()
        while now - start < WINDOW:
            sock.sendall(b"x")
            sock.recv(64)
            trips += 1
            now = time.perf_counter()
        samples.append((now - start) / trips)
    return measure.Timing(tuple(samples[1:]))


def with_busy_thread(sock: socket.socket) -> measure.Timing:
    stop = threading.Event()
    laps = [0]  # the busy thread's progress

    def spin() -> None:
        x = 0
        while not stop.is_set():
            for i in range(1000):
                x += i
            laps[0] += 1

    busy = threading.Thread(target=spin)
    busy.start()
    try:
        while laps[0] == 0:  # on a loaded machine it may take a while to get a CPU
            time.sleep(0.001)
        return round_trips(sock)
    finally:
        stop.set()
        busy.join()


def with_busy_process(sock: socket.socket) -> measure.Timing:
    busy = subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE)
    try:
        busy.stdout.readline()  # it says when it is running
        return round_trips(sock)
    finally:
        busy.kill()
        busy.wait()
        busy.stdout.close()


# --8<-- [end:trips]


def ms(timing: measure.Timing) -> str:
    return measure.Timing(tuple(s * 1e3 for s in timing.samples)).cell(2)


def main() -> None:
    mine, theirs = socket.socketpair()
    echo = subprocess.Popen(
        [sys.executable, "-c", ECHO, str(theirs.fileno()), str(SERVER_DELAY)],
        pass_fds=[theirs.fileno()],
    )
    theirs.close()
    others = measure.watch_other_programs()  # the busy process needs a CPU of its own
    try:
        alone = round_trips(mine)
        thread = with_busy_thread(mine)
        process = with_busy_process(mine)
    finally:
        mine.close()  # the echo process sees end-of-file and exits
        echo.wait()
    taken = others()

    rows = [
        [label, ms(timing), f"{timing.median / alone.median:.1f}x"]
        for label, timing in [
            ("nothing else running", alone),
            ("a CPU-bound thread in this process", thread),
            ("a CPU-bound process instead", process),
        ]
    ]
    headers = ["While the I/O thread talks to the echo process", "Round trip (ms)"]
    measure.report(
        f"Switch interval: {sys.getswitchinterval() * 1e3:g} ms. The echo process "
        f"answers after {SERVER_DELAY * 1e3:g} ms.\n\n"
        + measure.table([*headers, "Slowdown"], rows),
        repeats=REPEATS,
        statistic=f"time per round trip averaged over {WINDOW:g} s of round "
        f"trips, median (min–max) over the repeats, in milliseconds",
        others=taken,
        values={
            "trip_alone": alone,
            "trip_thread": thread,
            "trip_process": process,
            "switch_interval": sys.getswitchinterval(),
        },
    )
    print(
        f"\nA CPU-bound thread in the same process made the average round trip "
        f"{thread.median / alone.median:.0f} times as slow as alone "
        f"({alone.median * 1e3:.2f} ms became {thread.median * 1e3:.2f} ms); a "
        f"CPU-bound process made it {process.median / alone.median:.1f} times as slow."
    )


if __name__ == "__main__":
    main()
