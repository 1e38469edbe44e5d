"""10,000 concurrent waits: a thread each versus an asyncio task each.

Every waiter blocks on its own event, like a connection waiting for its reply:
``threading.Event.wait()`` in a thread, ``await asyncio.Event.wait()`` in a
task. The program starts all the waiters, reads the process's memory while every
one of them is waiting, then sets the events a batch at a time (replies arriving
in bursts), waiting for each batch of waiters to finish before setting the next.
(Ten thousand threads woken at the same moment would all queue for the GIL at
once, which on a busy machine turns into seconds of scheduler churn.)

Memory is the resident set size (RSS) that the process reads about itself from
``/proc/self/status`` (``VmRSS``, with ``VmSize`` for the virtual address space)
before and while the waiters exist. Where there is no ``/proc``, the fallback is
``resource.getrusage``'s peak RSS. Each measurement runs in a fresh interpreter
(a ``spawn`` worker that runs one measurement and exits), so memory left behind
by one run does not count against the next.
"""

import asyncio
import multiprocessing
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

WAITERS = 10_000
BATCH = 100  # events set together when the waiters are released
# Measured runs per kind. Ten thousand threads take seconds to start and stop, so
# they get one run, to keep the site's build short; tasks are cheap enough for three.
RUNS = {"threads": 1, "asyncio tasks": 3}
STATUS = Path("/proc/self/status")


def memory_kib() -> tuple[int, int | None]:
    """(resident KiB, virtual KiB or None) of this process right now."""
    if STATUS.exists():
        fields = dict(
            line.split(":", 1)
            for line in STATUS.read_text().splitlines()
            if ":" in line
        )
        return int(fields["VmRSS"].split()[0]), int(fields["VmSize"].split()[0])
    import resource  # not on Windows; there, use psutil instead

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (peak // 1024 if sys.platform == "darwin" else peak), None


def memory_source() -> str:
    if STATUS.exists():
        return "VmRSS and VmSize from /proc/self/status"
    return "peak RSS from resource.getrusage (no /proc here)"


# --8<-- [start:waits]
def threads_wait(count: int) -> tuple[float, float, int, int | None]:
    before, virtual_before = memory_kib()
    start = time.perf_counter()
    events = [threading.Event() for _ in range(count)]
    threads = [threading.Thread(target=event.wait) for event in events]
    for thread in threads:
        thread.start()  # returns once the thread is running
    started = time.perf_counter() - start
    during, virtual_during = memory_kib()
    start = time.perf_counter()
    for first in range(0, count, BATCH):
        for event in events[first : first + BATCH]:
            event.set()
        for thread in threads[first : first + BATCH]:
            thread.join()
    finished = time.perf_counter() - start
    virtual = virtual_during - virtual_before if virtual_before else None
    return started, finished, during - before, virtual


async def tasks_wait_async(count: int) -> tuple[float, float, int, int | None]:
    before, virtual_before = memory_kib()
    start = time.perf_counter()
    events = [asyncio.Event() for _ in range(count)]
    tasks = [asyncio.create_task(event.wait()) for event in events]
    await asyncio.sleep(0)  # every task runs up to its wait before we resume
    started = time.perf_counter() - start
    during, virtual_during = memory_kib()
    start = time.perf_counter()
    for first in range(0, count, BATCH):
        for event in events[first : first + BATCH]:
            event.set()
        await asyncio.gather(*tasks[first : first + BATCH])
    finished = time.perf_counter() - start
    virtual = virtual_during - virtual_before if virtual_before else None
    return started, finished, during - before, virtual


# --8<-- [end:waits]


def tasks_wait(count: int) -> tuple[float, float, int, int | None]:
    return asyncio.run(tasks_wait_async(count))


def one_measurement(kind: str) -> tuple[float, float, int, int | None]:
    """Runs in a fresh worker process: a small warm-up, then the real thing."""
    wait = threads_wait if kind == "threads" else tasks_wait
    wait(100)  # warm-up: imports, first allocations
    return wait(WAITERS)


def main() -> None:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each time
    rows, rss_per_waiter, virtual_per_waiter, values = [], {}, {}, {}
    for kind, repeats in RUNS.items():
        runs = []
        for _ in range(repeats):
            with ProcessPoolExecutor(1, mp_context=context) as pool:
                runs.append(pool.submit(one_measurement, kind).result())
        started, finished, rss_kib, virtual_kib = zip(*runs, strict=True)
        total = measure.Timing(tuple(map(sum, zip(started, finished, strict=True))))
        rss = measure.Timing(tuple(kib / 1024 for kib in rss_kib))
        rss_per_waiter[kind] = rss.median * 1024 / WAITERS
        virtual = [kib / 1024**2 for kib in virtual_kib if kib is not None]
        if virtual:
            virtual_per_waiter[kind] = statistics.median(virtual) * 1024 / WAITERS
        short = "thread" if kind == "threads" else "task"
        values |= {
            f"total_per_{short}": [t / WAITERS for t in total.samples],  # seconds
            f"rss_per_{short}": [kib / WAITERS for kib in rss_kib],  # KiB
            f"rss_growth_{short}": list(rss.samples),  # MiB
        }
        if virtual:
            values[f"virtual_growth_{short}"] = [gib * 1024 for gib in virtual]  # MiB
        rows.append(
            [
                f"{WAITERS:,} {kind}",
                repeats,
                measure.Timing(started).cell(3),
                measure.Timing(finished).cell(3),
                f"{total.median / WAITERS * 1e6:.1f}",
                rss.cell(1),
                f"{rss_per_waiter[kind]:.2f}",
                f"{measure.Timing(tuple(virtual)).median:.2f}" if virtual else "n/a",
            ]
        )
    measure.report(
        measure.table(
            [
                "Waiters",
                "Runs",
                "Start all (s)",
                "Release and finish all (s)",
                "Total per waiter (µs)",
                "RSS growth (MiB)",
                "RSS per waiter (KiB)",
                "Virtual memory growth (GiB)",
            ],
            rows,
        ),
        statistic=(
            "each run in a fresh spawn worker after a 100-waiter warm-up; "
            "median (min–max) where there are several runs; per-waiter "
            "figures from the medians; memory: " + memory_source()
        ),
        values=values,
    )
    ratio = rss_per_waiter["threads"] / rss_per_waiter["asyncio tasks"]
    print(
        f"\nWhile waiting, each thread added about {ratio:.0f} times as much resident "
        "memory as each task."
    )
    if "threads" in virtual_per_waiter:
        print(
            f"Each thread reserved about {virtual_per_waiter['threads']:.1f} MiB of "
            f"address space (the stack size limit here: {stack_limit()}; "
            f"threading.stack_size() = {threading.stack_size()}, 0 meaning the "
            "platform default)."
        )


def stack_limit() -> str:
    try:
        import resource
    except ImportError:  # Windows
        return "unknown"
    soft, _hard = resource.getrlimit(resource.RLIMIT_STACK)
    if soft == resource.RLIM_INFINITY:
        return "unlimited"
    return f"{soft / 1024**2:g} MiB"


if __name__ == "__main__":
    main()
