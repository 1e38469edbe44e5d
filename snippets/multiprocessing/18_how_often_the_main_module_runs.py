"""How many times the main module's top level runs, under each start method.

The first statement below appends one line to ``main_module_runs.txt`` in the
working directory: the PID of the process that executes it and the name the module
has there. Every execution of the top level therefore leaves a line. ``main()``
then starts a few children under each start method this platform offers (each
child also appends a line that names itself and its parent) and counts the lines:

- fork: a child is a copy of this process and runs nothing again;
- spawn: every child is a new interpreter that runs the top level (as
  ``__mp_main__``) before it can find its target;
- forkserver: the children are ``os.fork()`` copies of the fork server. Where the
  top level runs depends on the Python version: up to 3.13.7 and in 3.14.0 the
  server never preloaded the main module, so every child runs it, as under spawn;
  from 3.13.8 and 3.14.1 the server runs it once, and its children inherit it
  (gh-126631, gh-137996).
"""

import multiprocessing
import os
import sys
from pathlib import Path

LOG = Path("main_module_runs.txt")
with LOG.open("a", encoding="utf-8") as log:
    log.write(f"top-level {os.getpid()} {__name__}\n")

CHILDREN = 3
TIMEOUT = 60  # seconds for each child to finish


# --8<-- [start:runs]
def report_in() -> None:
    """A child's target: record which process ran it, and its parent."""
    with LOG.open("a", encoding="utf-8") as log:
        log.write(f"child {os.getpid()} {os.getppid()}\n")


def count_runs(method: str) -> dict[str, int]:
    """Start CHILDREN processes with ``method``; count where the top level ran."""
    LOG.write_text("", encoding="utf-8")  # forget this process's own run
    ctx = multiprocessing.get_context(method)
    children = [ctx.Process(target=report_in) for _ in range(CHILDREN)]
    for child in children:
        child.start()
    for child in children:
        child.join(TIMEOUT)
        if child.exitcode != 0:
            child.kill()
            raise RuntimeError(
                f"{method}: a child ended with exit code {child.exitcode}"
            )
    child_pids, parent_pids, runs = set(), set(), []
    for line in LOG.read_text(encoding="utf-8").splitlines():
        kind, pid, other = line.split()
        if kind == "child":
            child_pids.add(int(pid))
            parent_pids.add(int(other))
        else:
            runs.append(int(pid))
    servers = parent_pids - {os.getpid()}  # under forkserver: the fork server
    return {
        "children": len(child_pids),
        "in the children": sum(pid in child_pids for pid in runs),
        "in the fork server": sum(pid in servers for pid in runs),
        "in this process": sum(pid == os.getpid() for pid in runs),
    }


# --8<-- [end:runs]


def main() -> None:
    version = ".".join(map(str, sys.version_info[:3]))
    available = multiprocessing.get_all_start_methods()
    headers = ["Start method", "children", "in the children", "in the fork server"]
    print(
        "Times the main module's top level ran while the children started and ended:\n"
    )
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers))
    for method in ("fork", "spawn", "forkserver"):
        if method not in available:
            print(f"| {method} | not available on {sys.platform} | | |")
            continue
        counts = count_runs(method)
        if counts["in this process"]:
            raise RuntimeError(f"{method}: the top level ran again in the parent")
        print(f"| {method} | " + " | ".join(str(counts[h]) for h in headers[1:]) + " |")
    print(
        f"\nPython {version} on {sys.platform}; {CHILDREN} children per start method."
    )
    fixed = sys.version_info >= (3, 14, 1) or (3, 13, 8) <= sys.version_info < (3, 14)
    if "forkserver" in available:
        if fixed:
            print(
                "This version preloads the main module in the fork server "
                "(fixed in 3.13.8 and 3.14.1): its children inherit it."
            )
        else:
            print(
                "This version does not preload the main module in the fork server "
                "(fixed in 3.13.8 and 3.14.1): each child runs it again."
            )


if __name__ == "__main__":
    main()
