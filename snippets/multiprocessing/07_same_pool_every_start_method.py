"""One pool job under every start method: same results, differently born workers.

``multiprocessing.get_context(method)`` picks the start method for the objects
made from it, without changing the program-wide default. The job is the same
each time and must give the same results. What differs is how the workers came
to be: a forked worker is a copy of this process (it sees the change ``main()``
made to a module global); a spawned worker is not a copy, and imported this
module afresh (it sees the global's initial value); a forkserver worker is a fork
of the fork server, not of this process, so it sees the initial value too (the
module was imported afresh in the worker, or, from Python 3.13.8 and 3.14.1, once
in the server).

Run with method names as arguments (``python 07_same_pool_every_start_method.py
spawn``) to try only those; without arguments it tries every method this
platform offers.
"""

import multiprocessing
import os
import sys

SETTING = "as written in the file"  # main() changes it before starting workers


def job(n: int) -> tuple[int, str, int]:
    """A deterministic result, plus what the worker saw of its birth."""
    result = sum(i * i for i in range(n * 1000)) % 1_000_003
    return result, SETTING, os.getppid()


def run(method: str) -> tuple[list[int], str, int]:
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(processes=2) as pool:
        answers = pool.map(job, range(12))
    results = [result for result, _, _ in answers]
    settings = {setting for _, setting, _ in answers}
    parents = {parent for _, _, parent in answers}
    assert len(settings) == 1 and len(parents) == 1, (settings, parents)
    return results, settings.pop(), parents.pop()


def main() -> None:
    global SETTING
    SETTING = "changed by main()"
    available = multiprocessing.get_all_start_methods()
    methods = sys.argv[1:] or available
    print(f"this platform offers: {', '.join(available)}")
    print(f"the default here is: {multiprocessing.get_start_method()}")
    print(f"this process: pid {os.getpid()}\n")
    for method in methods:
        results, setting, parent = run(method)
        born = (
            "this process"
            if parent == os.getpid()
            else f"pid {parent}, not this process"
        )
        print(f"{method}:")
        print(f"  results: {results}")
        print(f"  the workers saw SETTING = {setting!r}")
        print(f"  the workers' parent: {born}")


if __name__ == "__main__":
    main()
