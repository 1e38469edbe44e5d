"""Threads, processes and asyncio side by side, on one I/O-bound and one CPU-bound job.

I/O-bound: IO_TASKS requests to a small asyncio server on 127.0.0.1 that answers
each request after IO_DELAY seconds. CPU-bound: CPU_TASKS calls of a pure-Python
function. Each job runs sequentially (the baseline), with threads, with processes
and with asyncio; the CPU job also with asyncio handing the work to a process pool.

Each pool is created once per job and started by the untimed warm-up run, so the
times are those of a program whose workers are already running. The repeats are
interleaved, so a change in the machine's load affects every model alike. Starting
workers is measured separately, by 03_memory_footprint.py. The speed-up is the
sequential run's fastest repeat divided by the model's (measure.speedup). The
ideal speed-up is what perfect overlap would give on this machine: for the I/O
job, all waits at once (the number of requests); for the CPU job, every usable
CPU busy (the number of CPUs, or of tasks if there are fewer).
"""

import asyncio
import multiprocessing
import socket
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

IO_TASKS = 12
IO_DELAY = 0.05  # seconds the server waits before it answers
CPU_TASKS = 8
CPU_STEPS = 300_000  # loop iterations per CPU task
REPEATS = 3
# Processes must start the same way everywhere: forkserver where it exists (fork
# would copy this process and its server thread), spawn elsewhere.
METHOD = (
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)
CPUS = measure.usable_cpus()

Address = tuple[str, int]


# --- the work ------------------------------------------------------------------


# --8<-- [start:work]
def request(address: Address) -> bytes:
    """One blocking request: connect, send a line, wait for the answer."""
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(b"hello\n")
        return conn.recv(64)


async def request_async(address: Address) -> bytes:
    """The same request with asyncio streams: awaiting lets other requests run."""
    async with asyncio.timeout(10):
        reader, writer = await asyncio.open_connection(*address)
        writer.write(b"hello\n")
        answer = await reader.readline()
        writer.close()
        await writer.wait_closed()
        return answer


def crunch(steps: int) -> tuple[float, float]:
    """Pure-Python arithmetic: holds a CPU (and, on a GIL build, the GIL).

    Returns the CPU time and the wall-clock time it took, so the program can say
    what share of a CPU the work got wherever it ran.
    """
    cpu, wall = time.thread_time(), time.perf_counter()
    total = 0
    for i in range(steps):
        total += i * i % 7
    return time.thread_time() - cpu, time.perf_counter() - wall


async def crunch_async(steps: int) -> tuple[float, float]:
    return crunch(steps)  # no await inside: nothing else runs meanwhile


# --8<-- [end:work]


# --- the server the I/O job talks to ------------------------------------------


class Server:
    """An asyncio server in a background thread; answers each line after IO_DELAY."""

    def __enter__(self) -> Address:
        started = threading.Event()
        self.thread = threading.Thread(target=asyncio.run, args=(self.serve(started),))
        self.thread.start()
        started.wait(10)
        return self.address

    async def serve(self, started: threading.Event) -> None:
        async def answer(reader, writer) -> None:
            line = await reader.readline()
            await asyncio.sleep(IO_DELAY)
            writer.write(line)
            await writer.drain()
            writer.close()

        self.loop = asyncio.get_running_loop()
        self.stop = asyncio.Event()
        server = await asyncio.start_server(answer, "127.0.0.1", 0, backlog=128)
        self.address = server.sockets[0].getsockname()[:2]
        started.set()
        async with server:
            await self.stop.wait()

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join()


# --- the models ----------------------------------------------------------------


# --8<-- [start:io]
def time_io_job(address: Address) -> dict[str, measure.Timing]:
    jobs = [address] * IO_TASKS

    async def with_asyncio() -> None:
        async with asyncio.TaskGroup() as group:
            for job in jobs:
                group.create_task(request_async(job))

    ctx = multiprocessing.get_context(METHOD)
    with (
        ThreadPoolExecutor(max_workers=IO_TASKS) as threads,
        ProcessPoolExecutor(max_workers=IO_TASKS, mp_context=ctx) as processes,
    ):
        return measure.compare(
            {
                "sequential": lambda: [request(job) for job in jobs],
                f"threads ({IO_TASKS})": lambda: list(threads.map(request, jobs)),
                f"processes ({IO_TASKS})": lambda: list(processes.map(request, jobs)),
                "asyncio": lambda: asyncio.run(with_asyncio()),
            },
            repeats=REPEATS,
        )


# --8<-- [end:io]


def time_cpu_job() -> tuple[dict[str, measure.Timing], dict[str, float]]:
    """The timings, and per model the share of a CPU that its tasks got as they ran."""
    jobs = [CPU_STEPS] * CPU_TASKS
    # model -> (CPU seconds, wall-clock seconds) of each task it ran
    spans: dict[str, list[tuple[float, float]]] = {}

    def record(name: str, results) -> None:
        spans.setdefault(name, []).extend(results)

    async def with_asyncio() -> list[tuple[float, float]]:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(crunch_async(job)) for job in jobs]
        return [task.result() for task in tasks]

    async def asyncio_with_pool(pool: ProcessPoolExecutor) -> list[tuple[float, float]]:
        loop = asyncio.get_running_loop()
        return await asyncio.gather(
            *(loop.run_in_executor(pool, crunch, j) for j in jobs)
        )

    ctx = multiprocessing.get_context(METHOD)
    threads_, processes_ = f"threads ({CPUS})", f"processes ({CPUS})"
    pooled = f"asyncio + process pool ({CPUS})"
    with (
        ThreadPoolExecutor(max_workers=CPUS) as threads,
        ProcessPoolExecutor(max_workers=CPUS, mp_context=ctx) as processes,
    ):
        timings = measure.compare(
            {
                "sequential": lambda: record("sequential", [crunch(j) for j in jobs]),
                threads_: lambda: record(threads_, threads.map(crunch, jobs)),
                processes_: lambda: record(processes_, processes.map(crunch, jobs)),
                "asyncio": lambda: record("asyncio", asyncio.run(with_asyncio())),
                pooled: lambda: record(
                    pooled, asyncio.run(asyncio_with_pool(processes))
                ),
            },
            repeats=REPEATS,
        )
    shares = {
        name: sum(cpu for cpu, _ in done) / sum(wall for _, wall in done)
        for name, done in spans.items()
    }
    return timings, shares


