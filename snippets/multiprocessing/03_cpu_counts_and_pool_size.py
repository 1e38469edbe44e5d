"""os.cpu_count() counts the machine's CPUs; a process may be allowed fewer.

``os.process_cpu_count()`` (3.13+) returns how many CPUs this process may use,
and since 3.13 ``Pool()`` and ``ProcessPoolExecutor()`` size themselves with it;
3.12 and older use ``os.cpu_count()``. To show the difference, the program
restricts itself to one CPU (CPU affinity, Linux only) and starts a default
``Pool()`` before and after, counting the worker processes it really started.

Neither count reads a container's CPU quota (``docker --cpus``, Kubernetes
``limits.cpu``, a cgroup's ``cpu.max``): ``os.process_cpu_count()`` looks only at
the affinity mask, or at ``-X cpu_count`` / ``PYTHON_CPU_COUNT`` where they are set
(CPython gh-80235). So the program also prints the cgroup quota where Linux shows
one, and the pool size each count implies: in a quota-limited container, a default
pool starts more workers than the quota lets run at once.
"""

import math
import multiprocessing
import os
import platform
from pathlib import Path


# --8<-- [start:counts]
def counts() -> str:
    usable = (
        os.process_cpu_count()
        if hasattr(os, "process_cpu_count")
        else "n/a (new in 3.13)"
    )
    affinity = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "n/a"
    )
    return (
        f"os.cpu_count()={os.cpu_count()}, os.process_cpu_count()={usable}, "
        f"len(os.sched_getaffinity(0))={affinity}"
    )


# --8<-- [end:counts]


def cgroup_quota() -> tuple[float | None, str]:
    """The CPU quota of this process's cgroup in CPUs (None: no limit), and where it is.

    cgroup v2 keeps it in ``cpu.max`` ("max 100000", or "150000 100000" for 1.5 CPUs)
    in the process's cgroup or an ancestor; cgroup v1 in ``cpu.cfs_quota_us`` (-1:
    no limit) over ``cpu.cfs_period_us``.
    """
    root = Path("/sys/fs/cgroup")
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None, "no /proc/self/cgroup on this platform"
    v2 = [line.split(":", 2)[2] for line in lines if line.startswith("0::")]
    if v2:
        limits = []
        folder = root / v2[0].lstrip("/")
        for parent in [folder, *folder.parents]:
            if parent == root.parent:
                break
            cpu_max = parent / "cpu.max"
            if cpu_max.is_file():
                quota, period = cpu_max.read_text().split()
                if quota != "max":
                    limits.append((int(quota) / int(period), str(cpu_max)))
        if limits:
            return min(limits)
        if (root / "cgroup.controllers").is_file():
            return None, "cgroup v2 cpu.max: max (no quota)"
    quota_file = root / "cpu" / "cpu.cfs_quota_us"
    if quota_file.is_file():
        quota = int(quota_file.read_text())
        period = int((root / "cpu" / "cpu.cfs_period_us").read_text())
        if quota > 0:
            return quota / period, str(quota_file)
        return None, f"cgroup v1 {quota_file.name} = {quota} (no quota)"
    return None, "no cgroup CPU quota file found"


def implied_sizes() -> None:
    """Print each count, and how many workers a pool sized by it would start."""
    rows = [("os.cpu_count()", os.cpu_count(), "Pool()'s size on 3.12 and older")]
    if hasattr(os, "process_cpu_count"):
        rows.append(
            (
                "os.process_cpu_count()",
                os.process_cpu_count(),
                "Pool()'s size from 3.13",
            )
        )
    else:
        print("  os.process_cpu_count(): not in this version (added in 3.13)")
    if hasattr(os, "sched_getaffinity"):
        rows.append(
            (
                "len(os.sched_getaffinity(0))",
                len(os.sched_getaffinity(0)),
                "affinity mask",
            )
        )
    quota, where = cgroup_quota()
    for name, count, note in rows:
        print(f"  {name:<30} {count:>3} -> {count} workers ({note})")
    if quota is None:
        print(f"  {'cgroup CPU quota':<30}   - -> no limit ({where})")
    else:
        busy = f"{math.ceil(quota)} workers busy at most"
        print(f"  {'cgroup CPU quota':<30} {quota:>3g} -> {busy} ({where})")


# --8<-- [start:pool]
def default_pool_size(ctx) -> int:
    """How many worker processes Pool() with no arguments really starts."""
    with ctx.Pool() as pool:
        pool.map(abs, range(4))  # make sure the workers are up
        return len(multiprocessing.active_children())


# --8<-- [end:pool]


def main() -> None:
    ctx = multiprocessing.get_context("spawn")  # same start-up everywhere
    print(f"Python {platform.python_version()} on {platform.system()}")
    print(f"unrestricted:     {counts()}")
    print(f"  Pool() started {default_pool_size(ctx)} worker process(es)")
    print("Each count, and the pool size it implies:")
    implied_sizes()

    if not hasattr(os, "sched_setaffinity"):
        print("This platform has no os.sched_setaffinity(); no restricted run.")
        return
    one_cpu = {min(os.sched_getaffinity(0))}
    os.sched_setaffinity(0, one_cpu)  # children inherit the restriction
    print(f"affinity {one_cpu}: {counts()}")
    print(f"  Pool() started {default_pool_size(ctx)} worker process(es)")


if __name__ == "__main__":
    main()
