"""Every concurrency model on one I/O-bound and one CPU-bound job, side by side.

I/O-bound: IO_TASKS requests to a small asyncio server on 127.0.0.1 that answers
each request after IO_DELAY seconds. CPU-bound: CPU_TASKS calls of a pure-Python
function. Each job runs sequentially (the baseline), with threads, with processes,
with asyncio, with subinterpreters (InterpreterPoolExecutor, Python 3.14 and later)
and on a Dask LocalCluster whose every socket is on 127.0.0.1; the CPU job also with
asyncio handing the work to a process pool.

Set-up is timed apart from the job: each pool is created and runs the job once, and
that first run is timed on its own. Then the runs are timed with the pools already
running, interleaved (measure.compare), so a change in the machine's load affects
every model alike. The speed-up is the ratio to the sequential run of the same
round (measure.speedup). Dask runs last, in rounds of its own (the CPU job's with
the process pool again, to compare the two in the same rounds), each set against
the sequential round of the same number: its scheduler and client run in threads
of this process, which take the GIL from this process's own computing, and
importing it may turn the GIL on in a free-threaded build, so it is started only
once the other models are measured. The ideal speed-up is what perfect overlap
would give on this machine: for the I/O job, all waits at once (the number of
requests); for the CPU job, every usable CPU busy (the number of CPUs, or of
tasks if there are fewer).
"""

import asyncio
import concurrent.futures
import contextlib
import importlib
import math
import multiprocessing
import socket
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

# The loopback guard of "Beyond one machine" (an audit hook that refuses any address
# but 127.0.0.1), installed at import: here, in every Dask worker (spawn imports this
# file again) and in every subinterpreter (each runs this file's top level).
GUARD = importlib.import_module("beyond_one_machine.01_process_pool_vs_local_cluster")
GUARD = GUARD.GUARD

IO_TASKS = 12
IO_DELAY = 0.05  # seconds the server waits before it answers
CPU_TASKS = 8
CPU_STEPS = 600_000  # loop iterations per CPU task
REPEATS = 3
# Processes must start the same way everywhere: forkserver where it exists (fork
# would copy this process and its server thread), spawn elsewhere.
METHOD = (
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)
CPUS = measure.usable_cpus()
# Python 3.14 and later; None before.
INTERPRETERS = getattr(concurrent.futures, "InterpreterPoolExecutor", None)
LOOPBACK = "127.0.0.1"
DASK_THREADS = math.ceil(IO_TASKS / CPUS)  # threads per Dask worker: every wait at once
TIMEOUT = 60  # seconds for any one start, map or shutdown

Address = tuple[str, int]
Run = Callable[[], object]
POOLS: dict = {}  # the CPU job's process pool, which Dask's rounds run again


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
        if not started.wait(TIMEOUT):
            raise TimeoutError("the server did not start")
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
        server = await asyncio.start_server(answer, LOOPBACK, 0, backlog=128)
        self.address = server.sockets[0].getsockname()[:2]
        started.set()
        async with server:
            await self.stop.wait()

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(TIMEOUT)


# --- the models ----------------------------------------------------------------


def first_runs(
    models: dict[str, Callable[[], Run]],
) -> tuple[dict[str, Run], dict[str, measure.Timing]]:
    """Set up each model (``models[name]()`` returns its run) and run it once, both
    in one timing: ``{name: run}`` for the timed rounds, ``{name: first run}``."""
    runs: dict[str, Run] = {}
    firsts = {}
    for name, set_up in models.items():

        def set_up_and_run(
            name: str = name, set_up: Callable[[], Run] = set_up
        ) -> None:
            runs[name] = set_up()
            runs[name]()

        firsts[name] = measure.measure(set_up_and_run, repeats=1, warmup=0)
    return runs, firsts


