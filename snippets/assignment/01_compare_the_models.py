"""The assignment's comparison: every model on the same ten files, in both modes.

Each model of ``file_processors.py`` (next to this file) processes the ten files once
per mode. The results must agree with the sequential ones before any time is shown.
For each mode the program prints a table (total time, speed-up over sequential, CPU
time, notes) and a sentence per model that says why its time is what it is. Those
sentences are fixed reasons, true on any machine, with this run's numbers in front,
plus two checks on the machine itself: whether work that should have had a CPU to
itself did (CPU time against time spent), and whether the machine's speed held
steady (the first and the last CPU-bound runs do the same one-at-a-time work).
It ends with the end of the log.

Run it: ``python 01_compare_the_models.py [--work-seconds 2] [--log-dir logs]``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import file_processors as fp

import measure

TITLES = {"io": "I/O-bound mode", "cpu": "CPU-bound mode"}
STATISTIC = (
    "one run of each model (each takes seconds: no repeats), "
    "wall-clock time from time.perf_counter()"
)
ALONE = 0.8  # work that has a CPU to itself runs at least this share of its time
STEADY = 1.25  # the same work, run first and last, agrees within this ratio


@dataclass(frozen=True)
class Model:
    """A processor in the comparison, and what the page says about it on any machine."""

    processor: fp.AbstractFileProcessor
    note: str  # the table's Notes: how the model runs
    why: str  # the sentence under the table: why its time is what it is
    alone: bool = False  # each file's work has a CPU to itself on an idle machine


def default_pool_size() -> int:
    """What ``multiprocessing.Pool()`` starts without a size: CPUs, not tasks.

    ``os.process_cpu_count()`` from Python 3.13 on, ``os.cpu_count()`` before.
    """
    count = getattr(os, "process_cpu_count", os.cpu_count)()
    return count or 1


def models(mode: str, files: int, **options: Any) -> list[Model]:
    """The models compared in ``mode``, the sequential baseline first."""
    sequential = fp.SequentialFileProcessor(mode=mode, **options)
    work = sequential.work_seconds
    baseline = Model(
        sequential,
        "the baseline: one file after another",
        f"one file after another costs the sum of the work, planned as {files} × "
        f"{work:g} s = {files * work:g} s.",
        alone=mode == "cpu",
    )
    more = io_models if mode == "io" else cpu_models
    return [baseline, *more(files, work, mode=mode, **options)]


def io_models(files: int, work: float, **options: Any) -> list[Model]:
    released = "has released the GIL" if measure.gil_enabled() else "holds up no one"
    default = fp.MultiprocessingFileProcessor(processes=default_pool_size(), **options)
    size = default.pool_size(files)
    rounds = fp.plural(math.ceil(files / size), "round")
    at_least = math.ceil(files / size) * work
    return [
        Model(
            fp.ThreadedFileProcessor(**options),
            "each thread waits in time.sleep"
            + (", which releases the GIL" if measure.gil_enabled() else ""),
            "a thread blocked in `time.sleep`, like one blocked reading a socket, "
            f"{released}, so the waits can overlap: at best, the run takes one "
            f"wait of {work:g} s.",
        ),
        Model(
            fp.MultiprocessingFileProcessor(**options),
            "one process per file: waiting needs no CPU",
            "the waiting processes overlap their waits as threads do, but each is a "
            "whole process to start, and arguments and results are pickled: costs "
            "that threads do not have.",
        ),
        Model(
            default,
            f"Pool() without a size: {rounds} of files",
            f"`Pool()` without a size starts {fp.plural(size, 'process')}, one per "
            "CPU, not one per file. A worker waits for one file at a time, so "
            f"{files} files need {rounds} of {work:g} s: at least {at_least:g} s.",
        ),
        Model(
            fp.AsyncioFileProcessor(**options),
            "asyncio.sleep suspends the coroutine; no thread waits",
            "one thread runs one event loop. `await asyncio.sleep()` sets a timer "
            "and suspends the coroutine, so all the waits are pending at once and "
            "no thread is blocked. This is a different wait from `time.sleep` in a "
            "thread; it is how asyncio waits for many sockets at once.",
        ),
    ]


def cpu_models(files: int, work: float, **options: Any) -> list[Model]:
    gil = measure.gil_enabled()
    cpus = fp.plural(measure.usable_cpus(), "usable CPU")
    pool = fp.MultiprocessingFileProcessor(**options)
    size = pool.pool_size(files)
    rounds = math.ceil(files / size)
    at_once = "in parallel" if size > 1 else "one at a time"
    own = "its own interpreter and its own GIL" if gil else "its own interpreter"
    if gil:
        threads = (
            "the threads take turns holding the GIL",
            "on this build only the thread that holds the GIL runs Python code, so "
            "the threads take turns and do the same work one slice at a time.",
        )
    else:
        threads = (
            "no GIL on this build: threads can run in parallel",
            "this free-threaded build runs without the GIL, so the threads can "
            f"compute in parallel on the {cpus}.",
        )
    return [
        Model(fp.ThreadedFileProcessor(**options), *threads),
        Model(
            pool,
            f"one process per usable CPU, each with {own}",
            f"each of the {fp.plural(size, 'worker process')} has {own}, so {size} "
            f"compute {at_once} on the {cpus}. {files} files in "
            f"{fp.plural(rounds, 'round')} make at best {files / rounds:.2f}× the "
            "sequential speed.",
            alone=True,
        ),
        Model(
            fp.AsyncioFileProcessor(**options),
            "loop.run_in_executor hands each file to a process",
            "`loop.run_in_executor()` sends each file to a worker process and the "
            f"loop awaits the results: the work runs {at_once}, as in the pool "
            "above, while the loop stays free for other coroutines.",
            alone=True,
        ),
        # Last: it repeats the baseline's one-file-at-a-time work, so the first and
        # the last run together show whether the machine's speed held steady.
        Model(
            fp.AsyncioFileProcessor(offload_cpu=False, **options),
            "the work never awaits, so the coroutines run one by one",
            "the coroutines never await, so each runs to its end before the loop can "
            "start the next: sequential code with extra steps. An event loop "
            "overlaps waiting, not computing.",
            alone=True,
        ),
    ]


@dataclass(frozen=True)
class Row:
    """One model's run: its time and its results."""

    model: Model
    timing: measure.Timing
    results: list[fp.FileResult]

    @property
    def name(self) -> str:
        return self.model.processor.name

    @property
    def cpu_seconds(self) -> float:
        """CPU time spent on the files' work, added up over threads and processes."""
        return sum(result.cpu_seconds for result in self.results)

    @property
    def on_cpu(self) -> float:
        """The share of its time on the files that the work spent running on a CPU."""
        return self.cpu_seconds / max(sum(r.seconds for r in self.results), 1e-9)


