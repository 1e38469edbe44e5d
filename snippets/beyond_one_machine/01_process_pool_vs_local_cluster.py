"""The process pool's CPU-bound map, again on a dask.distributed cluster on 127.0.0.1.

A ``LocalCluster`` is the smallest real Dask cluster: a scheduler, and worker
processes that connect to it over TCP, exactly as they would across machines,
except that every address here is 127.0.0.1. The program maps the benchmark lab's
CPU-bound ``crunch`` (``snippets/lab/workloads.py``) over small and over large tasks,
on a ``ProcessPoolExecutor`` and on the cluster, and reports what each task costs on
each. It also times the setup (importing Dask, starting the cluster) and sums the
files that Dask adds to this environment.

Nothing here may reach another machine. An audit hook (``sys.addaudithook``) sees
every socket bind, connect and address lookup, and refuses any address other than
127.0.0.1. It is installed when this file is imported, so it runs in this process
(the scheduler and the nannies that start the workers live here) and in every worker
process: a worker started with ``spawn`` imports this file again before it does
anything else. Each process reports what it saw, and the program prints it.
"""

import contextlib
import importlib
import multiprocessing
import os
import stat
import statistics
import sys
import sysconfig
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure
from lab.workloads import crunch

LOOPBACK = "127.0.0.1"
MAX_WORKERS = 4  # this is a demonstration, not a benchmark of the whole machine
SMALL_STEPS, SMALL_TASKS = 10, 100  # work far shorter than sending a task
LARGE_STEPS, TASKS_PER_WORKER = 300_000, 2  # work far longer than sending a task
REPEATS = 3
START_TIMEOUT = 60  # seconds for the cluster's workers to start and register
WAIT_TIMEOUT = 60  # seconds for any one map, on the pool or on the cluster
CLOSE_TIMEOUT = 20  # seconds for the client and the cluster to shut down


# --8<-- [start:guard]
class LoopbackOnly:
    """An audit hook: refuse a socket bind, connect or lookup that is not 127.0.0.1."""

    CHECKED = frozenset(
        {"socket.bind", "socket.connect", "socket.sendto", "socket.sendmsg"}
    )
    LOOKUPS = frozenset({"socket.getaddrinfo", "socket.gethostbyname"})

    def __init__(self) -> None:
        self.seen: set[str] = set()  # every host bound, connected to or looked up

    def __call__(self, event: str, args: tuple) -> None:
        if event in self.CHECKED and isinstance(args[1], tuple):
            # (host, port) for IPv4, (host, port, flow, scope) for IPv6
            host = args[1][0]
        elif event in self.LOOKUPS and args[0] is not None:
            host = args[0].decode() if isinstance(args[0], bytes) else args[0]
        else:
            return  # local sockets (AF_UNIX paths) and events that name no address
        if host != LOOPBACK:
            raise PermissionError(f"{event} to {host!r} refused: {LOOPBACK} only")
        self.seen.add(host)


GUARD = LoopbackOnly()
sys.addaudithook(GUARD)  # at import: in this process and in each spawned worker
# --8<-- [end:guard]


def hosts_seen_here() -> list[str]:
    """Run inside a worker: the hosts its own guard saw (None: it has no guard)."""
    guard = getattr(sys.modules["__main__"], "GUARD", None)
    return None if guard is None else sorted(guard.seen)


def environment_added_by(roots: set[str]) -> tuple[list[str], int, int]:
    """The distributions installed only because of ``roots``, and the files and bytes
    of everything installed: what installing ``roots`` added to this environment."""
    from importlib.metadata import distributions

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    installed = {canonicalize_name(d.metadata["Name"]): d for d in distributions()}

    def needs(name: str) -> set[str]:
        found = set()
        for text in installed[name].requires or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is None or marker.evaluate({"extra": ""}):
                found.add(canonicalize_name(requirement.name))
        return found & installed.keys()

    def closure(names: set[str], cut: set[str] = frozenset()) -> set[str]:
        """``names`` and all they need, not following requirements of ``cut``."""
        todo, found = list(names), set(names)
        while todo:
            for name in needs(todo.pop()) - found - cut:
                found.add(name)
                todo.append(name)
        return found

    with_roots = closure(roots)
    # What everything else needs without them (this project requires them: cut there).
    kept_without = closure(set(installed) - with_roots, cut=roots)
    added = sorted(with_roots - kept_without)

    def disk(names) -> tuple[int, int]:
        """Files (as each distribution's RECORD lists them) and their bytes on disk."""
        paths = set()
        for name in names:
            base = str(installed[name].locate_file(""))
            paths |= {
                os.path.normpath(os.path.join(base, f))
                for f in installed[name].files or []
            }
        sizes = []
        for path in paths:
            with contextlib.suppress(OSError):  # listed, but not there (or not a file)
                if stat.S_ISREG((found := os.stat(path)).st_mode):
                    sizes.append(found.st_size)
        return len(sizes), sum(sizes)

    return added, *disk(added), *disk(installed)


