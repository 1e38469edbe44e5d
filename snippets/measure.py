"""The measuring helper every benchmark on this site shares.

One place decides how we time things (``time.perf_counter``, warm-up, repeats,
median with min and max), what a speed-up is (``speedup``: a ratio per round of
interleaved repeats), how we describe the machine (provenance) and how busy other
programs kept it meanwhile, how a result becomes a Markdown table or an SVG plot,
and how the values a page's claims judge reach the build (``report(values=...)``).
Benchmarks import it with:

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import measure

Run it alone to see what it reports about your machine: ``python snippets/measure.py``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import re
import statistics
import sys
import sysconfig
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

# Where the build collects the values a run reports (the runner sets it; a reader's
# own run has no such variable, and report() then only prints).
VALUES_ENV = "SNIPPET_VALUES"


@dataclass(frozen=True)
class Samples:
    """Numbers measured once per repeat, with the statistics every table shows."""

    samples: tuple[float, ...]
    unit = ""  # how a table writes one: "" for seconds, "x" for a ratio

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    def cell(self, digits: int = 3) -> str:
        """``median (min–max)``, the way every table on the site shows a measurement."""
        median = f"{self.median:.{digits}f}{self.unit}"
        if len(self.samples) == 1:
            return median
        return f"{median} ({self.low:.{digits}f}–{self.high:.{digits}f})"


class Timing(Samples):
    """Wall-clock seconds of each repeat of one measurement."""


def measure(func: Callable[[], object], *, repeats: int = 5, warmup: int = 1) -> Timing:
    """Call ``func`` ``warmup`` times untimed, then ``repeats`` times timed.

    The garbage collector stays on (``timeit`` turns it off): real programs run with it.
    A comparison of one function, so that there is one timing loop (``compare``).
    """
    return compare({"": func}, repeats=repeats, warmup=warmup)[""]


def usable_cpus() -> int:
    """CPUs this process may use: ``os.process_cpu_count()`` (3.13+), else affinity."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def gil_enabled() -> bool:
    """False only on a free-threaded build running with the GIL off (3.13+)."""
    return getattr(sys, "_is_gil_enabled", lambda: True)()


def watch_other_programs() -> Callable[[], float | None]:
    """Start watching the usable CPUs; call the returned function when the run is over.

    It returns the share (0 to 1) of those CPUs' time that went to other programs
    in between (and, on a virtual machine, to the host: "steal" time): time a
    benchmark could not use. A speed-up measured while others took much of it
    says little about the code. This process and all its descendants (pool
    workers, a forkserver and its children, alive or ended) count as the run, not
    as others. The numbers come from Linux's ``/proc/stat`` and ``/proc/<pid>/stat``;
    where they do not exist (macOS, Windows) the answer is None: unknown, not zero.
    """
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    before, start = _cpu_ticks(cpus), time.monotonic()

    def share() -> float | None:
        after, wall = _cpu_ticks(cpus), time.monotonic() - start
        if before is None or after is None or not cpus or wall <= 0:
            return None
        busy, own = after[0] - before[0], after[1] - before[1]
        seconds = (busy - own) / os.sysconf("SC_CLK_TCK")
        return min(1.0, max(0.0, seconds / (wall * len(cpus))))

    return share