# --8<-- [start:compare]
def compare(paths: list[Path], mode: str, **options: Any) -> list[Row]:
    """Run every model once on ``paths``, in order; check that they agree; time each."""
    chosen = models(mode, len(paths), **options)
    results: dict[str, list[fp.FileResult]] = {}

    def run(processor: fp.AbstractFileProcessor) -> Callable[[], None]:
        def once() -> None:
            results[processor.name] = processor.process_files(paths)

        return once

    timings = measure.compare(
        {model.processor.name: run(model.processor) for model in chosen},
        repeats=1,
        warmup=0,
    )
    for name, found in results.items():
        if found != results[chosen[0].processor.name]:
            raise RuntimeError(f"{name} counted differently from the baseline")
    return [
        Row(model, timings[model.processor.name], results[model.processor.name])
        for model in chosen
    ]


# --8<-- [end:compare]


def comparison_table(rows: list[Row], files: int) -> str:
    baseline = rows[0].timing
    return measure.table(
        ["Model", "Total time (s)", "Speed-up vs sequential", "CPU time (s)", "Notes"],
        [
            [
                row.name,
                row.timing.cell(2),
                f"{measure.speedup(baseline, row.timing).median:.2f}×",
                f"{row.cpu_seconds:.2f}",
                f"{row.model.processor.workers(files)}; {row.model.note}",
            ]
            for row in rows
        ],
    )