# --8<-- [start:io]
def io_models(address: Address, stack: contextlib.ExitStack) -> dict:
    jobs = [address] * IO_TASKS

    async def with_asyncio() -> None:
        async with asyncio.TaskGroup() as group:
            for job in jobs:
                group.create_task(request_async(job))

    def pooled(make: Callable[[], concurrent.futures.Executor]) -> Callable[[], Run]:
        def set_up() -> Run:
            pool = stack.enter_context(make())
            return lambda: list(pool.map(request, jobs, timeout=TIMEOUT))

        return set_up

    ctx = multiprocessing.get_context(METHOD)
    models = {
        "sequential": lambda: lambda: [request(job) for job in jobs],
        f"threads ({IO_TASKS})": pooled(lambda: ThreadPoolExecutor(IO_TASKS)),
        f"processes ({IO_TASKS})": pooled(
            lambda: ProcessPoolExecutor(IO_TASKS, mp_context=ctx)
        ),
        "asyncio": lambda: lambda: asyncio.run(with_asyncio()),
    }
    if INTERPRETERS:
        models[f"subinterpreters ({IO_TASKS})"] = pooled(lambda: INTERPRETERS(IO_TASKS))
    return models


# --8<-- [end:io]


class Shares:
    """The CPU time and wall-clock time of every CPU-bound task, per model and run."""

    def __init__(self) -> None:
        self.runs: dict[str, list[list[tuple[float, float]]]] = {}

    def record(self, name: str, results) -> None:
        self.runs.setdefault(name, []).append(list(results))

    def last(self, name: str, count: int) -> list[float]:
        """The share of a CPU (CPU time ÷ wall-clock time) of each of the last runs."""
        return [
            sum(cpu for cpu, _ in done) / sum(wall for _, wall in done)
            for done in self.runs[name][-count:]
        ]


def cpu_models(stack: contextlib.ExitStack, shares: Shares) -> dict:
    jobs = [CPU_STEPS] * CPU_TASKS

    async def with_asyncio() -> list[tuple[float, float]]:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(crunch_async(job)) for job in jobs]
        return [task.result() for task in tasks]

    async def asyncio_with_pool(pool: ProcessPoolExecutor) -> list[tuple[float, float]]:
        loop = asyncio.get_running_loop()
        return await asyncio.gather(
            *(loop.run_in_executor(pool, crunch, j) for j in jobs)
        )

    def recorded(name: str, run: Run) -> Run:
        return lambda: shares.record(name, run())

    def pooled(name: str, make: Callable[[], concurrent.futures.Executor]):
        def set_up() -> Run:
            pool = stack.enter_context(make())
            return recorded(name, lambda: pool.map(crunch, jobs, timeout=TIMEOUT))

        return set_up

    ctx = multiprocessing.get_context(METHOD)
    processes = POOLS  # the process pool, shared with asyncio's run_in_executor

    def process_pool() -> ProcessPoolExecutor:
        processes["pool"] = ProcessPoolExecutor(CPUS, mp_context=ctx)
        return processes["pool"]

    threads_, processes_ = f"threads ({CPUS})", f"processes ({CPUS})"
    behind_asyncio = f"asyncio + process pool ({CPUS})"
    models = {
        "sequential": lambda: recorded("sequential", lambda: [crunch(j) for j in jobs]),
        threads_: pooled(threads_, lambda: ThreadPoolExecutor(CPUS)),
        processes_: pooled(processes_, process_pool),
        "asyncio": lambda: recorded("asyncio", lambda: asyncio.run(with_asyncio())),
        behind_asyncio: lambda: recorded(
            behind_asyncio, lambda: asyncio.run(asyncio_with_pool(processes["pool"]))
        ),
    }
    if INTERPRETERS:
        name = f"subinterpreters ({CPUS})"
        models[name] = pooled(name, lambda: INTERPRETERS(CPUS))
    return models


# --- Dask: a LocalCluster on 127.0.0.1 ------------------------------------------


