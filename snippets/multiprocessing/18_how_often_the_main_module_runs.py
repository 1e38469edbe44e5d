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

The last part runs a script without the main guard under forkserver, in its own
interpreter with a time limit, and reports where its top level ran and which
exceptions its stderr shows. Where that script fails depends on the version too:
in each child, where the server does not import the main module (up to 3.13.7,
and 3.14.0); in the fork server, which then dies so that no child can start (from
3.13.8 and 3.14.1 up to 3.14); and in 3.15, whose fork server ignores a failed
import by default (``set_forkserver_preload``'s new ``on_error``, gh-141860), in
the server and then again in each child.
"""

import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

LOG = Path("main_module_runs.txt")
with LOG.open("a", encoding="utf-8") as log:
    log.write(f"top-level {os.getpid()} {__name__}\n")

CHILDREN = 3
TIMEOUT = 60  # seconds for each child to finish

NO_GUARD = """\
import multiprocessing
import os

with open("no_guard_runs.txt", "a", encoding="utf-8") as log:
    log.write(f"{os.getpid()} {os.getppid()}\\n")


def hello():
    print("hello from the child")


ctx = multiprocessing.get_context("forkserver")
child = ctx.Process(target=hello)
child.start()
child.join(30)
print(f"the child's exit code: {child.exitcode}")
"""


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


# --8<-- [start:noguard]
def without_the_guard() -> None:
    """Run NO_GUARD under forkserver and say where its top level ran and failed."""
    runs = Path("no_guard_runs.txt")
    runs.write_text("", encoding="utf-8")
    Path("no_guard.py").write_text(NO_GUARD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "no_guard.py"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,  # a broken script must never hang the build
        check=False,
    )
    lines = [line.split() for line in runs.read_text(encoding="utf-8").splitlines()]
    script = lines[0][0]  # the first line is the script's own top level
    in_server = any(parent == script for _, parent in lines[1:])
    in_child = any(parent not in (script, lines[0][1]) for _, parent in lines[1:])
    errors = re.findall(r"^(\w+(?:Error|Exception)):", done.stderr, re.M)
    printed = done.stdout.strip().splitlines()
    print(
        "\nA script without the main guard, run under forkserver, exited with "
        f"status {done.returncode}:\n"
    )
    print(f"- its top level ran in the fork server: {'yes' if in_server else 'no'}")
    print(f"- its top level ran in the child: {'yes' if in_child else 'no'}")
    print(f"- exceptions in its stderr: {', '.join(errors) or 'none'}")
    print(f"- its last line of output: {printed[-1] if printed else '(none)'}\n")
    if in_server and not in_child:
        print(
            "The fork server failed while importing the main module and died, so "
            "starting the child failed in the script itself."
        )
    elif in_server:
        print(
            "The fork server's import failed and it carried on; the child then "
            "imported the main module itself, and failed there."
        )
    else:
        print(
            "The fork server did not import the main module; the child did, and "
            "failed there."
        )


# --8<-- [end:noguard]


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
        without_the_guard()
    else:
        print(f"\nforkserver is not available on {sys.platform}: no guard-less run.")


if __name__ == "__main__":
    main()
