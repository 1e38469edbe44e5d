"""How a timeline is recorded: the work in a child process, watched by samplers.

``timeline.record`` hands its work to ``run()``, which starts two kinds of process
beside the caller, so that the work's own threads never run the watching code:

- **the child** (``child()``): it loads the function (or the program), lets the
  samplers in, tells them "start", runs the work, and tells them "stop". It notes
  each new thread's ``threading`` name as the thread starts.
- **the samplers** (``sampler()``): the operating system's, which reads every
  thread's ``/proc/<pid>/task/<tid>/schedstat`` about every half millisecond, for
  the child and every process it starts; and, from Python 3.15 with the GIL, the
  interpreter's, which runs ``profiling.sampling``'s profiler against the child and
  keeps which thread holds the GIL and which waits for it.

The child talks to each sampler over a pair of pipes; at end of file the samplers
write what they saw, as raw samples, and exit. ``timeline`` turns those samples
into spans. Every wait here has a timeout (``TIMEOUT``), and a sampler or child
that outlives it is killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import json
import os
import pickle
import platform
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import measure

HERE = Path(__file__).resolve().parent
PROC = Path("/proc")  # the tests point it elsewhere to see what happens without it
GIL_INTERVAL = 0.001  # the GIL sampler's: profiling.sampling's own default rate
THREAD_SCAN = 0.005  # seconds between two looks for new threads
PROCESS_SCAN = 0.02  # seconds between two looks for new child processes
TIMEOUT = 120.0  # seconds a recording may take before it is stopped as hung


def _python(code: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        f"import sys; sys.path.insert(0, {str(HERE)!r}); {code}",
    ]


def unavailable() -> str | None:
    """None where timelines can be recorded; else one line that says why not."""
    me = str(threading.get_native_id())
    probe = PROC / "self" / "task" / me / "schedstat"
    try:
        fields = probe.read_text().split()
    except OSError:
        return (
            "This timeline needs Linux: it reads each thread's CPU time from "
            f"/proc/<pid>/task/<tid>/schedstat, and {platform.system()} has no /proc."
        )
    if len(fields) < 3 or fields[2] == "0":
        return (
            "This timeline needs a Linux kernel that keeps scheduler statistics "
            "(CONFIG_SCHED_INFO): this one has none in /proc/<pid>/task/*/schedstat."
        )
    return None


def run(
    func: Callable[..., Any] | str | Path,
    args: tuple,
    *,
    mode: str,
    interval: float,
    repeats: int,
    kinds: list[str],
) -> tuple[dict, dict, dict | None]:
    """Start the samplers ``kinds`` ("os", and "gil" where it can run), then the
    child that runs the work; return what each saw.

    The child gets both ends of each sampler's command line and talks to them
    itself; when it ends, they read end of file, write what they saw, and exit."""
    if isinstance(func, str | Path):
        job = {"file": str(Path(func).resolve()), "module": None, "name": str(func)}
    else:
        module = sys.modules[func.__module__]
        job = {
            "file": str(Path(module.__file__).resolve()),
            "module": func.__module__,
            "name": func.__qualname__,
        }
    job |= {"args": args, "mode": mode, "repeats": repeats}
    started: list[subprocess.Popen] = []
    ends: list[int] = []  # the child's ends of the samplers' pipes
    with tempfile.TemporaryDirectory(prefix="timeline-") as scratch:
        folder = Path(scratch)
        (folder / "job.pickle").write_bytes(pickle.dumps(job))
        _adopt_orphans(True)
        try:
            for kind in kinds:
                commands_read, commands_write = os.pipe()
                answers_read, answers_write = os.pipe()
                ends += [commands_write, answers_read]
                every = interval if kind == "os" else max(interval, GIL_INTERVAL)
                code = f"import timeline_recording as r; r.sampler({kind!r}, {every!r})"
                started.append(
                    subprocess.Popen(
                        [*_python(code), str(folder / kind)],
                        stdin=commands_read,
                        stdout=answers_write,
                    )
                )
                os.close(commands_read)
                os.close(answers_write)
            spec = json.dumps({"folder": scratch, "fds": ends})
            child = subprocess.Popen(
                [*_python("import timeline_recording as r; r.child()"), spec],
                pass_fds=ends,
            )
            started.append(child)
            while ends:  # the child has them now
                os.close(ends.pop())
            status = child.wait(timeout=TIMEOUT)
            for sampler in started:
                sampler.wait(timeout=TIMEOUT)
        finally:
            _adopt_orphans(False)
            for fd in ends:
                os.close(fd)
            for process in started:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        if status != 0:
            raise RuntimeError(
                f"the recorded function {job['name']} failed (exit status {status}); "
                "its traceback is above"
            )
        found = {
            name: pickle.loads((folder / name).read_bytes())
            for name in ["report", *kinds]
        }
    _reap(found["os"].get("processes", []))
    return found["report"], found["os"], found.get("gil")


def _adopt_orphans(on: bool) -> None:
    """Make this process the one that adopts its descendants when their parent ends
    first (Linux's PR_SET_CHILD_SUBREAPER), for as long as a recording runs. A
    forkserver outlives the recorded child that started it by a moment; adopted, it
    stays in this process's tree, so that its workers' CPU time counts as the
    work's, not as other programs' (``measure.watch_other_programs``)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(36, int(on), 0, 0, 0)  # 36: PR_SET_CHILD_SUBREAPER


def _reap(pids: list[int]) -> None:
    """Collect those of the recording's processes that were adopted and have ended
    (their CPU time then counts in this process's own); leave the rest."""
    for pid in pids:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)


