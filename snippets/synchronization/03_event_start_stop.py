"""Two Events: one tells workers to start together, one tells them to stop.

An Event is a flag that threads can wait on. ``set()`` wakes every waiter and stays
set, so a thread that arrives late does not wait at all (unlike a Condition's
notify). Workers wait on ``start``, so none begins before the main thread is ready;
they loop until ``stop`` is set, using ``stop.wait(interval)`` as their sleep, so
they notice the stop at once instead of at the end of a ``time.sleep``.
"""

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the times the page reads

T0 = time.perf_counter()
lines: list[tuple[float, str]] = []  # (seconds since the start, what happened)
lines_lock = threading.Lock()


def log(text: str) -> None:
    with lines_lock:
        lines.append((time.perf_counter() - T0, text))


# --8<-- [start:signals]
def worker(name: str, start: threading.Event, stop: threading.Event) -> None:
    if not start.wait(timeout=5):
        log(f"{name}: no start signal within 5 s, giving up")
        return
    log(f"{name}: started")
    rounds = 0
    while not stop.wait(timeout=0.05):  # sleeps 0.05 s, or less if stop is set
        rounds += 1
    log(f"{name}: stopped after {rounds} rounds of work")


def main() -> None:
    start, stop = threading.Event(), threading.Event()
    workers = [
        threading.Thread(target=worker, args=(f"worker {i}", start, stop))
        for i in (1, 2, 3)
    ]
    for thread in workers:
        thread.start()
    time.sleep(0.2)
    waiting = sum(t.is_alive() for t in workers)
    log(f"main: workers waiting for the start signal: {waiting}")
    start.set()
    time.sleep(0.3)
    log("main: stop.set()")
    stop.set()
    for thread in workers:
        thread.join(timeout=5)
    log(f"main: workers still running: {sum(t.is_alive() for t in workers)}")
    # --8<-- [end:signals]
    print("\n".join(f"{seconds:5.2f} s  {text}" for seconds, text in lines))
    set_at = next(seconds for seconds, text in lines if text == "main: stop.set()")
    stops = [seconds - set_at for seconds, text in lines if "stopped after" in text]
    measure.record({"stop_delay": stops})


if __name__ == "__main__":
    main()
