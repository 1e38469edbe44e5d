"""Where is a hung process stuck? Ask from outside with Python 3.15's
``python -m profiling.sampling dump PID`` (PEP 799).

The program writes a small program to a temporary folder and starts it as a child
process. Its named threads hang in known places: ``lock-waiter`` waits for a lock
the main thread never releases, ``queue-waiter`` for a job nobody puts in its
queue, ``event-loop`` runs an asyncio task that sleeps, and the main thread waits
for a line on its standard input. The child prints which thread id has which name,
because the dump names threads by their native id only.

Then the program runs ``python -m profiling.sampling dump --all-threads PID``
against the child, with a timeout, and prints for each thread the state the dump
gives and the line of the child's program it is on; then
``dump --async-aware PID``, which follows the asyncio tasks across their awaits.

Reading another process's memory needs the system's permission: root, the
``CAP_SYS_PTRACE`` capability or ``kernel.yama.ptrace_scope = 0`` on Linux, root
on macOS, administrator rights on Windows. The program checks first, and where it
cannot attach it prints one line that says why. Before 3.15 the command does not
exist: the program says so and shows the nearest thing that works on every
version, on POSIX: the child registered ``faulthandler`` for ``SIGUSR1``, and the
signal makes it write every thread's stack itself.
"""

import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

TIMEOUT = 20  # seconds for each command: a dump that cannot finish must not hang

# --8<-- [start:child]
CHILD = textwrap.dedent(
    """\
    import asyncio, faulthandler, json, queue, signal, sys, threading

    held = threading.Lock()
    jobs = queue.Queue()

    def wait_for_lock():
        held.acquire(timeout=60)  # the main thread holds it and never lets go

    def wait_for_job():
        jobs.get(timeout=60)  # nobody ever puts a job

    async def sleeper():
        await asyncio.sleep(60)

    async def crawl():
        await asyncio.create_task(sleeper(), name="sleeper")

    def run_loop():
        asyncio.run(crawl())

    if hasattr(signal, "SIGUSR1"):  # for Python < 3.15: a stack dump on request
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    held.acquire()
    for target, name in [(wait_for_lock, "lock-waiter"),
                         (wait_for_job, "queue-waiter"), (run_loop, "event-loop")]:
        threading.Thread(target=target, name=name, daemon=True).start()
    names = {t.native_id: t.name for t in threading.enumerate()}
    print(json.dumps(names), flush=True)
    sys.stdin.readline()  # the main thread waits for a line that never comes
    """
)
# --8<-- [end:child]


def why_it_cannot_attach() -> str | None:
    """Why this process may not read another's memory, or None if it looks allowed
    (a guess: the dump itself has the last word)."""
    if sys.platform == "win32":
        return None  # administrator rights: the dump reports a refusal itself
    if sys.platform == "darwin" and os.geteuid() != 0:
        return "on macOS, reading another process's memory needs root (sudo)"
    if not sys.platform.startswith("linux"):
        return None
    yama = Path("/proc/sys/kernel/yama/ptrace_scope")
    scope = yama.read_text(encoding="utf-8").strip() if yama.exists() else "0"
    if scope == "3":
        return "kernel.yama.ptrace_scope is 3, which lets no process read another's"
    status = Path("/proc/self/status").read_text(encoding="utf-8")
    effective = int(re.search(r"^CapEff:\s*([0-9a-f]+)", status, re.M)[1], 16)
    if os.geteuid() == 0 or effective & (1 << 19) or scope == "0":  # 19: SYS_PTRACE
        return None
    return (
        f"not root, no CAP_SYS_PTRACE, and kernel.yama.ptrace_scope is {scope}, "
        "which lets only a process's ancestors (1) or only root (2) read its memory"
    )