# --- the child: the work, between "start" and "stop" ------------------------------


class _Pipe:
    """The child's end of one sampler's command line."""

    def __init__(self, commands: int, answers: int) -> None:
        self.commands, self.answers = commands, answers

    def send(self, line: str) -> None:
        os.write(self.commands, line.encode() + b"\n")

    def answer(self) -> str:
        data = b""
        while not data.endswith(b"\n"):
            ready, _, _ = select.select([self.answers], [], [], TIMEOUT)
            chunk = os.read(self.answers, 4096) if ready else b""
            if not chunk:
                raise RuntimeError("a timeline sampler stopped answering")
            data += chunk
        return data.decode().strip()


def child() -> None:
    """The recorded process: load the function, let the samplers in, run it, and
    note each new thread's name (threading.setprofile: once, as it starts)."""
    spec = json.loads(sys.argv[1])
    folder = Path(spec["folder"])
    job = pickle.loads((folder / "job.pickle").read_bytes())
    func = _load(job)
    fds = spec["fds"]
    samplers = [_Pipe(fds[i], fds[i + 1]) for i in range(0, len(fds), 2)]
    _let_samplers_read_memory()
    names = {threading.get_native_id(): threading.current_thread().name}

    def note_name(frame: Any, event: str, arg: Any) -> None:
        sys.setprofile(None)
        names[threading.get_native_id()] = threading.current_thread().name

    def start(waiting: list[_Pipe] = samplers) -> list[str]:
        for sampler in samplers:
            sampler.send(f"start {os.getpid()}")
        return [sampler.answer() for sampler in waiting]

    def stop() -> None:
        for sampler in samplers:
            sampler.send("stop")

    def recorded() -> None:  # the GIL sampler, at SCHED_IDLE, may be slow to answer
        start(samplers[:1])
        func(*job["args"])
        stop()

    threading.setprofile(note_name)
    report: dict[str, Any] = {"names": names, "pid": os.getpid()}
    if job["mode"] == "record":
        report["answers"] = start()
        begin = time.perf_counter_ns()
        report["result"] = func(*job["args"])
        report["span"] = (begin, time.perf_counter_ns())
        stop()
    else:
        report["timings"] = measure.compare(
            {"not recorded": lambda: func(*job["args"]), "recorded": recorded},
            repeats=job["repeats"],
        )
    threading.setprofile(None)
    (folder / "report").write_bytes(pickle.dumps(report))


