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


def rounds(
    models: dict[str, Callable[[], object]], repeats: int = 3
) -> dict[str, list[float]]:
    """Wall-clock seconds of each model, ``repeats`` rounds after one warm-up round.

    Each round runs every model once, in turn, so a change in the machine's load
    while they run reaches them all alike: the same as the site's ``measure.compare``,
    repeated here so that this file works on its own after a download.
    """
    return asyncio.run(rounds_async(models, repeats))


async def rounds_async(
    models: dict[str, Callable], repeats: int = 3
) -> dict[str, list[float]]:
    """``rounds`` for a notebook, where an event loop already runs: await it.

    A model may be a coroutine function (it is awaited in its turn) or a plain one.
    """

    async def once(model: Callable) -> None:
        result = model()
        if asyncio.iscoroutine(result):
            await result

    for model in models.values():  # the warm-up round
        await once(model)
    samples: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(repeats):
        for name, model in models.items():
            start = time.perf_counter()
            await once(model)
            samples[name].append(time.perf_counter() - start)
    return samples


def speedups(results: dict[str, list[float]]) -> dict[str, tuple[float, float, float]]:
    """Speed-up of each model over the first, round by round: (median, low, high).

    In each round, the first model's time divided by this model's; the speed-up is
    the median round, and low and high are the slowest and fastest rounds. That is
    the site's one definition of a speed-up (``measure.speedup`` in
    ``snippets/measure.py``), repeated here because this file is downloaded without
    it. Two times of one round were taken moments apart, under the same load, so
    their ratio cancels most of what changed between rounds.
    """
    base = next(iter(results.values()))
    found = {}
    for name, samples in results.items():
        ratios = [b / s for b, s in zip(base, samples, strict=True)]
        found[name] = (statistics.median(ratios), min(ratios), max(ratios))
    return found


def table(results: dict[str, list[float]]) -> str:
    """A text table: median (min-max) seconds and the speed-up over the first row."""
    width = max(map(len, results))
    lines = [f"{'model':<{width}}  median s (min-max)        speed-up (round range)"]
    gains = speedups(results)
    for name, samples in results.items():
        median = statistics.median(samples)
        spread = f"{median:.3f} ({min(samples):.3f}-{max(samples):.3f})"
        middle, low, high = gains[name]
        lines.append(
            f"{name:<{width}}  {spread:<25} {middle:5.2f}x ({low:.2f}-{high:.2f})"
        )
    return "\n".join(lines)


def chart(results: dict[str, dict[str, list[float]]]) -> str:
    """Bar charts of speed-up over the first model, as an HTML ``<img>`` with alt text.

    ``results`` maps a title to what ``rounds`` returned for its models; each bar is
    the median round, its line the slowest to the fastest round. Matplotlib
    is imported here, only when a chart is wanted; the SVG keeps its text as text.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(4.5 * len(results), 3))
    summary = []
    for ax, (title, models) in zip(axes, results.items(), strict=True):
        names, found = list(models), list(speedups(models).values())
        gains = [middle for middle, _, _ in found]
        spread = [[m - lo for m, lo, _ in found], [hi - m for m, _, hi in found]]
        bars = ax.barh(
            names, gains, xerr=spread, color="lightgrey", edgecolor="black", capsize=3
        )
        ax.bar_label(bars, labels=[f"{s:.2f}x" for s in gains], padding=3)
        ax.axvline(1, linestyle=":", color="black")
        ax.invert_yaxis()
        ax.set_xlim(0, max(hi for _, _, hi in found) * 1.3)
        ax.set_title(title)
        ax.set_xlabel("speed-up over sequential (median round; bars: range)")
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
        "asyncio": lambda: waits_with_asyncio(waits),  # awaited in its turn
    }
    print(table(rounds(io_models, repeats)))
    cpus = usable_cpus()
    crunches = [steps] * tasks
    print(f"\nCPU-bound: {tasks} tasks of {steps:,} steps, {cpus} workers")
    cpu_models = {
        "sequential": lambda: sequential(crunch, crunches),
        "threads": lambda: threads(crunch, crunches, cpus),
        "processes": lambda: processes(crunch, crunches, cpus, method),
    }
    print(table(rounds(cpu_models, repeats)))


if __name__ == "__main__":
    main()