def start_cluster(distributed, stack: ExitStack, workers: int):
    """A LocalCluster on 127.0.0.1 and a Client for it; ``stack`` closes both."""
    import dask

    stack.enter_context(
        dask.config.set(
            {
                "distributed.comm.timeouts.connect": f"{START_TIMEOUT}s",
                "distributed.comm.timeouts.tcp": f"{WAIT_TIMEOUT}s",
                "distributed.worker.multiprocessing-method": "spawn",
            }
        )
    )
    # --8<-- [start:cluster]
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,  # each worker is a process, as on a real cluster
        host=LOOPBACK,
        protocol="tcp://",
        dashboard_address=None,  # no web server
        death_timeout=START_TIMEOUT,  # a worker that cannot start gives up
    )
    stack.callback(cluster.close, timeout=CLOSE_TIMEOUT)
    if urlsplit(cluster.scheduler_address).hostname != LOOPBACK:
        raise PermissionError(f"scheduler at {cluster.scheduler_address}")
    client = distributed.Client(cluster, timeout=START_TIMEOUT)
    stack.callback(client.close, timeout=CLOSE_TIMEOUT)
    client.wait_for_workers(workers, timeout=START_TIMEOUT)
    # --8<-- [end:cluster]
    return client


def report_addresses(workers: int, scheduler: str, seen: dict) -> None:
    print(
        f"{workers} workers each (one per usable CPU, at most {MAX_WORKERS}); ", end=""
    )
    print(f"scheduler at {scheduler}.")
    print(f"Hosts bound, connected or looked up, per process: {seen}")
    without_guard = [name for name, hosts in seen.items() if hosts is None]
    assert not without_guard, f"processes without the loopback guard: {without_guard}"
    used = sorted({host for hosts in seen.values() for host in hosts})
    assert used == [LOOPBACK], used
    print(f"Every address used: {', '.join(used)} (checked in {len(seen)} processes).")
    if sysconfig.get_config_var("Py_GIL_DISABLED"):  # did an import turn the GIL on?
        gil = "on" if measure.gil_enabled() else "off"
        print(
            f"Free-threaded build: after importing dask.distributed, the GIL is {gil}."
        )
    print()


