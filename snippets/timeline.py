"""Which thread ran when: each thread's timeline, measured while a function runs.

``record(func)`` runs ``func()`` in a child process of its own and watches it from
two other processes, so that the function's threads do not pay for the watching
(``timeline_recording`` runs them):

- **the operating system** (Linux): a sampler reads every thread's
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

This module turns their raw samples into a ``Timeline``.

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

import itertools
import math
import platform
import statistics
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import measure
import timeline_recording as recording

INTERVAL = 0.0005  # seconds between two samples of every thread (the aim)
BLIND = 0.002  # a longer stretch without a sample is a gap in the recording
GIL_VERSION = (3, 15)  # profiling.sampling is new in 3.15

Span = tuple[float, float]  # start and end, in seconds from the start of the work
STATES = {  # what a span means
    "cpu": "on a CPU",
    "ready": "ready, waiting for a CPU",
    "gil": "holds the GIL",
    "gil_wait": "waits for the GIL",
    "task": "a step of the task runs",
}


unavailable = (
    recording.unavailable
)  # None where timelines can be recorded, else why not


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
    report, threads, gil = recording.run(
        func, args, mode="record", interval=interval, repeats=0, kinds=_kinds()
    )
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
    found = recording.run(
        func, args, mode="overhead", interval=interval, repeats=repeats, kinds=_kinds()
    )
    return found[0]["timings"]


def _kinds() -> list[str]:
    """The samplers this interpreter can run."""
    return ["os"] + ([] if gil_states_reason() else ["gil"])


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
    step = recording.GIL_INTERVAL * 1e9
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
