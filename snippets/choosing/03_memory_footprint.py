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

The address space that THREADS threads add is not THREADS times a per-thread
cost, so the program splits it: each thread's stack and guard page (the sizes its
C library reports, ``pthread_getattr_np``), and the rest, which the C library
reserves for the whole process (with glibc: the heaps of its malloc arenas, which
threads share, each mostly a reserved region with no access, ``---p`` in
``/proc/self/maps``). It also reads how much the kernel's own stacks grew
(``KernelStack`` in ``/proc/meminfo``, for the whole machine): memory a thread
costs that no process's RSS includes.
"""

import asyncio
import collections
import ctypes
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

THREADS = 200
TASKS = 20_000
CHILDREN = 4  # per start method
ONE_ARENA = "--threads-with-one-arena"  # run only the thread part, and print JSON
KIB, MIB = 1024, 1024 * 1024
LIBC = ctypes.CDLL(None)  # the C library this interpreter runs on
LIBC.pthread_self.restype = ctypes.c_ulong
LIBC.pthread_getattr_np.argtypes = [ctypes.c_ulong, ctypes.c_void_p]


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


def mappings() -> dict[tuple[int, int], str]:
    """This process's address space: (start, end) -> permissions, from /proc."""
    found = {}
    for line in Path("/proc/self/maps").read_text().splitlines():
        span, perms = line.split()[:2]
        start, end = (int(part, 16) for part in span.split("-"))
        found[start, end] = perms
    return found