def _load(job: dict) -> Callable[..., Any]:
    """The function to run. A program's own module is loaded as ``__mp_main__``, as
    multiprocessing loads it in a child: its ``if __name__ == "__main__":`` block
    does not run, and a process pool it starts finds its functions."""
    import importlib.util

    sys.path.insert(0, str(Path(job["file"]).parent))
    if job["module"] is None:  # a program: run it as python would
        import runpy

        def program(*argv: Any) -> None:
            sys.argv = [job["file"], *map(str, argv)]
            try:
                runpy.run_path(job["file"], run_name="__main__")
            except (
                SystemExit
            ) as done:  # sys.exit(0) ends a program as well as returning
                if done.code not in (0, None):
                    raise

        return program
    if job["module"] == "__main__":  # as multiprocessing's spawned children do
        spec = importlib.util.spec_from_file_location("__mp_main__", job["file"])
        module = importlib.util.module_from_spec(spec)
        sys.modules["__mp_main__"] = sys.modules["__main__"] = module
        spec.loader.exec_module(module)
        module.__spec__ = None  # a program run by path: the pool's workers load it so
    else:
        module = __import__(job["module"], fromlist=["_"])
    found: Any = module
    for part in job["name"].split("."):
        found = getattr(found, part)
    return found


def _let_samplers_read_memory() -> None:
    """Under Yama's ptrace_scope 1 (Ubuntu's default) only a process's ancestors may
    read its memory, and the GIL sampler is a sibling: allow it (any process of this
    user, PR_SET_PTRACER_ANY). Elsewhere this does nothing."""
    try:
        scope = (PROC / "sys/kernel/yama/ptrace_scope").read_text().strip()
    except OSError:
        return
    if scope == "1":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(0x59616D61, ctypes.c_ulong(-1), 0, 0, 0)


# --- the samplers ---------------------------------------------------------------------


class _Commands:
    """A sampler's side: commands from the child on stdin, answers on stdout."""

    def __init__(self) -> None:
        self.buffer = b""

    def next(self, wait: bool = True) -> str | None:
        """The next command; "" at end of file; None if none waits (wait=False)."""
        while b"\n" not in self.buffer:
            if not wait and not select.select([0], [], [], 0)[0]:
                return None
            chunk = os.read(0, 4096)
            if not chunk:
                return ""
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    @staticmethod
    def answer(text: str) -> None:
        os.write(1, text.encode() + b"\n")


def sampler(kind: str, interval: float) -> None:
    """A sampler process: record from each "start PID" to "stop", until end of file."""
    commands, recordings, attached = _Commands(), [], {}
    while command := commands.next():
        verb, _, pid = command.partition(" ")
        if verb == "start" and kind == "os":
            recordings.append(_sample_threads(int(pid), interval, commands))
        elif verb == "start":
            recordings.append(_sample_gil(int(pid), interval, commands, attached))
    Path(sys.argv[1]).write_bytes(pickle.dumps(recordings[-1] if recordings else {}))


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


# What a child process is, from its command line (the threads of the recorded
# process have their names from threading; a process's main thread has its program's).
ROLES = {
    "multiprocessing.forkserver": "forkserver",
    "multiprocessing.resource_tracker": "resource tracker",
    "multiprocessing.spawn": "spawned",
    # a fork of the recorded process itself
    "timeline_recording as r; r.child()": "forked",
}


def _role(pid: int, known: str = "") -> str:
    """What the process is now, else ``known`` if it has gone (no command line)."""
    cmdline = _read(PROC / str(pid) / "cmdline").replace(chr(0), " ")
    if not cmdline:
        return known
    return next((role for key, role in ROLES.items() if key in cmdline), "")


class _Task:
    """One thread being sampled: its open schedstat file and what it read there."""

    def __init__(self, pid: int, tid: int, seen: int, first: bool) -> None:
        self.pid, self.tid = pid, tid
        folder = PROC / str(pid) / "task" / str(tid)
        self.fd = os.open(folder / "schedstat", os.O_RDONLY)
        self.comm = _read(folder / "comm")
        self.role = _role(pid) if tid == pid else ""
        # A thread there from the start counts from its first sample; one found
        # later began after the look before, and counts from zero then.
        self.rows: list[tuple[int, bytes]] = [] if first else [(seen, b"0 0 0")]


