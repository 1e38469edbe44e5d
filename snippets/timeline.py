"""Which thread ran when: each thread's timeline, measured while a function runs.

``record(func)`` runs ``func()`` in a child process of its own and watches it from
two other processes, so that the function's threads do not pay for the watching:

- **the operating system** (Linux): a sampler process reads every thread's
  ``/proc/<pid>/task/<tid>/schedstat``, of the child and of every process it starts,
  about every half millisecond (``INTERVAL``). Its numbers are the thread's time on
  a CPU and its time ready to run but waiting for one, in nanoseconds, which the
  kernel brings up to date when the thread leaves a CPU and at each timer tick.
  Each increase becomes a span that ends where it was seen, so a span's ends are
  right to within a sampling interval, and its length is the kernel's own count.
- **the interpreter** (Python 3.15 and later, with the GIL): a second sampler runs
  ``profiling.sampling``, the standard library's sampling profiler, against the
  child, and keeps from each sample which thread holds the GIL and which waits for
  it. Reading another process's memory needs the right to (root, CAP_SYS_PTRACE, or
  Yama's ptrace_scope of 0 or 1, which the child then answers by naming its reader);
  where it cannot attach, the timeline has the operating system's view only, and
  ``gil_note`` says why.

Where the samplers could not get a CPU for a while, the timeline has a gap: each
lane's "blind" spans (and, in its GIL strip, "gil_blind") are the stretches longer
than ``BLIND`` without a sample, which the statistics of overlap leave out. The
GIL sampler runs at the lowest priority (SCHED_IDLE), so that the work never waits
for it: it sees less of a busy machine, and says so.

A ``Timeline`` holds each thread's name (``threading.Thread.name``; for the threads
of other processes, the operating system's name for them) and its spans in each
state, in seconds from the start of the function. ``timeline_svg`` draws one.
Examples import both the way they import ``measure``:

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import timeline

Where ``/proc`` is missing (macOS, Windows), ``unavailable()`` says so in one line:
there is no timeline then, never a made-up one. Run this file to see two threads
take turns: ``python snippets/timeline.py``.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import json
import math
import os
import pickle
import platform
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import measure

HERE = Path(__file__).resolve().parent
PROC = Path("/proc")  # the tests point it elsewhere to see what happens without it
INTERVAL = 0.0005  # seconds between two samples of every thread (the aim)
GIL_INTERVAL = 0.001  # the GIL sampler's: profiling.sampling's own default rate
BLIND = 0.002  # a longer stretch without a sample is a gap in the recording
THREAD_SCAN = 0.005  # seconds between two looks for new threads
PROCESS_SCAN = 0.02  # seconds between two looks for new child processes
GIL_VERSION = (3, 15)  # profiling.sampling is new in 3.15
TIMEOUT = 120.0  # seconds a recording may take before it is stopped as hung

Span = tuple[float, float]  # start and end, in seconds from the start of the work
STATES = {  # what a span means
    "cpu": "on a CPU",
    "ready": "ready, waiting for a CPU",
    "gil": "holds the GIL",
    "gil_wait": "waits for the GIL",
    "task": "a step of the task runs",
}


def unavailable() -> str | None:
    """None where timelines can be recorded; else one line that says why not."""
    probe = PROC / "self" / "task" / str(threading.get_native_id()) / "schedstat"
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


def gil_states_reason() -> str:
    """Empty where the GIL sampler can run under this interpreter, else why not."""
    if sys.version_info < GIL_VERSION:
        return (
            "Python 3.15 added profiling.sampling, which reads the GIL's state; "
            f"this is {platform.python_version()}"
        )
    if not measure.gil_enabled():
        return "this interpreter runs without the GIL"
    return ""


# --- what a recording gives ---------------------------------------------------------


@dataclass
class Lane:
    """One thread: its name, where it ran, and its spans in each state."""

    name: str
    pid: int
    tid: int
    process: int  # 0 for the recorded process, then 1, 2, ... for those it started
    spans: dict[str, list[Span]] = field(default_factory=dict)

    def total(self, state: str = "cpu") -> float:
        return sum(end - start for start, end in self.spans.get(state, ()))


@dataclass
class Timeline:
    """Every thread of a recording, and how well it was sampled."""

    lanes: list[Lane]
    seconds: float  # how long the work ran
    start: float  # time.perf_counter() in the child when the work started
    interval: float  # median seconds between two samples of the threads
    longest_gap: float  # the longest time between two samples
    blind: list[Span]  # stretches longer than BLIND without a sample
    gil_interval: float | None  # the GIL sampler's mean interval, where it ran
    gil_note: str  # "" when the GIL states are there, else why not
    others: float | None  # share of the CPUs other programs took meanwhile
    result: Any = None  # what the function returned
    sampler_cpu: float = math.nan  # CPU seconds the samplers used, per second

    def lane(self, name: str) -> Lane:
        """The lane of the thread called ``name`` (or whose name starts with it)."""
        found = [lane for lane in self.lanes if lane.name == name]
        found = found or [lane for lane in self.lanes if lane.name.startswith(name)]
        if len(found) != 1:
            names = [lane.name for lane in self.lanes]
            raise KeyError(f"{len(found)} lanes called {name!r}; the lanes: {names}")
        return found[0]

    @property
    def sampled(self) -> float:
        """Seconds of the work that the samplers saw (all but the gaps)."""
        return self.seconds - sum(end - start for start, end in self.blind)

    def share(self, name: str, state: str = "cpu") -> float:
        """The share of the work's time that thread ``name`` spent in ``state``."""
        return self.lane(name).total(state) / self.seconds

    def together(self, names: Sequence[str], state: str = "cpu") -> float:
        """The share of the sampled time when all the threads ``names`` were in
        ``state`` at once. Gaps in the samples are left out: there, the spans'
        places are not known well enough."""
        lanes = [self.lane(name) for name in names]
        common = lanes[0].spans.get(state, [])
        for lane in lanes[1:]:
            common = _intersect(common, lane.spans.get(state, []))
        blind = _merge((s for lane in lanes for s in lane.spans.get("blind", [])), 0)
        seen = self.seconds - _total(blind)
        if seen <= 0:
            return math.nan
        return (_total(common) - _total(_intersect(common, blind))) / seen

    def turns(self, name: str) -> list[float]:
        """How long each of the thread's turns lasted, in seconds: a turn is a
        stretch in which it was on a CPU or ready for one (it holds the GIL while
        another program has its CPU), with a quarter of a millisecond or more on a
        CPU. Shorter ones are a thread waking briefly, such as one that waits for
        the GIL waking to ask for it. Stretches closer together than one and a half
        sampling intervals are one turn: the samples cannot tell them apart."""
        lane = self.lane(name)
        runnable = [*lane.spans.get("cpu", []), *lane.spans.get("ready", [])]
        found = []
        for stretch in _merge(runnable, 1.5 * self.interval):
            if _total(_intersect(lane.spans.get("cpu", []), [stretch])) >= 0.00025:
                found.append(stretch[1] - stretch[0])
        return found

    def add(
        self, name: str, steps: Iterable[tuple[float, float]], state: str = "task"
    ) -> None:
        """A lane of spans that the work timed itself (``time.perf_counter()`` at
        each start and end, in the child), such as an event loop's task steps."""
        spans = [(a - self.start, b - self.start) for a, b in steps]
        found = {state: _merge(_clip(spans, self.seconds), 0), "blind": []}
        self.lanes.append(Lane(name, 0, 0, 0, found))


