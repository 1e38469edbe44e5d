"""I/O-bound or CPU-bound? Compare a task's wall-clock time with its CPU time.

Wall-clock time (``time.perf_counter``) is how long the task took. CPU time
(``time.thread_time``) is how long the processor worked on it, in this thread.
Their ratio, the task's *CPU share*, says what the task spends its time on:

- near 0: it mostly waits (for a network reply, a disk, a timer): I/O-bound.
  Running more such tasks at once overlaps the waits.
- near 1: it keeps a CPU busy: CPU-bound. Only more CPUs make more of it go faster.

The tasks: a request to a small server on 127.0.0.1 that answers after a delay,
a loop of pure-Python arithmetic, and reading back a file that was just written.
"""

import os
import platform
import socket
import socketserver
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

SERVER_DELAY = 0.2  # seconds the local server waits before it answers
FILE_SIZE = 64 * 1024 * 1024  # bytes
REPEATS = 3


class SlowEcho(socketserver.BaseRequestHandler):
    """Reads one line, waits SERVER_DELAY seconds, sends it back."""

    def handle(self) -> None:
        data = self.request.recv(1024)
        time.sleep(SERVER_DELAY)
        self.request.sendall(data)


def ask_local_server(address: tuple[str, int]) -> None:
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(b"ping\n")
        assert conn.recv(1024) == b"ping\n"


def arithmetic() -> None:
    total = 0
    for i in range(2_000_000):
        total += i * i % 7


def read_file(path: Path) -> None:
    with path.open("rb") as file:
        while file.read(1024 * 1024):
            pass


def profile(task: Callable[[], None]) -> tuple[float, float]:
    """Median wall-clock and CPU seconds over REPEATS runs."""
    walls, cpus = [], []
    for _ in range(REPEATS):
        wall, cpu = time.perf_counter(), time.thread_time()
        task()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.thread_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def verdict(share: float) -> str:
    if share < 0.3:
        return "mostly waiting: I/O-bound"
    if share > 0.7:
        return "mostly computing: CPU-bound"
    return "both"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "data.bin")
        path.write_bytes(os.urandom(FILE_SIZE))
        measure_tasks(path)
    print(
        f"\nPython {platform.python_version()} on {platform.system()}, "
        f"{os.cpu_count()} CPUs in the machine; each task ran {REPEATS} times, "
        "times are medians."
    )


def measure_tasks(path: Path) -> None:
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), SlowEcho) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        tasks = {
            f"ask a local server that answers after {SERVER_DELAY:g} s": (
                lambda: ask_local_server(server.server_address)
            ),
            "pure-Python arithmetic (2 million steps)": arithmetic,
            f"read back a {FILE_SIZE // 2**20} MiB file just written": (
                lambda: read_file(path)
            ),
        }
        print("| Task | Wall-clock s | CPU s | CPU share | Verdict |")
        print("|---|---|---|---|---|")
        for name, task in tasks.items():
            wall, cpu = profile(task)
            share = cpu / wall
            print(
                f"| {name} | {wall:.3f} | {cpu:.3f} | {share:.2f} | {verdict(share)} |"
            )
        server.shutdown()


if __name__ == "__main__":
    main()
