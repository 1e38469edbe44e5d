"""The convoy effect, seen: an I/O thread waits for the GIL behind a CPU-bound one.

An I/O thread sends a byte to an echo process over a local socket pair and waits
for the answer, again and again: for a while alone, then while a CPU-bound thread
runs in the same process. ``snippets/timeline.py`` records it. Each ``recv``
releases the GIL; when the answer is there, the I/O thread needs the GIL back,
and next to the CPU-bound thread it waits up to a switch interval for it, so its
round trips slow down to about one per interval. From Python 3.15 the GIL strip
shows the waits. Without Linux's ``/proc`` the program says so and draws nothing;
``pass_fds`` needs a POSIX system.
"""

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure
import timeline
import timeline_svg

SERVER_DELAY = 0.0005  # seconds the echo process takes to answer
PHASE = 0.1  # seconds of round trips alone, then as long next to the busy thread
ECHO = """
import socket, sys, time
with open("/proc/self/comm", "w") as comm:  # its name in the timeline (Linux)
    comm.write("echo process")
with socket.socket(fileno=int(sys.argv[1])) as sock:
    while data := sock.recv(64):
        time.sleep(float(sys.argv[2]))
        sock.sendall(data)
"""


# --8<-- [start:work]
def round_trips(sock: socket.socket, seconds: float) -> int:
    trips, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        sock.sendall(b"x")
        sock.recv(64)  # releases the GIL while it waits; needs it back after
        trips += 1
    return trips


def spin(stop: threading.Event) -> None:
    while not stop.is_set():
        for _ in range(1000):
            pass


def talk(sock: socket.socket, trips: list[int]) -> None:
    trips.append(round_trips(sock, PHASE))  # alone
    stop = threading.Event()
    busy = threading.Thread(target=spin, args=(stop,), name="CPU-bound")
    busy.start()
    try:
        trips.append(round_trips(sock, PHASE))  # next to the CPU-bound thread
    finally:
        stop.set()
        busy.join()


# --8<-- [end:work]


def convoy() -> list[int]:
    """Round trips alone, then next to a CPU-bound thread, in an "I/O" thread."""
    mine, theirs = socket.socketpair()
    echo = subprocess.Popen(
        [sys.executable, "-c", ECHO, str(theirs.fileno()), str(SERVER_DELAY)],
        pass_fds=[theirs.fileno()],
    )
    theirs.close()
    trips: list[int] = []
    try:
        mine.sendall(b"x")  # the echo process is up: it answers
        mine.recv(64)
        io = threading.Thread(target=talk, args=(mine, trips), name="I/O")
        io.start()
        io.join()
    finally:
        mine.close()  # the echo process sees end-of-file and exits
        echo.wait(timeout=30)
    return trips


def main() -> None:
    if reason := timeline.unavailable():
        print(reason)
        return
    recorded = timeline.record(convoy)
    alone, busy = (PHASE * 1e3 / trips for trips in recorded.result)  # ms per trip
    switch_ms = sys.getswitchinterval() * 1e3
    print(
        timeline_svg.figure(
            recorded,
            "An I/O thread next to a CPU-bound thread, measured",
            f"One lane per thread and one for the echo process, time across. For "
            f"the first {PHASE * 1e3:g} ms the I/O thread talks to the echo process "
            "alone; then a CPU-bound thread starts beside it.",
        )
    )
    print()
    measure.report(
        timeline_svg.table(recorded)
        + f"\n\nRound trip: {alone:.2f} ms alone, {busy:.2f} ms next to the CPU-bound "
        f"thread (the echo process answers after {SERVER_DELAY * 1e3:g} ms; switch "
        f"interval {switch_ms:g} ms). {timeline_svg.sampling_note(recorded)}",
        others=recorded.others,
        values={"trip_alone_ms": alone, "trip_busy_ms": busy, "switch_ms": switch_ms},
    )


if __name__ == "__main__":
    main()