def combine(parts: dict[str, Timeline]) -> Timeline:
    """Several recordings as one, each lane named after its recording ("1 ms:
    counter 1"), each from its own start. GIL states only if every part has them."""
    lanes = [
        Lane(f"{label}: {lane.name}", lane.pid, lane.tid, lane.process, lane.spans)
        for label, part in parts.items()
        for lane in part.lanes
    ]
    each = list(parts.values())
    gil = [part.gil_interval for part in each]
    shares = [part.others for part in each if part.others is not None]
    return Timeline(
        lanes,
        seconds=max(part.seconds for part in each),
        start=each[0].start,
        interval=max(part.interval for part in each),
        longest_gap=max(part.longest_gap for part in each),
        blind=max((part.blind for part in each), key=_total),  # the least seen
        gil_interval=None if None in gil else max(gil),
        gil_note=next((part.gil_note for part in each if part.gil_note), ""),
        others=max(shares) if shares else None,
        result=[part.result for part in each],
        sampler_cpu=max(part.sampler_cpu for part in each),
    )


def _total(spans: Iterable[Span]) -> float:
    return sum(end - start for start, end in spans)


def _intersect(first: list[Span], second: list[Span]) -> list[Span]:
    """Where two sorted lists of disjoint spans overlap."""
    found, j = [], 0
    for start, end in first:
        while j < len(second) and second[j][1] <= start:
            j += 1
        k = j
        while k < len(second) and second[k][0] < end:
            low, high = max(start, second[k][0]), min(end, second[k][1])
            if high > low:
                found.append((low, high))
            k += 1
    return found


def _merge(spans: Iterable[Span], gap: float) -> list[Span]:
    """Sorted, disjoint spans; those less than ``gap`` apart become one."""
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] < gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _clip(spans: Iterable[Span], seconds: float) -> list[Span]:
    clipped = ((max(0.0, a), min(seconds, b)) for a, b in spans)
    return [(a, b) for a, b in clipped if b > a]


