"""The work that the benchmark lab notebook (docs/lab.ipynb) measures, as a module.

A process pool does not send a function's code to its workers, only its name: the
module it lives in and its qualified name (that is how ``pickle`` stores a
function). With the ``spawn`` and ``forkserver`` start methods, a worker is not a copy
of the notebook's process (a fresh interpreter, or a fork of the fork server), and
it imports that module to find the function. A function
defined in a notebook lives in the kernel's ``__main__``, which a worker cannot
import, so the notebook imports its work from this file instead.

The module uses only the standard library, so it can be downloaded next to the
notebook. Run it alone for a quick comparison: ``python snippets/lab/workloads.py``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import io
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def usable_cpus() -> int:
    """CPUs this process may use (``os.process_cpu_count`` on 3.13+).

    The same rule as the site's ``snippets/measure.py``, repeated here so that this
    file works on its own after a download.
    """
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_start_method() -> str:
    """forkserver where it exists, else spawn (docs: Start methods)."""
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def describe() -> str:
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    return (
        f"Python {platform.python_version()} ({'GIL' if gil else 'no GIL'}), "
        f"{platform.system()}, {usable_cpus()} usable CPUs"
    )


# --- the work -------------------------------------------------------------------------


# --8<-- [start:work]
def wait(seconds: float) -> float:
    """I/O-bound stand-in: sleeping releases the GIL, like waiting on a socket."""
    time.sleep(seconds)
    return seconds


async def wait_async(seconds: float) -> float:
    await asyncio.sleep(seconds)
    return seconds


def crunch(steps: int) -> int:
    """CPU-bound: pure-Python arithmetic."""
    total = 0
    for i in range(steps):
        total += i * i % 7
    return total


# --8<-- [end:work]


# --- ways to run a list of jobs -------------------------------------------------------


# --8<-- [start:ways]
def sequential(func: Callable, jobs: Sequence) -> list:
    return [func(job) for job in jobs]


def threads(func: Callable, jobs: Sequence, workers: int) -> list:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(func, jobs))


def processes(func: Callable, jobs: Sequence, workers: int, method: str) -> list:
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        return list(pool.map(func, jobs))


async def waits_with_asyncio(jobs: Sequence[float]) -> list[float]:
    """Await this from a notebook; from a script, wrap it in asyncio.run()."""
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(wait_async(seconds)) for seconds in jobs]
    return [task.result() for task in tasks]


# --8<-- [end:ways]


@contextlib.contextmanager
def stderr_of_children() -> Iterator[Callable[[], str]]:
    """Send what child processes write to stderr into a file; yield a reader for it.

    Children inherit file descriptor 2. Pointing it at a temporary file while they
    start lets a notebook show a worker's error message in the cell that caused
    it, instead of in the terminal that runs the kernel.
    """
    with tempfile.TemporaryFile(mode="w+") as file:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(file.fileno(), 2)
        try:
            yield lambda: (file.seek(0), file.read())[1]
        finally:
            os.dup2(saved, 2)
            os.close(saved)


# --- timing ---------------------------------------------------------------------------


def timed(run: Callable[[], object], repeats: int = 3) -> list[float]:
    """Wall-clock seconds of ``repeats`` runs, after one untimed warm-up run.

    For one way of running on its own (the notebook's ``await``); to compare ways,
    use ``compare``, which interleaves them.
    """
    run()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return samples


def compare(runs: dict[str, Callable[[], object]], repeats: int = 3) -> dict:
    """Wall-clock seconds of each run, ``repeats`` times, interleaved: after one
    untimed round, each round times every run once, in turn.

    The site's rule (``measure.compare``), repeated here so that this file works on
    its own: another program that takes a CPU for a moment, or a CPU that changes
    its clock, then slows one round of every way alike, instead of every run of
    whichever way happened to be running.
    """
    for run in runs.values():
        run()
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            samples[name].append(time.perf_counter() - start)
    return samples


def speedups(results: dict[str, list[float]]) -> dict[str, float]:
    """Speed-up of each way over the first, round by round: the median of the
    rounds' ratios.

    The site's one definition (``measure.speedup``): the runs of one round of
    ``compare`` were timed moments apart, under the same load, so their ratio
    cancels what changed between rounds.
    """
    base = next(iter(results.values()))
    return {
        name: statistics.median(b / s for b, s in zip(base, samples, strict=True))
        for name, samples in results.items()
    }


def table(results: dict[str, list[float]]) -> str:
    """A text table: median (min-max) and speed-up over the first row (per round)."""
    width = max(map(len, results))
    lines = [f"{'model':<{width}}  median s (min-max)        speed-up"]
    gains = speedups(results)
    for name, samples in results.items():
        median = statistics.median(samples)
        spread = f"{median:.3f} ({min(samples):.3f}-{max(samples):.3f})"
        lines.append(f"{name:<{width}}  {spread:<25} {gains[name]:5.2f}x")
    return "\n".join(lines)


def chart(results: dict[str, dict[str, list[float]]]) -> str:
    """Bar charts of speed-up over the first model, as an HTML ``<img>`` with alt text.

    ``results`` maps a title to what ``timed`` returned for each model. Matplotlib
    is imported here, only when a chart is wanted; the SVG keeps its text as text.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(4.5 * len(results), 3))
    summary = []
    for ax, (title, models) in zip(axes, results.items(), strict=True):
        names, gains = list(models), list(speedups(models).values())
        bars = ax.barh(names, gains, color="lightgrey", edgecolor="black")
        ax.bar_label(bars, labels=[f"{s:.2f}x" for s in gains], padding=3)
        ax.axvline(1, linestyle=":", color="black")
        ax.invert_yaxis()
        ax.set_xlim(0, max(gains) * 1.3)
        ax.set_title(title)
        ax.set_xlabel("speed-up over sequential")
        pairs = ", ".join(f"{n} {s:.2f}x" for n, s in zip(names, gains, strict=True))
        summary.append(f"{title}: {pairs}")
    fig.tight_layout()
    svg = io.BytesIO()
    with plt.rc_context({"svg.fonttype": "none"}):
        fig.savefig(svg, format="svg", metadata={"Date": None})
    plt.close(fig)
    alt = html.escape("Bar charts of speed-up over sequential. " + "; ".join(summary))
    data = base64.b64encode(svg.getvalue()).decode("ascii")
    return f'<img alt="{alt}" src="data:image/svg+xml;base64,{data}">'


def main() -> None:
    """A quick comparison; the notebook has the parameters to play with."""
    tasks, seconds, steps, repeats = 4, 0.05, 1_000_000, 3
    method = default_start_method()
    print(f"{describe()}; start method {method}; {repeats} rounds after a warm-up")
    print("Each run of 'processes' starts and stops its own pool.\n")
    waits = [seconds] * tasks
    print(f"I/O-bound: {tasks} waits of {seconds} s")
    io_models = {
        "sequential": lambda: sequential(wait, waits),
        "threads": lambda: threads(wait, waits, tasks),
        "processes": lambda: processes(wait, waits, tasks, method),
        "asyncio": lambda: asyncio.run(waits_with_asyncio(waits)),
    }
    print(table(compare(io_models, repeats)))
    cpus = usable_cpus()
    crunches = [steps] * tasks
    print(f"\nCPU-bound: {tasks} tasks of {steps:,} steps, {cpus} workers")
    cpu_models = {
        "sequential": lambda: sequential(crunch, crunches),
        "threads": lambda: threads(crunch, crunches, cpus),
        "processes": lambda: processes(crunch, crunches, cpus, method),
    }
    print(table(compare(cpu_models, repeats)))


if __name__ == "__main__":
    main()