# --- measuring and reporting ---------------------------------------------------


def rows(job: str, timings: dict[str, measure.Timing], ideal: int) -> list[list[str]]:
    out = []
    for name, timing in timings.items():
        speedup = measure.speedup(timings["sequential"], timing).median
        out.append(
            [
                job,
                name,
                timing.cell(),
                f"{speedup:.2f}x",
                f"{100 * speedup / ideal:.0f}%",
            ]
        )
    return out


def plot(results: list[tuple[str, dict[str, measure.Timing], int]]) -> str:
    # Imported here, not at the top: worker processes started by spawn or forkserver
    # import this module again, and should not pay for Matplotlib each time.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hatches = ["", "//", "xx", "\\\\", "--"]  # light patterns: the SVG stays small
    fig, axes = plt.subplots(1, len(results), figsize=(10, 3.8))
    for ax, (job, timings, ideal) in zip(axes, results, strict=True):
        base = timings["sequential"]
        names = list(timings)
        speedups = [measure.speedup(base, timings[n]).median for n in names]
        # Error bars: the lowest and highest ratio of any two repeats (a slow
        # model run against a fast sequential one, and the other way round).
        fastest = [base.high / timings[n].low for n in names]
        slowest = [base.low / timings[n].high for n in names]
        right = max(ideal, *fastest) * 1.3
        bars = ax.barh(
            names,
            speedups,
            xerr=[
                [s - lo for s, lo in zip(speedups, slowest, strict=True)],
                [hi - s for s, hi in zip(speedups, fastest, strict=True)],
            ],
            color=[f"C{i}" for i in range(len(names))],
            edgecolor="black",
            capsize=3,
        )
        for bar, hatch, value, end in zip(
            bars, hatches, speedups, fastest, strict=False
        ):
            bar.set_hatch(hatch)
            ax.text(  # the value, right of the error bar
                end + right * 0.02,
                bar.get_y() + bar.get_height() / 2,
                f"{value:.2f}x",
                va="center",
                fontsize=8,
            )
        ax.axvline(ideal, linestyle="--", color="black", linewidth=1)
        ax.text(
            ideal,
            1.01,
            f"ideal {ideal}x",
            ha="center",
            va="bottom",
            fontsize=8,
            transform=ax.get_xaxis_transform(),
        )
        ax.axvline(1, linestyle=":", color="grey", linewidth=1)
        ax.invert_yaxis()
        ax.set_xlim(0, right)
        ax.set_title(job, fontsize=10, pad=16)
        ax.set_xlabel("speed-up over sequential (higher is better)")
    fig.tight_layout()
    summary = "; ".join(
        f"{job}: "
        + ", ".join(
            f"{name} {measure.speedup(timings['sequential'], t).median:.1f}x"
            for name, t in timings.items()
        )
        + f" (ideal {ideal}x)"
        for job, timings, ideal in results
    )
    return measure.save_svg(
        fig, "side-by-side.svg", f"Bar charts of speed-up over sequential. {summary}."
    )


def main() -> None:
    with Server() as address:
        io = time_io_job(address)
    cpu, shares = time_cpu_job()
    results = [
        (f"I/O-bound: {IO_TASKS} requests", io, IO_TASKS),
        (f"CPU-bound: {CPU_TASKS} tasks", cpu, min(CPU_TASKS, CPUS)),
    ]
    print(
        measure.table(
            [
                "Job",
                "Model (workers)",
                "Seconds, median (min–max)",
                "Speed-up",
                "% of ideal",
            ],
            [
                row
                for job, timings, ideal in results
                for row in rows(job, timings, ideal)
            ],
            caption=measure.provenance(
                repeats=REPEATS,
                statistic="median (min–max) of wall-clock seconds, repeats "
                "interleaved; speed-ups per round, as their median",
                start_method=METHOD,
            ),
        )
    )
    print()
    print(
        f"Ideal speed-up: {IO_TASKS}x for the I/O job (all {IO_TASKS} waits at once), "
        f"{min(CPU_TASKS, CPUS)}x for the CPU job ({CPUS} usable CPUs, "
        f"{CPU_TASKS} tasks)."
    )
    print()
    print(
        "CPU share of a CPU-bound task while it ran (its CPU time ÷ its wall-clock "
        "time, over all tasks): "
        + ", ".join(f"{name} {share:.2f}" for name, share in shares.items())
        + ". Below 1, the task waited for a CPU: for the GIL, on a build that has "
        "one, or for other programs using the machine's CPUs."
    )
    print()
    print(plot(results))


if __name__ == "__main__":
    main()