# --- recording --------------------------------------------------------------------


def record(
    func: Callable[..., Any] | str | Path, *args: Any, interval: float = INTERVAL
) -> Timeline:
    """Run ``func(*args)`` in a child process and return its threads' timeline.

    ``func`` must be importable by name (defined at the top level of a module or of
    the program); ``args`` and what it returns travel by pickle. A path instead runs
    that program as ``python PATH ARGS...`` would.
    """
    if reason := unavailable():
        raise RuntimeError(reason)
    others = measure.watch_other_programs()
    report, threads, gil = _run(func, args, "record", interval, repeats=0)
    return _timeline(report, threads, gil, others())


def overhead(
    func: Callable[..., Any] | str | Path,
    *args: Any,
    repeats: int = 5,
    interval: float = INTERVAL,
) -> dict[str, measure.Timing]:
    """Time ``func(*args)`` in a child process without and with the samplers
    recording it, in interleaved rounds (``measure.compare``): ``{"not recorded":
    Timing, "recorded": Timing}``. A recorded repeat includes starting and stopping
    the samplers."""
    if reason := unavailable():
        raise RuntimeError(reason)
    report, _threads, _gil = _run(func, args, "overhead", interval, repeats)
    return report["timings"]


def _python(code: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        f"import sys; sys.path.insert(0, {str(HERE)!r}); {code}",
    ]


