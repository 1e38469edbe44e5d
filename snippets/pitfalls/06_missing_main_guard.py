"""Forgetting ``if __name__ == "__main__":`` breaks spawn and forkserver, not fork.

A child started with ``spawn`` (the default on Windows and macOS) is a fresh
interpreter: before it can run the function it was given, it imports the parent's
main module, under the name ``__mp_main__``. Code at the top level of that module
runs again in the child. A script without the guard therefore tries to start a
process pool inside each child while the child is still starting up;
multiprocessing refuses with a RuntimeError, the worker dies, and the parent's pool
reports it broken. A ``forkserver`` child (the Linux default from Python 3.14) is a
fork of a server process; up to 3.13.7 and in 3.14.0 it imports the main module
just like a spawned child, and from 3.13.8 and 3.14.1 the server imports it once
instead (gh-126631), so the script fails in the server and the parent cannot start
a worker.

This program writes the same small script twice, without and with the guard, runs
each under every start method this platform offers, as its own process with a
timeout, and prints what happened.
"""

import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

WITHOUT_GUARD = """\
import multiprocessing, sys
from concurrent.futures import ProcessPoolExecutor

def square(x):
    return x * x

ctx = multiprocessing.get_context(sys.argv[1])
with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
    print(list(pool.map(square, range(5))))
"""
WITH_GUARD = (
    WITHOUT_GUARD.replace(
        "ctx = multiprocessing",
        'if __name__ == "__main__":\n    ctx = multiprocessing',
    )
    .replace("\nwith Process", "\n    with Process")
    .replace("\n    print(", "\n        print(")
)
TIMEOUT = 60  # seconds; a run that takes longer is stopped, with its workers


def run(script: Path, method: str) -> tuple[int | None, str]:
    """Run ``script`` as its own process group; kill the whole group on timeout."""
    process = subprocess.Popen(
        [sys.executable, str(script), method],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return None, output
    return process.returncode, output


EXCEPTION_LINE = re.compile(r"^(?:\w+\.)*(\w+(?:Error|Exception|Pool)): ", re.M)


def summary(returncode: int | None, output: str) -> str:
    if returncode is None:
        return f"still running after {TIMEOUT} s, killed"
    if returncode == 0:
        return f"printed {output.strip().splitlines()[-1]}"
    raised = EXCEPTION_LINE.findall(output)  # in the order they were printed
    return f"exit code {returncode}; raised: {', '.join(dict.fromkeys(raised))}"


def runtime_error_message(output: str) -> str:
    """The text of the first RuntimeError a child printed (indented lines after it)."""
    lines = output[output.index("\nRuntimeError:") + 1 :].splitlines()
    message = [lines[0]]
    for line in lines[1:]:
        if line and not line[0].isspace():
            break
        message.append(line)
        if "multiprocessing.html" in line:  # the message's last line
            break
    return textwrap.dedent("\n".join(message[1:])).strip()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        scripts = {
            "without": Path(folder, "without_guard.py"),
            "with": Path(folder, "with_guard.py"),
        }
        scripts["without"].write_text(WITHOUT_GUARD)
        scripts["with"].write_text(WITH_GUARD)
        report(scripts)


def report(scripts: dict[str, Path]) -> None:
    methods = [
        m
        for m in ("fork", "spawn", "forkserver")
        if m in multiprocessing.get_all_start_methods()
    ]
    child_error = None
    print("| Start method | Without the guard | With the guard |")
    print("|---|---|---|")
    for method in methods:
        cells = []
        for name in ("without", "with"):
            returncode, output = run(scripts[name], method)
            cells.append(summary(returncode, output))
            if name == "without" and "\nRuntimeError:" in output and not child_error:
                child_error = (method, output)
        print(f"| {method} | {cells[0]} | {cells[1]} |")
    print()
    print(f"Python {sys.version.split()[0]}; each script run once per start method.")
    if child_error:
        method, output = child_error
        print(f"\nThe RuntimeError the worker printed without the guard ({method}):\n")
        print("```text")
        print(runtime_error_message(output))
        print("```")


if __name__ == "__main__":
    main()