def explain(rows: list[Row]) -> list[str]:
    """A sentence per row: this run's numbers, then the reason, then the checks."""
    baseline = rows[0]
    said = []
    for row in rows:
        speed = measure.speedup(baseline.timing, row.timing).median
        numbers = f"{row.timing.median:.2f} s"
        if row is not baseline:
            numbers += f", {speed:.2f}× the sequential speed"
        sentence = f"**{row.name}** ({numbers}): {row.model.why}"
        if row.model.alone and row.on_cpu < ALONE:
            sentence += (
                f" Its work was on a CPU only {row.on_cpu:.0%} of the time spent on "
                "files: other programs were using the CPUs meanwhile."
            )
        said.append(sentence)
    if baseline.model.processor.mode == "io":
        most = max(row.cpu_seconds / row.timing.median for row in rows)
        said.append(
            f"**CPU time**: no row spent more than {most:.1%} of its total time on a "
            "CPU. Waiting costs time, not CPU."
        )
    else:
        said.append(steadiness(baseline.timing.median, rows[-1].timing.median))
    return [f"- {sentence}" for sentence in said]


def steady(first: float, last: float) -> bool:
    """Whether two runs of the same one-at-a-time work agree within ``STEADY``."""
    return max(first, last) / min(first, last) <= STEADY


def steadiness(first: float, last: float) -> str:
    said = (
        "**A check on the machine**: the first run and the last one do the same work "
        f"one file at a time, and took {first:.2f} s and {last:.2f} s. "
    )
    margin = f"{(STEADY - 1) * 100:.0f} %"
    if steady(first, last):
        return said + (
            f"They agree within {margin}, so the machine's speed held steady during "
            "this comparison."
        )
    return said + (
        f"They differ by more than {margin}, so the machine's speed changed during "
        "this comparison, and the speed-ups above are off by as much."
    )


def report(paths: list[Path], mode: str, **options: Any) -> str:
    """Run the comparison for one mode; return its table and explanation (Markdown)."""
    rows = compare(paths, mode, **options)
    table = comparison_table(rows, len(paths))
    return f"**{TITLES[mode]}**\n\n{table}\n\n" + "\n".join(explain(rows))


def describe_input(paths: list[Path], work_seconds: float) -> str:
    words = [len(p.read_text(encoding="utf-8").split()) for p in paths]
    cpu = fp.Workload("cpu", work_seconds, fp.seconds_per_word())
    return (
        f"{len(paths)} files of random text (seed {fp.SEED}), {min(words):,} to "
        f"{max(words):,} words each; about {work_seconds:g} s of work per file. "
        f"In the CPU mode, one pass over a file costs {cpu.seconds_per_word * 1e9:.0f}"
        " ns per word on this machine (calibrated just now), so each file is "
        f"processed {cpu.passes(max(words))} to {cpu.passes(min(words))} times."
    )


def log_summary(log_path: Path, tail: int) -> str:
    """Check the log has an end for every start of a model or a file; show its end."""
    lines = log_path.read_text(encoding="utf-8").splitlines()

    def count(marker: str) -> int:
        return sum(marker in line for line in lines)

    models_ok = count("model start: ") == count("model end: ")
    files_ok = count("file start: ") == count("file end: ")
    return "\n".join(
        [
            f"The log `{log_path}` has {len(lines)} lines: {count('model start: ')} "
            f"model runs and {count('file start: ')} files processed. Every model and "
            f"file that started also ended: {models_ok and files_ok}. Its last {tail} "
            "lines:",
            "",
            "```text",
            *lines[-tail:],
            "```",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-seconds", type=float, default=fp.WORK_SECONDS)
    parser.add_argument("--log-dir", type=Path, default=fp.DEFAULT_LOG_DIR)
    args = parser.parse_args(argv)
    options = {"work_seconds": args.work_seconds, "log_dir": args.log_dir}

    with tempfile.TemporaryDirectory(prefix="assignment-files-") as scratch:
        paths = fp.write_random_files(Path(scratch))
        parts = [describe_input(paths, args.work_seconds)]
        parts += [report(paths, mode, **options) for mode in fp.MODES]
    measure.report(
        "\n\n".join(parts), statistic=STATISTIC, start_method=fp.DEFAULT_START_METHOD
    )
    # The last two model runs: CPU work in worker processes, then in coroutines.
    print()
    print(log_summary(args.log_dir / fp.LOG_FILE, tail=2 * (2 + 2 * len(paths))))


if __name__ == "__main__":
    main()
