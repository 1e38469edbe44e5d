"""What a thread, an asyncio task and a process cost in memory, measured from /proc.

Linux reports every process's memory in ``/proc/<pid>/``:

- ``status`` gives VmRSS (resident: pages in RAM, shared ones included) and VmSize
  (virtual: address space reserved, touched or not);
- ``smaps_rollup`` gives Private_Clean + Private_Dirty: the pages only this process
  uses, its *unique set size* (USS), which is what it adds to the machine.

Threads and tasks live inside this process, so for them the program measures how
much this process grows when it starts THREADS threads or TASKS tasks, and
divides. A process is measured on its own: each child's RSS and USS while it
waits, for each start method this platform offers.
"""

import asyncio
import multiprocessing
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

THREADS = 200
TASKS = 20_000
CHILDREN = 4  # per start method
KIB = 1024


def memory(pid: int | str = "self") -> dict[str, int]:
    """Resident, virtual and unique bytes of a process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    private = sum(
        int(line.split()[1])
        for line in rollup.splitlines()
        if line.startswith(("Private_Clean:", "Private_Dirty:"))
    )
    return {
        "rss": int(fields["VmRSS"].split()[0]) * KIB,
        "virtual": int(fields["VmSize"].split()[0]) * KIB,
        "uss": private * KIB,
    }


def growth(before: dict[str, int], after: dict[str, int], count: int) -> dict:
    return {key: (after[key] - before[key]) / count for key in before}


# --8<-- [start:units]
def per_thread() -> tuple[dict, float]:
    release = threading.Event()
    started = threading.Barrier(THREADS + 1)

    def wait() -> None:
        started.wait()
        release.wait()

    threads = [threading.Thread(target=wait) for _ in range(THREADS)]
    before = memory()
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    started.wait()  # every thread is running and parked on the event
    seconds = (time.perf_counter() - t0) / THREADS
    after = memory()
    release.set()
    for thread in threads:
        thread.join()
    return growth(before, after, THREADS), seconds


async def per_task() -> tuple[dict, float]:
    release = asyncio.Event()

    async def wait() -> None:
        await release.wait()

    before = memory()
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(wait()) for _ in range(TASKS)]
    await asyncio.sleep(0)  # let every task run up to its await
    seconds = (time.perf_counter() - t0) / TASKS
    after = memory()
    release.set()
    await asyncio.gather(*tasks)
    return growth(before, after, TASKS), seconds


def child(ready, release) -> None:
    ready.set()
    release.wait(60)


def per_process(method: str) -> tuple[dict, float]:
    ctx = multiprocessing.get_context(method)
    release = ctx.Event()
    children, starts = [], []
    for _ in range(CHILDREN):
        ready = ctx.Event()
        process = ctx.Process(target=child, args=(ready, release))
        t0 = time.perf_counter()
        process.start()
        ready.wait(60)  # started and running Python code
        starts.append(time.perf_counter() - t0)
        children.append(process)
    readings = [memory(process.pid) for process in children]
    release.set()
    for process in children:
        process.join()
    median = {key: statistics.median(r[key] for r in readings) for key in readings[0]}
    return median, statistics.median(starts)


# --8<-- [end:units]


def stack_limit() -> str:
    import resource  # Unix only, like the rest of this measurement

    soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
    return "unlimited" if soft == resource.RLIM_INFINITY else f"{soft // KIB:,} KiB"


def row(what: str, measured_as: str, result: dict, start_up: str) -> list[str]:
    cells = (f"{result[key] / KIB:,.1f}" for key in ("rss", "uss", "virtual"))
    return [what, measured_as, *cells, start_up]


def main() -> None:
    if not Path("/proc/self/smaps_rollup").exists():
        print(
            "This measurement reads /proc/<pid>/smaps_rollup, which needs Linux 4.14+."
        )
        return
    mine = memory()
    methods = [
        m
        for m in ("fork", "spawn", "forkserver")
        if m in multiprocessing.get_all_start_methods()
    ]
    # Processes first, while this program is still small: a forked child starts as a
    # copy of it, so what the parent holds matters.
    processes = {method: per_process(method) for method in methods}
    task, task_seconds = asyncio.run(per_task())
    thread, thread_seconds = per_thread()
    grows = "growth of this process ÷ count"
    rows = [
        row("thread", grows, thread, f"{thread_seconds * 1e6:.0f} µs"),
        row("asyncio task", grows, task, f"{task_seconds * 1e6:.1f} µs"),
        *(
            row(
                f"process ({method})", "the child itself", result, f"{sec * 1e3:.1f} ms"
            )
            for method, (result, sec) in processes.items()
        ),
    ]
    print(
        measure.table(
            [
                "One",
                "Measured as",
                "Resident (RSS) KiB",
                "Unique (USS) KiB",
                "Virtual KiB",
                "Start-up",
            ],
            rows,
            caption=measure.provenance(
                statistic=(
                    f"threads: growth for {THREADS} threads ÷ {THREADS}; tasks: growth "
                    f"for {TASKS} tasks ÷ {TASKS}; processes: median of {CHILDREN} "
                    "children per start method, measured while they wait"
                ),
            ),
        )
    )
    print()
    print(
        f"For scale, this program before it started anything: RSS "
        f"{mine['rss'] / KIB:,.0f} KiB, USS {mine['uss'] / KIB:,.0f} KiB. "
        f"threading.stack_size() = {threading.stack_size()} (0: the platform default); "
        f"stack size limit (ulimit -s): {stack_limit()}."
    )


if __name__ == "__main__":
    main()