def kernel_stacks() -> int:
    """Bytes of kernel stack in use on the whole machine (/proc/meminfo)."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("KernelStack:"):
            return int(line.split()[1]) * KIB
    raise LookupError("no KernelStack line in /proc/meminfo")


def own_stack() -> tuple[int, int]:
    """The calling thread's stack size and guard size, in bytes, as its C library
    reports them (pthread_getattr_np: glibc and musl, which is Linux here)."""
    attr = ctypes.create_string_buffer(256)  # larger than any pthread_attr_t
    if LIBC.pthread_getattr_np(LIBC.pthread_self(), attr) != 0:
        raise OSError("pthread_getattr_np failed")
    try:
        where, size, guard = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_size_t()
        LIBC.pthread_attr_getstack(attr, ctypes.byref(where), ctypes.byref(size))
        LIBC.pthread_attr_getguardsize(attr, ctypes.byref(guard))
    finally:
        LIBC.pthread_attr_destroy(attr)
    return size.value, guard.value


def address_space(before: dict, after: dict, stacks: list[tuple[int, int]]) -> dict:
    """What the threads added to the address space: in all; in their stacks and
    guard pages (as each thread's C library reported them); and, of the rest, the
    new reserved mappings (no access, ``---p``) of 1 MiB or more, by size."""
    total = sum(end - start for start, end in after) - sum(
        end - start for start, end in before
    )
    reserved = collections.Counter(
        end - start
        for (start, end), perms in after.items()
        if (start, end) not in before and perms == "---p" and end - start >= MIB
    )
    return {
        "total": total,
        "stack": statistics.median(size + guard for size, guard in stacks),
        "stacks": sum(size + guard for size, guard in stacks),
        "reserved": reserved,
    }


# --8<-- [start:units]
def per_thread() -> tuple[dict, float, dict]:
    release = threading.Event()
    started = threading.Barrier(THREADS + 1)

    stacks = []

    def wait() -> None:
        stacks.append(own_stack())
        started.wait(60)
        release.wait(60)

    threads = [threading.Thread(target=wait) for _ in range(THREADS)]
    before, maps, kernel = memory(), mappings(), kernel_stacks()
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    started.wait(60)  # every thread is running and parked on the event
    seconds = (time.perf_counter() - t0) / THREADS
    after = memory()
    space = address_space(maps, mappings(), stacks)
    running = kernel_stacks()
    release.set()
    for thread in threads:
        thread.join(60)
    # Kernel stacks, per thread: what they grew by as the threads started, and fell
    # by as they ended (two readings: other programs' threads come and go too).
    space["kernel"] = [
        (running - kernel) / THREADS,
        (running - kernel_stacks()) / THREADS,
    ]
    return growth(before, after, THREADS), seconds, space


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
    return median, starts


# --8<-- [end:units]


def stack_limit() -> str:
    import resource  # Unix only, like the rest of this measurement

    soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
    return "unlimited" if soft == resource.RLIM_INFINITY else f"{soft // KIB:,} KiB"


def row(what: str, measured_as: str, result: dict, start_up: str) -> list[str]:
    cells = (f"{result[key] / KIB:,.1f}" for key in ("rss", "uss", "virtual"))
    return [what, measured_as, *cells, start_up]


def with_one_arena() -> dict:
    """The thread measurement again, in a new process limited to one malloc arena
    (glibc's MALLOC_ARENA_MAX; other C libraries ignore it)."""
    done = subprocess.run(
        [sys.executable, __file__, ONE_ARENA],
        env=os.environ | {"MALLOC_ARENA_MAX": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    if not Path("/proc/self/smaps_rollup").exists():
        print(
            "This measurement reads /proc/<pid>/smaps_rollup, which needs Linux 4.14+."
        )
        return
    if sys.argv[1:] == [ONE_ARENA]:  # the child of with_one_arena()
        thread, _, space = per_thread()
        print(json.dumps({"rss": thread["rss"], "total": space["total"]}))
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
    thread, thread_seconds, space = per_thread()
    one_arena = with_one_arena()
    grows = "growth of this process ÷ count"
    rows = [
        row(
            "thread",
            f"{grows}; virtual: its stack and guard page",
            thread | {"virtual": space["stack"]},
            f"{thread_seconds * 1e6:.0f} µs",
        ),
        row("asyncio task", grows, task, f"{task_seconds * 1e6:.1f} µs"),
        *(
            row(
                f"process ({method})",
                "the child itself",
                result,
                f"{statistics.median(starts) * 1e3:.1f} ms",
            )
            for method, (result, starts) in processes.items()
        ),
    ]
    values = {
        "threads": THREADS,
        "rss_thread": thread["rss"] / KIB,
        "stack_thread": space["stack"] / KIB,
        "virtual_growth_thread": space["total"] / THREADS / KIB,
        "virtual_growth_thread_one_arena": one_arena["total"] / THREADS / KIB,
        "rss_thread_one_arena": one_arena["rss"] / KIB,
        "kernel_stack_thread": [reading / KIB for reading in space["kernel"]],
        "reserved_regions": sum(space["reserved"].values()),
        "reserved_kib": sum(k * n for k, n in space["reserved"].items()) / KIB,
        "cpus_online": os.cpu_count() or 1,
        "rss_task": task["rss"] / KIB,
    }
    for method, (result, starts) in processes.items():
        values[f"rss_{method}"] = result["rss"] / KIB
        values[f"uss_{method}"] = result["uss"] / KIB
        values[f"start_{method}"] = starts
    measure.report(
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
        ),
        statistic=(
            f"threads: growth for {THREADS} threads ÷ {THREADS}; tasks: growth "
            f"for {TASKS} tasks ÷ {TASKS}; processes: median of {CHILDREN} "
            "children per start method, measured while they wait"
        ),
        # No others= here: memory is what the claims on these values read, and other
        # programs' load cannot change it (nor make spawn start as fast as fork).
        values=values,
    )
    print()
    reserved = " and ".join(
        f"{count} of {size / KIB:,.0f} KiB"
        for size, count in sorted(space["reserved"].items())
    )
    rest = space["total"] - space["stacks"]
    print(
        f"Address space that {THREADS} threads added: {space['total'] / KIB:,.0f} KiB "
        f"({space['total'] / THREADS / KIB:,.1f} KiB if divided by {THREADS}). Of it, "
        f"their stacks with their guard pages: {space['stacks'] / KIB:,.0f} KiB "
        f"({space['stack'] / KIB:,.0f} KiB each, as each thread's C library reports "
        f"it); the rest: {rest / KIB:,.0f} KiB, in which new reserved regions (no "
        f"access, 1 MiB or more): {reserved or 'none'}."
    )
    print()
    print(
        f"The same {THREADS} threads in a process started with MALLOC_ARENA_MAX=1 "
        f"added {one_arena['total'] / KIB:,.0f} KiB of address space "
        f"({one_arena['total'] / THREADS / KIB:,.1f} KiB if divided by {THREADS}) and "
        f"{one_arena['rss'] / KIB:,.1f} KiB of RSS per thread."
    )
    print()
    print(
        f"Kernel stacks (KernelStack in /proc/meminfo, for the whole machine) grew by "
        f"{space['kernel'][0] / KIB:,.1f} KiB per thread as the threads started, and "
        f"fell by {space['kernel'][1] / KIB:,.1f} KiB per thread as they ended: memory "
        "of the kernel, which no process's RSS counts."
    )
    print()
    libc = " ".join(platform.libc_ver()) or "unknown"
    print(
        f"For scale, this program before it started anything: RSS "
        f"{mine['rss'] / KIB:,.0f} KiB, USS {mine['uss'] / KIB:,.0f} KiB. "
        f"threading.stack_size() = {threading.stack_size()} (0: the platform default); "
        f"stack size limit (ulimit -s): {stack_limit()}; C library: {libc}; "
        f"MALLOC_ARENA_MAX: {os.environ.get('MALLOC_ARENA_MAX', 'not set')}; "
        f"os.cpu_count() = {os.cpu_count()}."
    )


if __name__ == "__main__":
    main()