def report_maps(
    compared: dict, counts: dict[str, int], workers: int, taken: float | None
) -> None:
    steps = {"small": SMALL_STEPS, "large": LARGE_STEPS}
    rows = []
    for (size, runner), timing in compared.items():
        per_task_ms = timing.median / counts[size] * 1000
        label = f"{counts[size]} {size} tasks of {steps[size]:,} steps, {runner}"
        rows.append([label, timing.cell(3), f"{per_task_ms:.3f}"])
    values = {}
    lines = []
    for size in ("small", "large"):
        pool, cluster = (
            compared[size, "ProcessPoolExecutor"],
            compared[size, "LocalCluster"],
        )
        # How many times as long the cluster took, round by round (measure.speedup).
        slower = measure.speedup(cluster, pool)
        extra_ms = [
            (c - p) / counts[size] * 1000
            for c, p in zip(cluster.samples, pool.samples, strict=True)
        ]
        values |= {
            f"{size}_cluster_over_pool": slower,
            f"{size}_extra_ms_per_task": extra_ms,
            f"{size}_pool_ms_per_task": [t / counts[size] * 1000 for t in pool.samples],
        }
        lines.append(
            f"{size.capitalize()} tasks: the cluster took {slower.median:.2f} times "
            f"as long as the pool ({slower.low:.2f}–{slower.high:.2f} over the "
            f"rounds), {statistics.median(extra_ms):+.3f} ms per task."
        )
    measure.report(
        measure.table(
            ["Run", "Seconds", "Per task (ms)"],
            rows,
            caption=f"Each run maps crunch() over its tasks on {workers} worker "
            "processes, started before the timing; every run gave the expected "
            "results. Per task: the median run's time divided by the number of tasks.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds, runs interleaved",
        start_method="spawn",
        others=taken,
        values=values,
    )
    print()
    print("\n".join(lines))
    print()


def report_setup(setup: dict) -> None:
    print(
        measure.table(
            ["Setup", "Seconds"],
            [[name, timing.cell(2)] for name, timing in setup.items()],
            caption="Each measured once, in this order, in this program.",
        )
    )
    print()
    added, added_files, added_bytes, all_files, all_bytes = environment_added_by(
        {"dask", "distributed"}
    )
    print(
        f"Installed only for Dask: {len(added)} distributions ({', '.join(added)}), "
        f"{added_files:,} files, {added_bytes / 1e6:.1f} MB on disk: "
        f"{added_bytes / all_bytes:.1%} of this environment's {all_files:,} files "
        f"and {all_bytes / 1e6:.0f} MB."
    )


def main() -> None:
    workers = min(measure.usable_cpus(), MAX_WORKERS)
    small = [SMALL_STEPS] * SMALL_TASKS
    large = [LARGE_STEPS] * (TASKS_PER_WORKER * workers)
    expected = {SMALL_STEPS: crunch(SMALL_STEPS), LARGE_STEPS: crunch(LARGE_STEPS)}
    spawn = multiprocessing.get_context("spawn")
    started = {}

    with ExitStack() as stack:  # on the way out: client, cluster, then pool
        # --8<-- [start:setup]
        def import_dask() -> None:
            started["distributed"] = importlib.import_module("dask.distributed")

        def start_pool() -> None:
            pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=spawn))
            assert list(pool.map(crunch, [SMALL_STEPS] * workers, timeout=WAIT_TIMEOUT))
            started["pool"] = pool

        def start_dask() -> None:
            started["client"] = start_cluster(started["distributed"], stack, workers)

        setup = measure.compare(
            {
                "import dask.distributed": import_dask,
                "ProcessPoolExecutor: start, and one small task per worker": start_pool,
                "LocalCluster: start, and wait for every worker": start_dask,
            },
            repeats=1,
            warmup=0,
        )
        # --8<-- [end:setup]
        pool, client = started["pool"], started["client"]
        wait = started["distributed"].wait

        others = measure.watch_other_programs()  # the workers need free CPUs

        # --8<-- [start:maps]
        def on_pool(jobs: list[int]) -> None:
            results = pool.map(crunch, jobs, timeout=WAIT_TIMEOUT)
            assert list(results) == [expected[steps] for steps in jobs]

        def on_cluster(jobs: list[int]) -> None:
            # pure=False: equal arguments are still separate tasks (Dask would
            # otherwise compute a pure function once per distinct argument).
            futures = client.map(crunch, jobs, pure=False)
            wait(futures, timeout=WAIT_TIMEOUT)
            assert client.gather(futures) == [expected[steps] for steps in jobs]

        compared = measure.compare(
            {
                ("small", "ProcessPoolExecutor"): lambda: on_pool(small),
                ("small", "LocalCluster"): lambda: on_cluster(small),
                ("large", "ProcessPoolExecutor"): lambda: on_pool(large),
                ("large", "LocalCluster"): lambda: on_cluster(large),
            },
            repeats=REPEATS,
        )
        # --8<-- [end:maps]
        taken = others()
        scheduler = client.scheduler.address
        seen = {"this process (scheduler, nannies, client)": sorted(GUARD.seen)}
        seen |= client.run(hosts_seen_here, wait=True)  # one entry per worker process

    report_addresses(workers, scheduler, seen)
    report_maps(compared, {"small": len(small), "large": len(large)}, workers, taken)
    report_setup(setup)


if __name__ == "__main__":
    main()
