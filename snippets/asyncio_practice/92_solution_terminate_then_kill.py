"""Exercise solution: ask a child process to stop before killing it.

In 03_subprocesses.py a child that overruns its timeout gets ``kill()``, SIGKILL
on POSIX, which no program can catch: the child's ``finally`` blocks never run.
A gentler parent first calls ``terminate()`` (SIGTERM), gives the child a short
grace period to clean up and exit, and kills it only if it is still running
after that. The child here turns SIGTERM into ``SystemExit``, so its ``finally``
runs and it exits with status 0. Every wait has a timeout.

On Windows ``terminate()`` is ``TerminateProcess``, the same as ``kill()``: there
is no signal the child could catch, and the output says so.
"""

import asyncio
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import signal, sys, time

    def stop(signum, frame):
        raise SystemExit(0)  # unwinds the stack, so finally blocks run

    signal.signal(signal.SIGTERM, stop)
    try:
        print("child: working", flush=True)
        time.sleep(60)
    finally:
        print("child: cleanup in finally", flush=True)
    """
)
TIMEOUT = 0.3  # seconds the child is given for its work
GRACE = 2  # seconds it is given to stop after terminate()
DEADLINE = 10  # seconds for any other wait


# --8<-- [start:solution]
async def stop(child: asyncio.subprocess.Process) -> int:
    """Ask the child to stop; kill it only if it has not stopped within GRACE."""
    child.terminate()  # SIGTERM on POSIX: the child can clean up
    try:
        return await asyncio.wait_for(child.wait(), timeout=GRACE)
    except TimeoutError:
        print(f"parent: still running {GRACE} s after terminate(); killing it")
        child.kill()  # SIGKILL: cannot be caught
        return await asyncio.wait_for(child.wait(), timeout=DEADLINE)


async def run_child() -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, stdout=asyncio.subprocess.PIPE
    )
    # The child has installed its handler once it prints its first line.
    first = await asyncio.wait_for(child.stdout.readline(), timeout=DEADLINE)
    print(first.decode().rstrip())
    try:
        await asyncio.wait_for(child.wait(), timeout=TIMEOUT)
    except TimeoutError:
        print(f"parent: no exit after {TIMEOUT} s; calling terminate()")
        code = await stop(child)
        rest = await asyncio.wait_for(child.stdout.read(), timeout=DEADLINE)
        print(rest.decode().rstrip() or "(the child printed nothing more)")
        print(f"parent: child exited with code {code}")
    # --8<-- [end:solution]


def main() -> None:
    if sys.platform == "win32":
        print("On Windows terminate() is TerminateProcess: the child cannot clean up.")
    asyncio.run(run_child())


if __name__ == "__main__":
    main()