# --8<-- [start:dask]
def start_dask(stack: contextlib.ExitStack):
    """A LocalCluster on 127.0.0.1 with CPUS worker processes of DASK_THREADS threads
    each, and a Client for it; ``stack`` closes both. Each worker has one "CPU"
    resource, and a CPU-bound task claims it: one computes at a time per worker."""
    import dask
    import distributed

    stack.enter_context(
        dask.config.set(
            {
                "distributed.comm.timeouts.connect": f"{TIMEOUT}s",
                "distributed.comm.timeouts.tcp": f"{TIMEOUT}s",
                "distributed.worker.multiprocessing-method": "spawn",
            }
        )
    )
    cluster = distributed.LocalCluster(
        n_workers=CPUS,
        threads_per_worker=DASK_THREADS,
        processes=True,
        host=LOOPBACK,
        protocol="tcp://",
        dashboard_address=None,  # no web server
        death_timeout=TIMEOUT,
        resources={"CPU": 1},
    )
    stack.callback(cluster.close, timeout=TIMEOUT)
    if urlsplit(cluster.scheduler_address).hostname != LOOPBACK:
        raise PermissionError(f"scheduler at {cluster.scheduler_address}")
    client = distributed.Client(cluster, timeout=TIMEOUT)
    stack.callback(client.close, timeout=TIMEOUT)
    client.wait_for_workers(CPUS, timeout=TIMEOUT)
    return client


def on_dask(client, func: Callable, jobs: list, **options) -> list:
    """Map ``func`` over ``jobs`` on the cluster, wait (with a timeout), gather."""
    from distributed import wait

    # pure=False: equal arguments are still separate tasks.
    futures = client.map(func, jobs, pure=False, **options)
    wait(futures, timeout=TIMEOUT)
    return client.gather(futures)


# --8<-- [end:dask]


def hosts_seen_here() -> list[str] | None:
    """Run inside a Dask worker: the hosts its own guard saw (None: it has none)."""
    guard = getattr(sys.modules["__main__"], "GUARD", None)
    return None if guard is None else sorted(guard.seen)


def dask_rounds(address: Address, shares: Shares, processes: Run) -> dict:
    """Dask's set-up timings, then per job its first run and its rounds; in the CPU
    job's rounds the process pool (``processes``) runs again, beside it."""
    setup = {}
    with contextlib.ExitStack() as stack:
        setup["import dask.distributed"] = measure.measure(
            lambda: importlib.import_module("dask.distributed"), repeats=1, warmup=0
        )
        clients = []
        setup[f"start a LocalCluster ({CPUS} workers)"] = measure.measure(
            lambda: clients.append(start_dask(stack)), repeats=1, warmup=0
        )
        client = clients[0]
        io_jobs, cpu_jobs = [address] * IO_TASKS, [CPU_STEPS] * CPU_TASKS
        dask_io = f"Dask LocalCluster ({CPUS * DASK_THREADS})"
        dask_cpu = f"Dask LocalCluster ({CPUS})"
        io_runs, io_firsts = first_runs(
            {dask_io: lambda: lambda: on_dask(client, request, io_jobs)}
        )
        io = measure.compare(io_runs, repeats=REPEATS, warmup=0)
        cpu_runs, cpu_firsts = first_runs(
            {
                dask_cpu: lambda: (
                    lambda: shares.record(
                        dask_cpu,
                        on_dask(client, crunch, cpu_jobs, resources={"CPU": 1}),
                    )
                ),
            }
        )
        cpu = measure.compare(
            cpu_runs | {"processes, again": processes}, repeats=REPEATS, warmup=0
        )
        beside = cpu.pop("processes, again")
        seen = {"this process": sorted(GUARD.seen)}
        seen |= client.run(hosts_seen_here, wait=True)
    return {
        "setup": setup,
        "io": (io, io_firsts),
        "cpu": (cpu, cpu_firsts),
        "processes_beside_dask": beside,
        "seen": seen,
    }