def run(args: list[str], folder: str) -> subprocess.CompletedProcess | str:
    """Run a command with a timeout: its result, or one line saying why it has none."""
    env = {**os.environ, "PYTHON_COLORS": "0"}  # plain text, for the page
    try:
        return subprocess.run(
            args,
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"gave up after {TIMEOUT} s"


def refusal(done: subprocess.CompletedProcess | str) -> str | None:
    """None if the dump worked, else one line: why it did not."""
    if isinstance(done, str):
        return done
    if done.returncode == 0:
        return None
    if "unable to access" in done.stderr or "PermissionError" in done.stderr:
        return "the system refused to let it read the child's memory (no permission)"
    lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
    return lines[-1]


def frames_of(lines: list[str]) -> list[tuple[str, str]]:
    """A dump section's frames, outermost first: (frame line, its source or "")."""
    frames: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith("    ") and frames:  # the source line of the frame above
            frames[-1] = (frames[-1][0], line.strip())
        else:
            frames.append((line.strip(), ""))
    return frames


def summary(dump: str, names: dict[int, str]) -> list[str]:
    """One table row per thread: its name, the dump's state, where the child is."""
    rows = []
    for section in dump.strip().split("\n\n"):
        header, *lines = section.splitlines()
        found = re.search(r"thread (\d+) \((.*); most recent call last\)", header)
        if not found:
            continue
        frames = frames_of(lines)
        ours = [f for f in frames if f[0].startswith('File "hung_child.py"')]
        where = "(no frame of hung_child.py)"
        if ours:
            place = re.search(r"line (\d+), in (\S+)", ours[-1][0])
            code = ours[-1][1].split("  #")[0]  # the child's line, without its comment
            where = f"`{place[2]}`, line {place[1]}: `{code}`"
        innermost = re.search(r"in (\S+)$", frames[-1][0]) if frames else None
        deepest = f"`{innermost[1]}`" if innermost else ""
        thread, state = int(found[1]), found[2]
        rows.append(f"| {names.get(thread, '?')} | {state} | {where} | {deepest} |")
    return rows


def first_line(child: subprocess.Popen) -> str:
    """The child's first line of output, waited for at most TIMEOUT seconds."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(child.stdout.readline()))
    reader.daemon = True
    reader.start()
    reader.join(timeout=TIMEOUT)
    if not lines or not lines[0]:
        raise RuntimeError(f"the child printed no line within {TIMEOUT} s")
    return lines[0]


def fallback(child: subprocess.Popen, errors: Path) -> None:
    """Before 3.15, on POSIX: ask the child's faulthandler for its stacks."""
    if not hasattr(signal, "SIGUSR1"):
        print("There is no SIGUSR1 on Windows, so this part is POSIX only.")
        return
    print("\nWhat `faulthandler.register(signal.SIGUSR1)` wrote on `kill -USR1`:\n")
    child.send_signal(signal.SIGUSR1)
    child.stdin.close()  # the main thread's readline returns: the child exits
    child.wait(timeout=TIMEOUT)
    print("```text")
    print(errors.read_text(encoding="utf-8").strip())
    print("```")


# --8<-- [start:dump]
def dump(pid: int, names: dict[int, str], folder: str) -> None:
    if why_not := why_it_cannot_attach():
        print(f"The dump cannot attach to process {pid}: {why_not}.")
        return
    command = [sys.executable, "-m", "profiling.sampling", "dump"]
    threads = run([*command, "--all-threads", str(pid)], folder)
    if why_not := refusal(threads):
        print(f"The dump could not attach to process {pid}: {why_not}.")
        return
    print(
        f"`python -m profiling.sampling dump --all-threads {pid}`, a row per thread: "
        "the line of the child's program it hangs on, and its innermost frame\n"
    )
    print(
        "| thread | state the dump gives | where in hung_child.py | innermost frame |"
    )
    print("|---|---|---|---|")
    print("\n".join(summary(threads.stdout, names)))

    tasks = run([*command, "--async-aware", str(pid)], folder)
    print(f"\n`python -m profiling.sampling dump --async-aware {pid}`:\n")
    print("```text", refusal(tasks) or tasks.stdout.strip(), "```", sep="\n")


# --8<-- [end:dump]


def main() -> None:
    version = platform.python_version()
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "hung_child.py").write_text(CHILD, encoding="utf-8")
        errors = Path(folder, "child_stderr.txt")
        with errors.open("w", encoding="utf-8") as child_stderr:
            child = subprocess.Popen(
                [sys.executable, "hung_child.py"],
                cwd=folder,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=child_stderr,
                text=True,
            )
        try:
            names = {int(k): v for k, v in json.loads(first_line(child)).items()}
            print(
                f"Python {version}: the child process {child.pid} has the threads "
                f"{', '.join(names.values())}.\n"
            )
            time.sleep(0.5)  # let every thread reach the wait it hangs in
            if sys.version_info >= (3, 15):
                dump(child.pid, names, folder)
            else:
                print(
                    "`python -m profiling.sampling dump` needs Python 3.15; "
                    f"this is {version}."
                )
                fallback(child, errors)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait(timeout=TIMEOUT)
            child.stdin.close()
            child.stdout.close()


if __name__ == "__main__":
    main()
