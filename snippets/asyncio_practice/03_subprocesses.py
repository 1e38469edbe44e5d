"""Child processes from asyncio: read stdout and stderr at once, and time out.

``asyncio.create_subprocess_exec`` starts a program without a shell and gives
its pipes as stream readers. A child that writes to both pipes must have both
read at the same time: if the parent reads only stdout while the child fills
the stderr pipe's buffer, the child blocks on its write and the two wait for
each other forever. Two tasks, one per pipe, avoid that, and show each line as
it arrives.

A child that does not finish in time is ended with ``asyncio.wait_for``: the
timeout cancels the wait, ``kill()`` ends the child, and a final ``wait()`` returns
its exit status once it has really ended.

``wait()`` is not what reaps the child. On POSIX, asyncio's child watcher calls
``waitpid`` for every child the event loop starts, as soon as the child exits,
whether or not anyone waits for it (``asyncio/unix_events.py``: a watcher thread
on 3.11, a pid file descriptor where Linux offers one from 3.12). The last part
starts a child, never calls ``wait()``, and shows that no zombie is left.
"""

import asyncio
import os
import sys
import time

CHATTY = """
import sys, time
for i in range(3):
    print(f"result {i}", flush=True)
    print(f"progress {i}", file=sys.stderr, flush=True)
    time.sleep(0.05)
sys.exit(3)
"""
STUCK = "import time; time.sleep(60)"
TIMEOUT = 0.5  # seconds the stuck child is given
DEADLINE = 10  # seconds for anything else that could block


# --8<-- [start:pump]
async def pump(name: str, stream: asyncio.StreamReader, t0: float) -> int:
    lines = 0
    while line := await stream.readline():
        lines += 1
        print(f"  {time.perf_counter() - t0:5.2f} s  {name}: {line.decode().rstrip()}")
    return lines


# --8<-- [end:pump]


async def read_both() -> None:
    print("1. a child writing to stdout and stderr, both read concurrently")
    t0 = time.perf_counter()
    # --8<-- [start:read]
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHATTY,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(DEADLINE):
        async with asyncio.TaskGroup() as group:
            out = group.create_task(pump("stdout", child.stdout, t0))
            err = group.create_task(pump("stderr", child.stderr, t0))
        code = await child.wait()
    # --8<-- [end:read]
    print(
        f"  lines read: stdout {out.result()}, stderr {err.result()}; exit code {code}"
    )


async def kill_on_timeout() -> None:
    print(f"\n2. a child that would run for 60 s, given {TIMEOUT} s")
    t0 = time.perf_counter()
    # --8<-- [start:kill]
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", STUCK)
    try:
        await asyncio.wait_for(child.wait(), timeout=TIMEOUT)
    except TimeoutError:  # asyncio.TimeoutError is the same class since 3.11
        print(f"  wait_for raised TimeoutError after {time.perf_counter() - t0:.2f} s")
        child.kill()
        code = await asyncio.wait_for(child.wait(), timeout=DEADLINE)
        print(
            f"  killed; exit code {code}, "
            f"child still running: {child.returncode is None}"
        )
    # --8<-- [end:kill]
    if sys.platform == "win32":
        print("  (on Windows, kill() is TerminateProcess and the exit code is 1)")
    else:
        print(
            "  (a negative code -N means ended by signal N; 9 is SIGKILL. On Windows,"
        )
        print("   kill() is TerminateProcess and the exit code is 1.)")


async def nobody_waits() -> None:
    print("\n3. a child that exits at once, and no wait() call")
    # --8<-- [start:reaped]
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    deadline = time.monotonic() + DEADLINE
    while child.returncode is None and time.monotonic() < deadline:
        await asyncio.sleep(0.01)  # the watcher sets returncode once it has reaped
    print(f"  returncode, without wait(): {child.returncode}")
    if sys.platform != "win32":
        try:
            os.waitpid(child.pid, os.WNOHANG)  # would reap a zombie, if there were one
        except ChildProcessError:
            print("  os.waitpid(): no such child, asyncio had already reaped it")
        else:
            print("  os.waitpid() found the child unreaped")
    # --8<-- [end:reaped]
    if sys.platform == "win32":
        print("  (Windows has no zombie processes; the exit code comes from the")
        print("   process handle.)")


def main() -> None:
    asyncio.run(read_both())
    asyncio.run(kill_on_timeout())
    asyncio.run(nobody_waits())


if __name__ == "__main__":
    main()