def _cpu_ticks(cpus: set[int]) -> tuple[int, int] | None:
    """Busy clock ticks of ``cpus`` since boot, and those of this process tree
    (``utime + stime + cutime + cstime`` of each live member: an ended child's time
    is in its parent's ``cutime``). None without ``/proc`` or a line per CPU."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            lines = stat.read().splitlines()
        processes = {}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:  # it ended while we looked
                continue
            processes[int(pid)] = (int(fields[1]), sum(map(int, fields[11:15])))
    except OSError:
        return None
    busy, seen = 0, 0
    for line in lines:
        name, *ticks = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(
                int, ticks[:8]
            )
            busy, seen = busy + user + nice + system + irq + softirq + steal, seen + 1
    if seen < len(cpus):
        return None
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    tree, own = [os.getpid()], 0
    while tree:
        pid = tree.pop()
        own += processes.get(pid, (0, 0))[1]
        tree += children.get(pid, [])
    return busy, own


def python_build() -> str:
    """For example ``CPython 3.13.0 free-threaded, GIL off``."""
    name = f"{platform.python_implementation()} {platform.python_version()}"
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        return f"{name} free-threaded, GIL {'on' if gil_enabled() else 'off'}"
    return f"{name} with the GIL"


def provenance(
    *,
    repeats: int | None = None,
    statistic: str | None = None,
    start_method: str | None = None,
    others: float | None = None,
) -> str:
    """One line saying what produced a table: interpreter, machine, method, and
    how much of the CPUs other programs took meanwhile (``others``, from
    ``watch_other_programs``; left out where unknown)."""
    parts = [
        python_build(),
        f"{platform.system()} {platform.machine()}",
        f"{usable_cpus()} usable CPUs (os.cpu_count() = {os.cpu_count()})",
    ]
    if start_method:
        parts.append(f"start method {start_method}")
    if repeats:
        parts.append(f"{repeats} repeats after a warm-up run")
    if statistic:
        parts.append(statistic)
    if others is not None:
        parts.append(
            f"other programs took {others:.0%} of the usable CPUs' time meanwhile"
        )
    return "Measured on " + "; ".join(parts) + "."


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, caption: str = ""
) -> str:
    """A Markdown table; numbers are expected to be formatted already."""
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
        *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows),
    ]
    if caption:
        lines += ["", caption]
    return "\n".join(lines)


def save_svg(figure: object, filename: str, alt: str) -> str:
    """Write a Matplotlib figure as a small SVG and return the Markdown that shows it.

    Text stays text (searchable, light), and ids are fixed so the file is the same
    when the data is the same.
    """
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": filename}):
        figure.savefig(
            filename, format="svg", bbox_inches="tight", metadata={"Date": None}
        )
    return f"![{alt}]({filename})"


# --8<-- [start:compare]
def compare(
    funcs: Mapping[str, Callable[[], object]], *, repeats: int = 5, warmup: int = 1
) -> dict[str, Timing]:
    """Time several functions that are to be compared: ``{name: Timing}``.

    Like ``measure``, but interleaved: each repeat times every function once, in
    turn, so a change in the machine's load during the run (other programs starting
    or stopping) affects all of them alike instead of whichever happened to run then.
    """
    for _ in range(warmup):
        for func in funcs.values():
            func()
    samples: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            samples[name].append(time.perf_counter() - start)
    return {name: Timing(tuple(times)) for name, times in samples.items()}


# --8<-- [end:compare]


def report(
    body: str,
    *,
    repeats: int | None = None,
    statistic: str | None = None,
    start_method: str | None = None,
    others: float | None = None,
    values: Mapping[str, Samples | float | Sequence[float]] | None = None,
) -> None:
    """Print what produced a result (``provenance``), a blank line, then the result.

    ``values`` are the numbers the page's text interprets, each with its spread
    (``record``): the build judges the page's claims against them.
    """
    print(
        provenance(
            repeats=repeats,
            statistic=statistic,
            start_method=start_method,
            others=others,
        )
    )
    print()
    print(body)
    record(values or {}, others=others)


_NAME = re.compile(r"[a-z][a-z0-9_]*")


def record(
    values: Mapping[str, Samples | float | Sequence[float]],
    *,
    others: float | None = None,
) -> None:
    """Hand named values to the build that runs this program, each as all its
    samples: a ``Timing``'s repeats, a ``Ratio``'s rounds, or one number. A claim on
    the page is judged on every sample, so its verdict carries the run's own
    spread. ``others`` (``watch_other_programs``) says how much of the CPUs other
    programs took. Run by hand, with no build listening, this does nothing."""
    path = os.environ.get(VALUES_ENV)
    if not path:
        return
    lines = []
    for name, value in values.items():
        if not _NAME.fullmatch(name) or name == "others":
            raise ValueError(f"value name {name!r}: use lower case, digits and _")
        if isinstance(value, Samples):
            samples, unit = value.samples, value.unit or "s"
        elif isinstance(value, (int, float)):
            samples, unit = (value,), ""
        else:
            samples, unit = tuple(value), ""
        samples = [float(sample) for sample in samples]
        lines.append({"name": name, "samples": samples, "unit": unit})
    if others is not None:
        lines.append({"name": "others", "samples": [others], "unit": "share"})
    with open(path, "a", encoding="utf-8") as file:
        file.writelines(json.dumps(line) + "\n" for line in lines)


# --8<-- [start:speedup]
class Ratio(Samples):
    """A ratio per round of ``compare``: a speed-up, and its spread over the rounds.
    ``cell()`` is ``1.85x (1.70–1.93)``: the median round, the slowest, the fastest."""

    unit = "x"

    def cell(self, digits: int = 2) -> str:
        return super().cell(digits)


def speedup(baseline: Timing, contender: Timing) -> Ratio:
    """How many times as fast ``contender`` ran as ``baseline``, round by round.

    ``compare`` runs every variant once per round, so the two times of one round
    were taken moments apart, under the same load, the same CPU clock and the same
    neighbours on the host. Their ratio cancels what changed between rounds; the
    median of the rounds is the speed-up, and the range says how far rounds
    disagree. A timing with a single sample (a first call) is set against every
    round of the other.
    """
    if len(baseline.samples) == 1 or len(contender.samples) == 1:
        pairs = [(b, c) for b in baseline.samples for c in contender.samples]
    else:
        pairs = list(zip(baseline.samples, contender.samples, strict=True))
    return Ratio(tuple(b / c for b, c in pairs))


# --8<-- [end:speedup]


def main() -> None:
    start_method = multiprocessing.get_start_method()
    others = watch_other_programs()
    timing = measure(lambda: sum(i * i for i in range(200_000)), repeats=5)
    report(
        table(["What", "Seconds"], [["sum of 200,000 squares", timing.cell(4)]]),
        repeats=5,
        statistic="median (min–max) in seconds",
        start_method=start_method,
        others=others(),
    )


if __name__ == "__main__":
    main()
