"""Looking inside a running process from outside: Python 3.14's ``python -m asyncio
ps`` / ``pstree`` and ``sys.remote_exec``.

The program starts a child Python process that runs a few asyncio tasks which
wait on each other, then inspects that child while it runs:

- ``python -m asyncio ps PID`` lists the child's tasks and what each awaits, and
  ``python -m asyncio pstree PID`` draws the await tree (both added in 3.14);
- ``sys.remote_exec(pid, script)`` (added in 3.14, PEP 768) asks the child to run
  a Python file at its next safe point; here the file prints the child's thread
  stacks. ``python -m pdb -p PID`` uses the same mechanism to attach a debugger.
  The child's main thread runs the file "at the next available opportunity,
  similarly to how signals are handled" (the sys docs): when it next runs Python
  code, not while it sleeps in a system call. An event loop whose tasks all wait
  for half a minute sleeps in its selector that long, so the child has a
  heartbeat task that wakes the loop every 50 ms.

The operating system must allow one process to read another's memory (on Linux,
ptrace permissions; on macOS, usually administrator rights), so a refusal is
printed as it comes. On Python before 3.14 the program says these tools are not
there and shows what the child can report about itself: its tasks, via
``asyncio.all_tasks()``.
"""

import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import asyncio, sys

    async def fetch(name, delay):
        await asyncio.sleep(delay)

    async def crawler():
        async with asyncio.TaskGroup() as group:
            group.create_task(fetch("page-1", 30), name="fetch page-1")
            group.create_task(fetch("page-2", 30), name="fetch page-2")

    async def heartbeat():
        while True:  # the loop wakes up often, so the main thread reaches a safe
            await asyncio.sleep(0.05)  # point soon (what remote_exec waits for)

    async def main():
        crawl = asyncio.create_task(crawler(), name="crawler")
        beat = asyncio.create_task(heartbeat(), name="heartbeat")
        await asyncio.sleep(0.3)
        if "--self-report" in sys.argv:
            for task in sorted(asyncio.all_tasks(), key=lambda t: t.get_name()):
                coro = task.get_coro()
                print(f"  task {task.get_name()!r} running {coro.__qualname__}")
        print("ready", flush=True)
        await asyncio.wait_for(crawl, timeout=30)

    asyncio.run(main())
    """
)

# --8<-- [start:stacks]
PRINT_STACKS = textwrap.dedent(
    """
    import sys, traceback
    for ident, frame in sys._current_frames().items():
        print(f"[remote_exec in the child] thread {ident}:", flush=True)
        traceback.print_stack(frame, file=sys.stdout)
    sys.stdout.flush()
    """
)
# --8<-- [end:stacks]


def start_child(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_ready(child: subprocess.Popen) -> list[str]:
    lines = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line or line.strip() == "ready":
            break
        lines.append(line.rstrip())
    return lines


def run_tool(*args: str) -> None:
    command = [sys.executable, *args]
    print(f"$ python {' '.join(args)}")
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=20, check=False
        )
        output = (done.stdout + done.stderr).rstrip()
        print(textwrap.indent(output or "(no output)", "  "))
        print(f"  (exit status {done.returncode})")
    except subprocess.TimeoutExpired:
        print("  (gave up after 20 s)")


def main() -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    if sys.version_info < (3, 14):
        print(
            f"Python {version}: python -m asyncio ps/pstree, sys.remote_exec and "
            "python -m pdb -p were added in 3.14; none is available here."
        )
        print("What the child can report about itself, from inside (any version):")
        child = start_child("--self-report")
        try:
            for line in wait_ready(child):
                print(line)
        finally:
            child.kill()
            child.wait(timeout=10)
        return

    # --8<-- [start:inspect]
    child = start_child()
    try:
        wait_ready(child)
        print(f"Python {version}: inspecting child process {child.pid}\n")
        run_tool("-m", "asyncio", "ps", str(child.pid))
        run_tool("-m", "asyncio", "pstree", str(child.pid))
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "print_stacks.py"
            script.write_text(PRINT_STACKS, encoding="utf-8")
            print(f"$ sys.remote_exec({child.pid}, 'print_stacks.py')")
            try:
                sys.remote_exec(child.pid, str(script))
                time.sleep(0.5)  # the child runs it at its next safe point
                child.kill()
                output, _ = child.communicate(timeout=10)
                print(
                    textwrap.indent(
                        output.rstrip() or "(the child printed nothing)", "  "
                    )
                )
            except Exception as error:  # permissions, or a build without the feature
                print(f"  refused: {type(error).__name__}: {error}")
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)
    # --8<-- [end:inspect]


if __name__ == "__main__":
    main()