# --- measuring and reporting ---------------------------------------------------


def rows(
    job: str, timings: dict, firsts: dict, ideal: int, speedups: dict
) -> list[list[str]]:
    out = []
    for name, timing in timings.items():
        if timing is None:
            out.append([job, name, "needs Python 3.14", "–", "–", "–"])
            continue
        speedup = speedups[name].median
        out.append(
            [
                job,
                name,
                timing.cell(),
                firsts[name].cell(),
                f"{speedup:.2f}x",
                f"{100 * speedup / ideal:.0f}%",
            ]
        )
    return out


def plot(results: list[tuple[str, dict[str, measure.Ratio], int]]) -> str:
    # Imported here, not at the top: worker processes started by spawn or forkserver,
    # and subinterpreters, import this module again, and should not pay for it.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hatches = ["", "//", "xx", "\\\\", "--", "||", "++"]  # light patterns: small SVG
    fig, axes = plt.subplots(1, len(results), figsize=(10, 4.4))
    for ax, (job, speedups, ideal) in zip(axes, results, strict=True):
        names = list(speedups)
        medians = [speedups[n].median for n in names]
        # Error bars: the slowest and the fastest round.
        lows = [speedups[n].low for n in names]
        highs = [speedups[n].high for n in names]
        right = max(ideal, *highs) * 1.3
        bars = ax.barh(
            names,
            medians,
            xerr=[
                [m - lo for m, lo in zip(medians, lows, strict=True)],
                [hi - m for m, hi in zip(medians, highs, strict=True)],
            ],
            color=[f"C{i}" for i in range(len(names))],
            edgecolor="black",
            capsize=3,
        )
        for bar, hatch, value, end in zip(bars, hatches, medians, highs, strict=False):
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
        + ", ".join(f"{name} {ratio.median:.1f}x" for name, ratio in speedups.items())
        + f" (ideal {ideal}x)"
        for job, speedups, ideal in results
    )
    return measure.save_svg(
        fig, "side-by-side.svg", f"Bar charts of speed-up over sequential. {summary}."
    )


def value_name(job: str, model: str) -> str:
    """``cpu_asyncio_pool`` for the CPU job's "asyncio + process pool (2)": the end
    of the names of its values (``speedup_cpu_asyncio_pool``, ...)."""
    short = model.split(" (", maxsplit=1)[0].replace(
        "asyncio + process pool", "asyncio pool"
    )
    short = {"Dask LocalCluster": "dask", "subinterpreters": "interpreters"}.get(
        short, short
    )
    return f"{job}_{short.replace(' ', '_')}"


