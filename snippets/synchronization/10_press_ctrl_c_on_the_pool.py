"""Press Ctrl-C on the pool of ``09_pool_that_stops_on_ctrl_c.py``, as a terminal would.

The program runs 09 as a child process, waits until the child has printed its first
result, then sends it SIGINT, which is what pressing Ctrl-C in a terminal does to the
program in front. It prints what the child printed after the signal, how long the
child took to stop, and its exit status.

A child starts with SIGINT handled the way its parent left it: a program started in
the background of a non-interactive shell (``python x.py &`` in a script) inherits
SIGINT *ignored*, and so would every child it starts. This program gives the signal
Python's usual handler before it starts the child, so that the child can be stopped
with Ctrl-C however this program was started. On Windows ``Popen.send_signal``
cannot send SIGINT (only SIGTERM and the console events, to a process group), so
there the program says so and stops.
"""

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

POOL = Path(__file__).with_name("09_pool_that_stops_on_ctrl_c.py")


def read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)  # end of output


# --8<-- [start:press]
def press_ctrl_c() -> None:
    # The child inherits SIGINT ignored if this process has it ignored: handle it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    command = [sys.executable, str(POOL)]
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(child.stdout, lines), daemon=True).start()
    try:
        first = lines.get(timeout=30)  # the first result: the pool is at work
        print(f"the child printed {first!r}; now Ctrl-C (SIGINT)")
        pressed = time.perf_counter()
        child.send_signal(signal.SIGINT)
        while (line := lines.get(timeout=30)) is not None:
            print(f"  +{time.perf_counter() - pressed:.2f} s  {line}")
        status = child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()  # loud failure below rather than a child left running
            child.wait(timeout=30)
    print(f"the child exited with status {status}, ", end="")
    print(f"{time.perf_counter() - pressed:.2f} s after Ctrl-C")


# --8<-- [end:press]


def main() -> None:
    if sys.platform == "win32":
        print(
            "Not available on Windows: Popen.send_signal cannot send SIGINT there; "
            f"run {POOL.name} yourself and press Ctrl-C."
        )
        return
    press_ctrl_c()


if __name__ == "__main__":
    main()
