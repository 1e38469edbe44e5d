"""os.cpu_count() counts the machine's CPUs; a process may be allowed fewer.

``os.process_cpu_count()`` (3.13+) returns how many CPUs this process may use,
and since 3.13 ``Pool()`` and ``ProcessPoolExecutor()`` size themselves with it;
3.12 and older use ``os.cpu_count()``. To show the difference, the program
restricts itself to one CPU (CPU affinity, Linux only) and starts a default
``Pool()`` before and after, counting the worker processes it really started.
"""

import multiprocessing
import os
import platform


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


def default_pool_size(ctx) -> int:
    """How many worker processes Pool() with no arguments really starts."""
    with ctx.Pool() as pool:
        pool.map(abs, range(4))  # make sure the workers are up
        return len(multiprocessing.active_children())


def main() -> None:
    ctx = multiprocessing.get_context("spawn")  # same start-up everywhere
    print(f"Python {platform.python_version()} on {platform.system()}")
    print(f"unrestricted:     {counts()}")
    print(f"  Pool() started {default_pool_size(ctx)} worker process(es)")

    if not hasattr(os, "sched_setaffinity"):
        print("This platform has no os.sched_setaffinity(); no restricted run.")
        return
    one_cpu = {min(os.sched_getaffinity(0))}
    os.sched_setaffinity(0, one_cpu)  # children inherit the restriction
    print(f"affinity {one_cpu}: {counts()}")
    print(f"  Pool() started {default_pool_size(ctx)} worker process(es)")


if __name__ == "__main__":
    main()