def main() -> None:
    others = measure.watch_other_programs()
    shares = Shares()
    with Server() as address:
        with contextlib.ExitStack() as stack:
            io_runs, io_firsts = first_runs(io_models(address, stack))
            io = measure.compare(io_runs, repeats=REPEATS, warmup=0)
        with contextlib.ExitStack() as stack:
            cpu_runs, cpu_firsts = first_runs(cpu_models(stack, shares))
            cpu = measure.compare(cpu_runs, repeats=REPEATS, warmup=0)
            pool, jobs = POOLS["pool"], [CPU_STEPS] * CPU_TASKS
            dask = dask_rounds(
                address, shares, lambda: list(pool.map(crunch, jobs, timeout=TIMEOUT))
            )
    taken = others()

    values: dict = {"io_ideal": IO_TASKS, "cpu_ideal": min(CPU_TASKS, CPUS)}
    results, table_rows = [], []
    for key, job, timings, first_runs_, ideal in [
        ("io", f"I/O-bound: {IO_TASKS} requests", io, io_firsts, IO_TASKS),
        ("cpu", f"CPU-bound: {CPU_TASKS} tasks", cpu, cpu_firsts, min(CPU_TASKS, CPUS)),
    ]:
        dask_timings, dask_firsts = dask[key]
        (dask_name,) = dask_timings
        # Dask's rounds came after the others': each is set against the
        # sequential round of the same number.
        speedups = {name: measure.speedup(timings["sequential"], t)
                    for name, t in (timings | dask_timings).items()}  # fmt: skip
        shown = dict(timings)
        if not INTERPRETERS:
            shown[f"subinterpreters ({IO_TASKS if key == 'io' else CPUS})"] = None
        shown[dask_name] = dask_timings[dask_name]
        firsts = first_runs_ | {dask_name: dask_firsts[dask_name]}
        table_rows += rows(job, shown, firsts, ideal, speedups)
        results.append((job, speedups, ideal))
        for name, ratio in speedups.items():
            short = value_name(key, name)
            if name != "sequential":
                values[f"speedup_{short}"] = ratio
            values[f"seconds_{short}"] = shown[name]
            values[f"first_{short}"] = firsts[name]
    for name in shares.runs:
        values[f"share_{value_name('cpu', name)}"] = shares.last(name, REPEATS)
    values["dask_import"], values["dask_start"] = dask["setup"].values()
    dask_cpu = dask["cpu"][0][f"Dask LocalCluster ({CPUS})"]
    # How many times as long as the process pool Dask took, in the same rounds.
    values["cpu_dask_over_processes"] = measure.speedup(
        dask_cpu, dask["processes_beside_dask"]
    )

    measure.report(
        measure.table(
            [
                "Job",
                "Model (workers)",
                "Seconds, median (min–max)",
                "First run, with set-up (s)",
                "Speed-up",
                "% of ideal",
            ],
            table_rows,
        ),
        repeats=REPEATS,
        statistic="median (min–max) of wall-clock seconds, repeats interleaved "
        "after each model's first run (timed on its own); speed-ups per round, as "
        "their median; Dask's rounds after the others', each set against the "
        "sequential round of the same number",
        start_method=METHOD,
        others=taken,
        values=values,
    )
    print()
    setup = "; ".join(f"{name} {t.cell(2)} s" for name, t in dask["setup"].items())
    print(
        f"Dask, once for both jobs: {setup}. Its {CPUS} workers have "
        f"{DASK_THREADS} threads each; a CPU-bound task claims a worker's one CPU "
        "resource, so each worker computes one at a time. In Dask's CPU-bound "
        "rounds the process pool ran again, beside it: Dask took "
        f"{values['cpu_dask_over_processes'].cell()} as long (per round)."
    )
    used = sorted({host for hosts in dask["seen"].values() for host in hosts or []})
    assert None not in dask["seen"].values(), f"a worker has no guard: {dask['seen']}"
    assert used == [LOOPBACK], used
    print(f"Every address used: {LOOPBACK} (checked in {len(dask['seen'])} processes).")
    if not INTERPRETERS:
        print(
            f"Subinterpreters: this is Python {sys.version.split()[0]}; "
            "concurrent.futures.InterpreterPoolExecutor needs Python 3.14 or later."
        )
    print()
    print(
        f"Ideal speed-up: {IO_TASKS}x for the I/O job (all {IO_TASKS} waits at once), "
        f"{min(CPU_TASKS, CPUS)}x for the CPU job ({CPUS} usable CPUs, "
        f"{CPU_TASKS} tasks)."
    )
    print()
    listed = {name: shares.last(name, REPEATS) for name in shares.runs}
    print(
        "CPU share of a CPU-bound task while it ran (its CPU time ÷ its wall-clock "
        "time, over all tasks of the timed runs): "
        + ", ".join(f"{name} {sum(s) / len(s):.2f}" for name, s in listed.items())
        + ". Below 1, the task waited for a CPU: for the GIL, on a build that has "
        "one, or for other programs using the machine's CPUs."
    )
    print()
    print(plot(results))


if __name__ == "__main__":
    main()