def _run(
    func: Callable[..., Any] | str | Path,
    args: tuple,
    mode: str,
    interval: float,
    repeats: int,
) -> tuple[dict, dict, dict | None]:
    """Start the samplers, then the child that runs the work; return what each saw.

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
    kinds = ["os"] + ([] if gil_states_reason() else ["gil"])
    started: list[subprocess.Popen] = []
    ends: list[int] = []  # the child's ends of the samplers' pipes
    with tempfile.TemporaryDirectory(prefix="timeline-") as scratch:
        folder = Path(scratch)
        (folder / "job.pickle").write_bytes(pickle.dumps(job))
        try:
            for kind in kinds:
                commands_read, commands_write = os.pipe()
                answers_read, answers_write = os.pipe()
                ends += [commands_write, answers_read]
                every = interval if kind == "os" else max(interval, GIL_INTERVAL)
                code = f"import timeline; timeline._sampler({kind!r}, {every!r})"
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
                [*_python("import timeline; timeline._child()"), spec], pass_fds=ends
            )
            started.append(child)
            while ends:  # the child has them now
                os.close(ends.pop())
            status = child.wait(timeout=TIMEOUT)
            for sampler in started:
                sampler.wait(timeout=TIMEOUT)
        finally:
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
    return found["report"], found["os"], found.get("gil")


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


def _child() -> None:
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


def _sampler(kind: str, interval: float) -> None:
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
    "timeline._child()": "forked",  # a fork of the recorded process itself
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
        except ProcessLookupError:  # it ended; "stop" is read by _sampler
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


# --- from samples to spans ----------------------------------------------------------


def _timeline(report: dict, threads: dict, gil: dict | None, others) -> Timeline:
    begin, end = report["span"]
    seconds = (end - begin) / 1e9

    def relative(spans: Iterable[tuple[int, int]]) -> list[Span]:
        return _clip(
            (((a - begin) / 1e9, (b - begin) / 1e9) for a, b in spans), seconds
        )

    times = threads["times"]
    gaps = list(itertools.pairwise(times))
    lengths = [b - a for a, b in gaps]
    blind = relative((a, b) for a, b in gaps if b - a > BLIND * 1e9)
    order = {report["pid"]: 0}
    for pid in threads["processes"]:
        order.setdefault(pid, len(order))
    lanes = []
    for task in threads["tasks"]:
        process = order[task["pid"]]
        name = report["names"].get(task["tid"]) if process == 0 else task["role"]
        name = name or task["comm"] or f"thread {task['tid']}"
        lane = Lane(
            f"process {process}: {name}" if process else name,
            task["pid"],
            task["tid"],
            process,
        )
        for state, found in _cpu_spans(task["rows"]).items():
            lane.spans[state] = relative(found)
        lane.spans["blind"] = blind
        if task["rows"]:  # from its first sample to its last: the thread was there
            first, last = task["rows"][0][0], task["rows"][-1][0]
            lane.spans["alive"] = relative([(first, last if task["ended"] else end)])
        lanes.append(lane)
    lanes.sort(key=lambda lane: (lane.process, lane.tid))
    gil_interval, gil_note = None, gil_states_reason()
    sampler_cpu = threads["cpu"] / max((times[-1] - times[0]) / 1e9, 1e-9)
    if gil is not None and "failed" in gil:
        gil_note = report["answers"][1].removeprefix("failed: ")
    elif gil is not None and len(gil["rows"]) < 2:  # at SCHED_IDLE: no CPU to run on
        gil_note = (
            "the GIL sampler got no CPU while the work ran (the machine was busy)"
        )
    elif gil is not None:
        gil_interval = _gil_spans(gil["rows"], lanes, relative)
        span = (gil["rows"][-1][0] - gil["rows"][0][0]) / 1e9
        sampler_cpu += gil["cpu"] / max(span, 1e-9)
    return Timeline(
        lanes,
        seconds=seconds,
        start=begin / 1e9,
        interval=statistics.median(lengths) / 1e9 if lengths else math.nan,
        longest_gap=max(lengths, default=0) / 1e9,
        blind=blind,
        gil_interval=gil_interval,
        gil_note=gil_note,
        others=others,
        result=report["result"],
        sampler_cpu=sampler_cpu,
    )


# --8<-- [start:spans]
def _cpu_spans(rows: list[tuple[int, int, int]]) -> dict[str, list[tuple[int, int]]]:
    """A thread's spans on a CPU and waiting for one, in nanoseconds, from its
    samples ``(time, CPU time, waiting time)``.

    The kernel adds to a thread's CPU time when the thread leaves a CPU and at each
    timer tick, each time the stretch since its last addition, so the CPU time
    gained by the sample at ``t`` is a stretch that ended after the sample before:
    it is placed as ``[t - run, t]``, and the wait for a CPU, which the kernel adds
    as the thread gets one, just before it.
    """
    spans: dict[str, list[tuple[int, int]]] = {"cpu": [], "ready": []}
    last_end = -math.inf
    for (_t0, run0, wait0), (t, run1, wait1) in itertools.pairwise(rows):
        run, wait = run1 - run0, wait1 - wait0
        if run > 0:
            start = max(t - run, last_end)
            if start < t:
                spans["cpu"].append((start, t))
            last_end = t
        if wait > 0:
            until = t - run if run > 0 else t
            spans["ready"].append((until - wait, until))
    return {state: _merge(found, 0) for state, found in spans.items()}


# --8<-- [end:spans]


def _gil_spans(
    rows: list, lanes: list[Lane], relative: Callable[[Iterable], list[Span]]
) -> float | None:
    """Give the recorded process's lanes their GIL spans from profiling.sampling's
    samples. A status holds halfway to the samples before and after it, and at most
    one sampling interval either way."""
    from profiling.sampling.constants import (
        THREAD_STATUS_GIL_REQUESTED,
        THREAD_STATUS_HAS_GIL,
    )

    times = [t for t, _ in rows]
    if len(times) < 2:
        return None
    # profiling.sampling catches up after a delay with samples back to back, so
    # the interval it kept to is the mean one; a status holds at most the aimed one.
    step = GIL_INTERVAL * 1e9
    mean = (times[-1] - times[0]) / (len(times) - 1)
    by_tid = {lane.tid: lane for lane in lanes if lane.process == 0}
    found: dict[int, dict[str, list[tuple[int, int]]]] = {
        tid: {"gil": [], "gil_wait": []} for tid in by_tid
    }
    for i, (t, threads) in enumerate(rows):
        before = min((t - times[i - 1]) / 2 if i else step / 2, step)
        after = min((times[i + 1] - t) / 2 if i + 1 < len(times) else step / 2, step)
        for tid, status in threads:
            if tid not in found:
                continue
            if status & THREAD_STATUS_HAS_GIL:
                found[tid]["gil"].append((t - before, t + after))
            elif status & THREAD_STATUS_GIL_REQUESTED:
                found[tid]["gil_wait"].append((t - before, t + after))
    # Where this sampler had no CPU for a while, nothing is known of the GIL either.
    unseen = relative(
        (a, b) for a, b in itertools.pairwise(times) if b - a > BLIND * 1e9
    )
    for tid, lane in by_tid.items():
        for state, spans in found[tid].items():
            lane.spans[state] = _merge(relative(spans), 1e-9)
        lane.spans["gil_blind"] = unseen
    return mean / 1e9


# --- a demonstration ---------------------------------------------------------------


def _count(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def two_threads() -> None:
    """Two threads that only compute: with the GIL, they take turns."""
    threads = [
        threading.Thread(target=_count, args=(2_500_000,), name=f"counter {k}")
        for k in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    if reason := unavailable():
        print(reason)
        return
    recorded = record(two_threads)
    for lane in recorded.lanes:
        print(f"{lane.name:>12}: on a CPU {recorded.share(lane.name):.0%} of the time")
    both = recorded.together(["counter 1", "counter 2"])
    print(f"Both counters were on a CPU at once for {both:.0%} of the time.")
    print(measure.provenance(others=recorded.others))


if __name__ == "__main__":
    main()
