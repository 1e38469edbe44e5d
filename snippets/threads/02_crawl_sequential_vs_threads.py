"""A simulated crawl: fetching pages one after another, then one thread per page.

``time.sleep`` stands in for waiting on the network. Like a blocking socket read,
it releases the GIL while it waits, so other threads run in the meantime. The
timeline shows each fetch as a bar: one after another, then all at once.
"""

import os
import platform
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

# How long each simulated page takes to arrive, in seconds (fixed, not random,
# so every run does the same work).
PAGES = {
    "page-1": 0.5,
    "page-2": 0.3,
    "page-3": 0.8,
    "page-4": 0.4,
    "page-5": 0.6,
    "page-6": 0.2,
}
TICK = 0.05  # seconds per character in the timeline


# --8<-- [start:crawl]
def fetch(page: str, log: dict[str, tuple[float, float]], t0: float) -> None:
    started = time.perf_counter() - t0
    time.sleep(PAGES[page])  # the "network"
    log[page] = (started, time.perf_counter() - t0)


def crawl_sequentially(log: dict[str, tuple[float, float]], t0: float) -> None:
    for page in PAGES:
        fetch(page, log, t0)


def crawl_with_threads(log: dict[str, tuple[float, float]], t0: float) -> None:
    threads = [threading.Thread(target=fetch, args=(page, log, t0)) for page in PAGES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --8<-- [end:crawl]


def timed(crawl) -> tuple[float, dict[str, tuple[float, float]]]:
    log: dict[str, tuple[float, float]] = {}
    t0 = time.perf_counter()
    crawl(log, t0)
    return time.perf_counter() - t0, log


def timeline(log: dict[str, tuple[float, float]], width: int) -> str:
    rows = []
    for page in PAGES:
        start, end = log[page]
        bar = " " * round(start / TICK) + "#" * max(1, round((end - start) / TICK))
        rows.append(f"  {page}  |{bar:<{width}}|  {start:4.2f}-{end:4.2f} s")
    return "\n".join(rows)


def main() -> None:
    gil = "GIL" if getattr(sys, "_is_gil_enabled", lambda: True)() else "no GIL"
    cpus = getattr(os, "process_cpu_count", os.cpu_count)()
    print(f"Python {platform.python_version()} ({gil}), {cpus} usable CPUs")

    sequential, seq_log = timed(crawl_sequentially)
    threaded, thr_log = timed(crawl_with_threads)
    width = round(sequential / TICK) + 1

    print(f"\nOne after another: {sequential:.2f} s")
    print(timeline(seq_log, width))
    print(f"\nOne thread per page: {threaded:.2f} s")
    print(timeline(thr_log, width))
    print(
        f"\nThe waits add up to {sum(PAGES.values()):.2f} s, the longest is "
        f"{max(PAGES.values()):.2f} s; threads made the crawl "
        f"{sequential / threaded:.1f}x faster."
    )
    measure.record(
        {"sequential": sequential, "threaded": threaded,
         "waits_sum": sum(PAGES.values()), "longest": max(PAGES.values())}
    )  # fmt: skip


if __name__ == "__main__":
    main()