class _Threads:
    """The threads of a process and of its descendants, found as they appear."""

    def __init__(self, pid: int) -> None:
        self.tasks: dict[tuple[int, int], _Task] = {}
        self.ended: list[_Task] = []
        self.pid, self.processes, self.parents = pid, {pid}, {}
        self.known = {int(name) for name in os.listdir(PROC) if name.isdigit()}

    def look(self, now: int, first: bool, for_processes: bool) -> None:
        """Drop the threads that ended; add the new ones (and new processes')."""
        for key, task in list(self.tasks.items()):
            try:
                os.pread(task.fd, 96, 0)
            except OSError:
                os.close(task.fd)
                self.ended.append(self.tasks.pop(key))
                continue
            if task.pid != self.pid:  # a new program may rename it (exec, a comm write)
                folder = PROC / str(task.pid) / "task" / str(task.tid)
                task.comm = _read(folder / "comm") or task.comm
                if task.tid == task.pid:  # after a fork, an exec: a new program
                    task.role = _role(task.pid, task.role)
        if for_processes:  # a process whose parent is one of ours is ours
            for name in os.listdir(PROC):
                if name.isdigit() and int(name) not in self.known:
                    self.known.add(int(name))
                    stat = _read(PROC / name / "stat")
                    parent = int(stat.rsplit(")", 1)[1].split()[1]) if stat else 0
                    if parent in self.processes:
                        self.processes.add(int(name))
                        self.parents[int(name)] = parent
        for process in sorted(self.processes):
            with contextlib.suppress(OSError):
                for tid in map(int, os.listdir(PROC / str(process) / "task")):
                    if (process, tid) not in self.tasks:
                        with contextlib.suppress(OSError):
                            self.tasks[process, tid] = _Task(process, tid, now, first)

    def found(self) -> list[dict]:
        """Each thread's samples, as numbers: (time, CPU time, waiting time). A
        process the forkserver forked has its command line: it is its child."""
        tasks = [*self.ended, *self.tasks.values()]
        roles = {task.pid: task.role for task in tasks if task.tid == task.pid}
        for task in tasks:
            if task.role and roles.get(self.parents.get(task.pid)) == "forkserver":
                task.role = "forkserver's child"
        found, ended = [], set(map(id, self.ended))
        for task in tasks:
            with contextlib.suppress(OSError):
                os.close(task.fd)
            comm = _read(PROC / str(task.pid) / "task" / str(task.tid) / "comm")
            rows = [(t, *map(int, raw.split()[:2])) for t, raw in task.rows]
            found.append({"pid": task.pid, "tid": task.tid, "comm": comm or task.comm,
                          "role": task.role, "rows": rows,
                          "ended": id(task) in ended})  # fmt: skip
        return found


# --8<-- [start:sample]
def _sample_threads(pid: int, interval: float, commands: _Commands) -> dict:
    """Read the schedstat of every thread of ``pid`` and of its descendants, every
    ``interval`` seconds, until the next command; look for new ones now and then."""
    threads, times = _Threads(pid), []
    pread, clock, sleep = os.pread, time.perf_counter_ns, time.sleep
    step, scan, rescan = (int(s * 1e9) for s in (interval, THREAD_SCAN, PROCESS_SCAN))
    cpu, now = time.process_time(), clock()
    threads.look(now, first=True, for_processes=False)
    reading = [(task.fd, task.rows.append) for task in threads.tasks.values()]
    next_look, next_processes, deadline = now + scan, now, now
    while True:
        now = clock()
        times.append(now)
        try:
            for fd, keep in reading:
                keep((now, pread(fd, 96, 0)))
        except OSError:  # a thread ended: look at once
            next_look = now
        if len(times) == 1:
            commands.answer("ok")
        if now >= next_look:  # now and then: a command? threads ended, or new ones?
            if commands.next(wait=False) is not None:
                break
            threads.look(now, first=False, for_processes=now >= next_processes)
            reading = [(task.fd, task.rows.append) for task in threads.tasks.values()]
            next_look = now + scan
            if now >= next_processes:
                next_processes = now + rescan
        deadline += step
        pause = deadline - clock()
        if pause > 0:
            sleep(pause / 1e9)
        else:
            deadline = clock()  # late: carry on from now, not in a burst to catch up
    used = time.process_time() - cpu
    return {"times": times, "tasks": threads.found(), "cpu": used,
            "processes": sorted(threads.processes)}  # fmt: skip


# --8<-- [end:sample]


def _sample_gil(pid: int, interval: float, commands: _Commands, attached: dict) -> dict:
    """Sample ``pid`` with profiling.sampling's profiler until the next command,
    keeping each thread's status flags (holds the GIL, waits for it) from every
    sample. The loop is this one, not ``profiling.sampling.sample``'s: that one
    spins for the last tenth of a millisecond before each sample, a CPU the
    recorded threads would miss on a small machine, and it has no way to stop on
    a command.

    Once attached (``attached`` keeps the profiler for the next recording of the
    same process), it runs at Linux's lowest priority, SCHED_IDLE: it gets a CPU
    only when nothing else wants one, so the recorded threads never wait for its
    long samples (a thread waking to take the GIL would, and the hand-off with it).
    The /proc sampler's samples are short, and it keeps the work's priority: at
    SCHED_IDLE it saw almost nothing of a busy machine."""
    try:
        from profiling.sampling.constants import PROFILING_MODE_ALL
        from profiling.sampling.sample import SampleProfiler
    except ImportError as error:
        commands.answer(f"failed: profiling.sampling is missing ({error})")
        commands.next()
        return {"failed": str(error)}
    try:
        every = max(1, int(interval * 1e6))  # microseconds
        profiler = attached.get(pid) or SampleProfiler(
            pid, every, all_threads=True, mode=PROFILING_MODE_ALL,
            skip_non_matching_threads=False)  # fmt: skip
    except (Exception, SystemExit) as error:  # it says why in SystemExit
        reason = " ".join(str(error).split()) or type(error).__name__
        commands.answer(f"failed: profiling.sampling could not attach ({reason})")
        commands.next()
        return {"failed": reason}
    if not attached:
        with contextlib.suppress(AttributeError, OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    attached[pid] = profiler
    rows: list[tuple[int, tuple[tuple[int, int], ...]]] = []
    clock, step, errors = time.perf_counter_ns, int(interval * 1e9), 0
    cpu, deadline = time.process_time(), clock()
    commands.answer("ok")  # attached; the first sample follows at once
    for taken in itertools.count():
        now = clock()
        try:
            found = profiler.dump_stack()
        except ProcessLookupError:  # it ended; "stop" is read by sampler
            break
        except (RuntimeError, OSError, UnicodeDecodeError, MemoryError):
            errors += 1  # a sample taken while the process changed under it
        else:
            statuses = ((t.thread_id, t.status) for i in found for t in i.threads)
            rows.append((now, tuple(statuses)))
        if taken % 8 == 7 and commands.next(wait=False) is not None:
            break
        deadline += step
        pause = deadline - clock()
        if pause > 0:
            time.sleep(pause / 1e9)
        else:
            deadline = clock()  # late: carry on from now, not in a burst to catch up
    used = time.process_time() - cpu
    return {"rows": rows, "errors": errors, "cpu": used}


# --- a demonstration -----------------------------------------------------------------


def sleep_then_count() -> None:
    """A thread that sleeps for 20 ms, then counts for about as long."""

    def work() -> None:
        time.sleep(0.02)
        deadline = time.perf_counter() + 0.02
        while time.perf_counter() < deadline:
            pass

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join(timeout=TIMEOUT)


def main() -> None:
    if reason := unavailable():
        print(reason)
        return
    report, threads, _gil = run(
        sleep_then_count, (), mode="record", interval=0.0005, repeats=0, kinds=["os"]
    )
    worker = next(
        task
        for task in threads["tasks"]
        if report["names"].get(task["tid"]) == "worker"
    )
    begin = report["span"][0]
    rows = [
        ((t - begin) / 1e6, run / 1e6, wait / 1e6) for t, run, wait in worker["rows"]
    ]
    print(
        f"The worker thread was sampled {len(rows)} times. The samples at which its "
        "CPU time or its waiting time had grown (milliseconds from the start):"
    )
    print(f"{'sample at':>10} {'CPU time':>10} {'ready, no CPU':>14}")
    for before, row in itertools.pairwise(rows):
        if row[1:] != before[1:]:
            print(f"{row[0]:>10.2f} {row[1]:>10.3f} {row[2]:>14.3f}")
    print(measure.provenance())


if __name__ == "__main__":
    main()
